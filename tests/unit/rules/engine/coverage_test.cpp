// The default pack covers the catalogue (NORMS-AND-RULES.md §2) and rules/README.md documents it:
// every catalogue id the parsers can support ships, the ones shipped disabled say what they need,
// and the README table lists every rule.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "normwatch/rules/engine/names.hpp"
#include "rules/engine/engine_helpers.hpp"

namespace normwatch::rules::engine {
namespace {

std::vector<std::string> catalogue_ids() {
  std::vector<std::string> ids;
  auto range = [&](const char* prefix, int last) {
    for (int i = 1; i <= last; ++i) {
      char id[16];
      std::snprintf(id, sizeof id, "%s-%02d", prefix, i);
      ids.emplace_back(id);
    }
  };
  range("MB", 12);
  range("UM", 3);
  range("DN", 12);
  range("IE", 11);
  range("SG", 7);
  range("SYS", 1);
  return ids;
}

TEST(RulePackCoverage, EveryCatalogueRuleShips) {
  const RulePack pack = test::shipped_pack();
  for (const auto& id : catalogue_ids()) EXPECT_NE(pack.find(id), nullptr) << id;
}

TEST(RulePackCoverage, OnlyRulesNeedingStateWeLackShipDisabled) {
  const RulePack pack = test::shipped_pack();
  std::set<std::string> disabled;
  for (const auto& r : pack.rules) {
    if (!r.enabled) {
      disabled.insert(r.id);
      EXPECT_FALSE(r.needs.empty()) << r.id;
    }
  }
  EXPECT_EQ(disabled, (std::set<std::string>{"MB-11", "UM-03", "SG-04"}));
}

TEST(RulePackCoverage, EveryPolicyFindingHasARule) {
  const RulePack pack = test::shipped_pack();
  for (const auto id : policy_finding_ids()) {
    bool found = false;
    for (const auto& r : pack.rules) {
      for (const auto& c : r.clauses) {
        for (const auto& f : c.match.policy_findings) found = found || f == id;
      }
    }
    EXPECT_TRUE(found) << id;
  }
}

TEST(RulePackCoverage, ReadmeListsEveryRule) {
  std::ifstream in(test::source_dir() + "/rules/README.md");
  ASSERT_TRUE(in) << "rules/README.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& r : test::shipped_pack().rules) {
    EXPECT_NE(text.str().find("| " + r.id + " |"), std::string::npos) << r.id << " is not in the README table";
  }
}

}  // namespace
}  // namespace normwatch::rules::engine
