// The captures in captures/ are exactly what normwatch-capgen writes today: regenerating each
// one (captures/manifest.tsv names the scenario and options) gives the same bytes, and
// captures/README.md documents every file with the command that made it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "capgen/scenario.hpp"
#include "tools/tools_test_helpers.hpp"

namespace normwatch::tools::capgen {
namespace {

TEST(ShippedCaptures, ManifestListsTheDemoAndEveryCase) {
  const auto entries = test::read_manifest();
  ASSERT_GE(entries.size(), 10u);
  for (const auto& e : entries) EXPECT_NE(find_scenario(e.scenario), nullptr) << e.file;
}

TEST(ShippedCaptures, RegeneratingGivesIdenticalBytes) {
  const auto dir = test::scratch_dir("shipped");
  for (const auto& e : test::read_manifest()) {
    const auto shipped = test::captures_dir() / e.file;
    ASSERT_TRUE(std::filesystem::exists(shipped)) << shipped;
    const auto fresh = dir / std::filesystem::path(e.file).filename();
    const auto result = write_scenario(e.scenario, e.options, fresh.string());
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(test::read_bytes(fresh), test::read_bytes(shipped))
        << e.file << " differs from a fresh `normwatch-capgen " << e.scenario << "`: run captures/make-captures.sh";
  }
  std::filesystem::remove_all(dir);
}

TEST(ShippedCaptures, ReadmeGivesEachCommand) {
  std::ifstream in(test::captures_dir() / "README.md");
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& e : test::read_manifest()) {
    std::string command = "normwatch-capgen " + e.scenario + " -o " + e.file;
    if (!e.options_text.empty()) command += " " + e.options_text;
    EXPECT_NE(text.str().find(command), std::string::npos) << "README.md lacks: " << command;
  }
}

}  // namespace
}  // namespace normwatch::tools::capgen
