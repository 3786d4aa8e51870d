// Events validate against docs/event-schema.json (issue 6 item 5): the golden baselines of the
// rule captures (what `normwatch replay --events -` writes) and events made here for every kind of
// finding. The validation is done by Python's jsonschema; the test is skipped with a message when
// it or the schema is not available.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "normwatch/rules/engine/facts_extract.hpp"
#include "rules/engine/engine_helpers.hpp"

namespace normwatch::rules::engine {
namespace {

namespace fs = std::filesystem;

constexpr const char* kValidator = R"PY(
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
bad = 0
count = 0
for path in sys.argv[2:]:
    for n, line in enumerate(open(path), 1):
        if not line.strip():
            continue
        count += 1
        for e in validator.iter_errors(json.loads(line)):
            bad += 1
            print("%s:%d: %s" % (path, n, e.message))
print("validated %d events" % count)
sys.exit(1 if bad or count == 0 else 0)
)PY";

bool have_validator() {
  return std::system("python3 -c 'import jsonschema' >/dev/null 2>&1") == 0;
}

std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) {
    status = -1;
    return out;
  }
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  status = ::pclose(p);
  return out;
}

class EventSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = test::source_dir() + "/docs/event-schema.json";
    if (!fs::exists(schema_)) GTEST_SKIP() << "docs/event-schema.json is not there yet: events not validated";
    if (!have_validator()) GTEST_SKIP() << "python3 with jsonschema is not installed: events not validated";
    dir_ = fs::temp_directory_path() / ("nw-schema-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "validate.py") << kValidator;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void validate(const std::vector<std::string>& files) {
    std::string command = "python3 " + (dir_ / "validate.py").string() + " " + schema_;
    for (const auto& f : files) command += " " + f;
    int status = 0;
    const std::string out = run(command + " 2>&1", status);
    EXPECT_EQ(status, 0) << out;
  }
  std::string schema_;
  fs::path dir_;
};

TEST_F(EventSchema, GoldenRuleEventsValidate) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(test::source_dir() + "/tests/golden")) {
    const auto name = entry.path().filename().string();
    const auto expected = entry.path() / "expected.jsonl";
    if (name.rfind("rules-", 0) == 0 && fs::exists(expected) && fs::file_size(expected) > 0) {
      files.push_back(expected.string());
    }
  }
  ASSERT_FALSE(files.empty());
  validate(files);
}

TEST_F(EventSchema, EngineEventsOfEveryKindValidate) {
  auto engine = Engine::compile(test::shipped_pack());
  test::CapturingSink sink;
  const Endpoints w = test::endpoints("10.10.2.66", 51000, "10.10.1.20", 502);
  test::ModbusPdu p("00 01 00 00 00 06 01 08 00 04 00 00", false);
  PduFacts f;
  ASSERT_TRUE(extract_facts(p.record, f));
  engine->on_pdu(f, w, test::kNoPolicy, sink);
  protocols::AnomalyRecord a;
  a.protocol = protocols::ProtocolId::modbus;
  a.name = "modbus.bad_length";
  engine->on_anomaly(a, w, nullptr, sink);
  PolicyFinding finding;
  finding.rule_id = "SG-01";
  finding.message = "no conduit";
  engine->on_policy_finding(finding, {}, 1, w, protocols::ProtocolId::modbus, "modbus", nullptr, nullptr, sink);
  const Endpoints v6 = test::endpoints("fd00::66", 51000, "fd00::20", 20000);
  test::Dnp3Pdu restart("c0 0d", 10, 1, true);
  ASSERT_TRUE(extract_facts(restart.record, f));
  engine->on_pdu(f, v6, test::kNoPolicy, sink);
  ASSERT_EQ(sink.events.size(), 4u);
  const auto file = dir_ / "events.jsonl";
  {
    std::ofstream out(file);
    std::uint64_t seq = 0;
    for (auto e : sink.events) {
      e.sensor = "unit-test";
      e.seq = ++seq;
      out << events::to_json_line(e) << "\n";
    }
  }
  validate({file.string()});
}

}  // namespace
}  // namespace normwatch::rules::engine
