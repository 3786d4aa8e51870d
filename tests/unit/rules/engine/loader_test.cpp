// The rule loader (issue 6 item 4): the shipped pack loads; unknown fields, bad values, unknown
// names, duplicate ids and overrides of unknown ids are reported with file, line and column, all
// of them in one pass; overrides from the rules directory and the policy change severities.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "normwatch/rules/engine/loader.hpp"
#include "rules/engine/engine_helpers.hpp"

namespace normwatch::rules::engine {
namespace {

namespace fs = std::filesystem;

std::vector<Diagnostic> problems(std::string_view yaml) {
  auto r = parse_rule_file(yaml, "t.yaml");
  if (r) return {};
  return r.error();
}

bool mentions(const std::vector<Diagnostic>& d, std::string_view text, int line = -1) {
  for (const auto& x : d) {
    if (x.message.find(text) != std::string::npos && (line < 0 || x.line == line)) return true;
  }
  return false;
}

std::string dump(const std::vector<Diagnostic>& d) {
  std::string out;
  for (const auto& x : d) out += x.to_string() + "\n";
  return out;
}

constexpr std::string_view kGood = R"(rules:
  - id: T-01
    name: test
    description: a test rule
    kind: norm_violation
    severity: high
    attack: [T0816]
    norms: [f]
    explanations: [a reason]
    match: {protocol: dnp3, function: [COLD_RESTART, 0x0E]}
)";

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("nw-rules-" + std::to_string(::getpid()) + "-" + std::to_string(n_++))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  void write(const std::string& name, std::string_view text) const { std::ofstream(path_ / name) << text; }
  std::string str() const { return path_.string(); }

 private:
  static inline int n_ = 0;
  fs::path path_;
};

TEST(RuleLoader, ShippedPackLoads) {
  const auto pack = load_rule_pack(test::source_dir() + "/rules");
  ASSERT_TRUE(pack) << dump(pack.error());
  EXPECT_GE(pack->rules.size(), 50u);
  for (const auto& r : pack->rules) {
    EXPECT_FALSE(r.name.empty()) << r.id;
    EXPECT_FALSE(r.description.empty()) << r.id;
    EXPECT_GE(r.version, 1) << r.id;
  }
}

TEST(RuleLoader, GoodRuleParsesWithNamesAndHex) {
  const RulePack pack = test::pack_of(kGood);
  ASSERT_EQ(pack.rules.size(), 1u);
  const Rule& r = pack.rules[0];
  EXPECT_EQ(r.id, "T-01");
  EXPECT_EQ(r.severity, events::Severity::high);
  ASSERT_EQ(r.clauses.size(), 1u);
  ASSERT_TRUE(r.clauses[0].match.function);
  EXPECT_TRUE(r.clauses[0].match.function->contains(0x0D));
  EXPECT_TRUE(r.clauses[0].match.function->contains(0x0E));
  EXPECT_FALSE(r.clauses[0].match.function->contains(0x0F));
  EXPECT_EQ(r.file, "test.yaml");
  EXPECT_EQ(r.line, 2);
}

TEST(RuleLoader, UnknownFieldHasLineAndColumn) {
  const auto d = problems(R"(rules:
  - id: T-01
    name: test
    description: d
    kind: anomaly
    severty: high
    match: {protocol: modbus}
)");
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].file, "t.yaml");
  EXPECT_EQ(d[0].line, 6);
  EXPECT_EQ(d[0].column, 5);
  EXPECT_NE(d[0].message.find("unknown field 'severty'"), std::string::npos) << dump(d);
}

TEST(RuleLoader, EveryProblemOfAFileIsReported) {
  const auto d = problems(R"(rules:
  - id: A-01
    name: a
    description: d
    kind: norm_violation
    severity: urgent
    attack: [X123]
    norms: [z]
    explanations: [e]
    match: {protocol: modbus, function: 300, class: [launch], anomaly: [modbus.no_such_thing]}
    threshold: {count: 0, window: soon, by: planet}
  - id: A-02
    name: b
    description: d
    kind: blue
    severity: low
    match: {protocol: iec104, exception: 1, iin: device_restart, u_function: nope}
)");
  EXPECT_TRUE(mentions(d, "severity must be one of", 6)) << dump(d);
  EXPECT_TRUE(mentions(d, "not an ATT&CK technique id", 7)) << dump(d);
  EXPECT_TRUE(mentions(d, "not a norm tag", 8)) << dump(d);
  EXPECT_TRUE(mentions(d, "outside -1..255", 10)) << dump(d);
  EXPECT_TRUE(mentions(d, "unknown function class 'launch'", 10)) << dump(d);
  EXPECT_TRUE(mentions(d, "unknown anomaly name 'modbus.no_such_thing'", 10)) << dump(d);
  EXPECT_TRUE(mentions(d, "threshold count", 11)) << dump(d);
  EXPECT_TRUE(mentions(d, "threshold window", 11)) << dump(d);
  EXPECT_TRUE(mentions(d, "threshold 'by'", 11)) << dump(d);
  EXPECT_TRUE(mentions(d, "kind must be", 15)) << dump(d);
  EXPECT_TRUE(mentions(d, "'exception' needs protocol: modbus", 17)) << dump(d);
  EXPECT_TRUE(mentions(d, "'iin' needs protocol: dnp3", 17)) << dump(d);
  EXPECT_TRUE(mentions(d, "'nope' is not a number", 17)) << dump(d);
}

TEST(RuleLoader, StructuralMistakes) {
  EXPECT_TRUE(mentions(problems("rules: {id: x}\n"), "'rules' must be a list"));
  EXPECT_TRUE(mentions(problems("rulez: []\n"), "unknown field 'rulez'"));
  EXPECT_TRUE(mentions(problems("rules: [{id: x, name: n, description: d, kind: anomaly, severity: low}]\n"),
                       "has no 'match' or 'when'"));
  EXPECT_TRUE(mentions(problems(R"(rules: [{id: x, name: n, description: d, kind: anomaly, severity: low,
  match: {protocol: modbus, function: 3, anomaly: [modbus.bad_length]}}]
)"),
                       "stand alone"));
  EXPECT_TRUE(mentions(problems(R"(rules: [{id: x, name: n, description: d, kind: norm_violation, severity: low,
  match: {protocol: modbus, function: 3}}]
)"),
                       "needs 'explanations'"));
  EXPECT_TRUE(mentions(problems(R"(rules: [{id: x, name: n, description: d, kind: anomaly, severity: low, enabled: false,
  match: {protocol: modbus, function: 3}}]
)"),
                       "must say what it 'needs'"));
  EXPECT_TRUE(mentions(problems(R"(rules: [{id: x, name: n, description: d, kind: anomaly, severity: low,
  match: {protocol: modbus}, threshold: {count: 40, window: 1s, distinct: unit}}]
)"),
                       "counts at most 16"));
}

TEST(RuleLoader, YamlSyntaxErrorHasItsLine) {
  const auto d = problems("rules:\n  - id: [unclosed\n    name: x\n");
  ASSERT_FALSE(d.empty());
  EXPECT_GT(d[0].line, 0);
  EXPECT_NE(d[0].message.find("not valid YAML"), std::string::npos);
}

TEST(RuleLoader, DuplicateIdsAcrossFiles) {
  TempDir dir;
  dir.write("a.yaml", kGood);
  dir.write("b.yaml", std::string("# second copy\n") + std::string(kGood));
  const auto pack = load_rule_pack(dir.str());
  ASSERT_FALSE(pack);
  ASSERT_EQ(pack.error().size(), 1u) << dump(pack.error());
  const auto& d = pack.error()[0];
  EXPECT_NE(d.file.find("b.yaml"), std::string::npos);
  EXPECT_EQ(d.line, 3);
  EXPECT_NE(d.message.find("duplicate rule id 'T-01' (first defined at"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("a.yaml:2"), std::string::npos) << d.message;
}

TEST(RuleLoader, OverridesFileInTheRulesDirectory) {
  TempDir dir;
  dir.write("a.yaml", kGood);
  dir.write("overrides.yaml", "overrides:\n  - {id: T-01, severity: low}\n");
  auto pack = load_rule_pack(dir.str());
  ASSERT_TRUE(pack) << dump(pack.error());
  EXPECT_EQ(pack->rules[0].severity, events::Severity::low);

  dir.write("overrides.yaml", "overrides:\n  - {id: T-01, enabled: false}\n  - {id: NOPE, severity: low}\n");
  const auto bad = load_rule_pack(dir.str());
  ASSERT_FALSE(bad);
  EXPECT_TRUE(mentions(bad.error(), "override of unknown rule id 'NOPE'", 3)) << dump(bad.error());
}

TEST(RuleLoader, SubdirectoriesAndOtherFilesAreNotRead) {
  TempDir dir;
  dir.write("a.yaml", kGood);
  dir.write("README.md", "not yaml: [");
  fs::create_directories(fs::path(dir.str()) / "policies");
  std::ofstream(fs::path(dir.str()) / "policies" / "p.yaml") << "policy: {id: x}\n";
  const auto pack = load_rule_pack(dir.str());
  ASSERT_TRUE(pack) << dump(pack.error());
  EXPECT_EQ(pack->files.size(), 1u);
}

TEST(RuleLoader, MissingDirectoryOrNoFiles) {
  EXPECT_FALSE(load_rule_pack("/nonexistent/normwatch/rules"));
  TempDir empty;
  const auto pack = load_rule_pack(empty.str());
  ASSERT_FALSE(pack);
  EXPECT_TRUE(mentions(pack.error(), "no rule files"));
}

TEST(RuleLoader, PolicyOverridesApplyAndUnknownIdsAreErrors) {
  RulePack pack = test::pack_of(kGood);
  auto policy = Policy::load_text(R"(policy: {id: p, version: 1, approved_by: t}
zones:
  - {id: a, match: {default: true}}
conduits: []
default: deny
norm_rules:
  overrides:
    - {id: T-01, severity: L}
    - {id: ZZ-99, severity: high}
)",
                                  "policy.yaml");
  ASSERT_TRUE(policy) << dump(policy.error());
  const auto d = apply_policy_overrides(pack, **policy);
  EXPECT_EQ(pack.rules[0].severity, events::Severity::low);
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_EQ(d[0].file, "policy.yaml");
  EXPECT_EQ(d[0].line, 9);
  EXPECT_NE(d[0].message.find("ZZ-99"), std::string::npos);
}

TEST(RuleLoader, Durations) {
  EXPECT_EQ(parse_duration_ns("60s"), 60'000'000'000);
  EXPECT_EQ(parse_duration_ns("10 s"), 10'000'000'000);
  EXPECT_EQ(parse_duration_ns("500ms"), 500'000'000);
  EXPECT_EQ(parse_duration_ns("10m"), 600'000'000'000);
  EXPECT_EQ(parse_duration_ns("2h"), 7'200'000'000'000);
  EXPECT_EQ(parse_duration_ns("1.5"), 1'500'000'000);
  EXPECT_FALSE(parse_duration_ns("soon"));
  EXPECT_FALSE(parse_duration_ns("5 parsecs"));
  EXPECT_FALSE(parse_duration_ns("nan"));
  EXPECT_FALSE(parse_duration_ns("1e30"));
}

TEST(RuleLoader, ValueSets) {
  ValueSet v;
  v.add(15, 16);
  v.add(5, 6);
  v.add(7, 7);
  EXPECT_EQ(v.to_string(), "5-7, 15-16");
  EXPECT_TRUE(v.contains(6));
  EXPECT_FALSE(v.contains(8));
  EXPECT_EQ(v.to_string(true), "0x05-0x07, 0x0F-0x10");
}

}  // namespace
}  // namespace normwatch::rules::engine
