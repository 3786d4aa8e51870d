// Test helpers for the collector (see collector_test_helpers.hpp).
#include "collector_test_helpers.hpp"

#include <random>

#include "normwatch/events/event.hpp"

namespace normwatch::collector::test {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / ("nw-collector-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string event_line(const LineSpec& spec) {
  events::Event e;
  e.sensor = spec.sensor;
  e.epoch = spec.epoch;
  e.seq = spec.seq;
  e.ts = core::Timestamp::from_seconds(spec.ts_seconds);
  e.kind = events::parse_event_kind(spec.kind).value();
  e.severity = events::parse_severity(spec.severity).value();
  if (!spec.rule.empty()) e.rule = events::RuleRef{spec.rule, 1, "rule", e.severity, {}, {}};
  e.source_zone = spec.source_zone;
  e.destination_zone = spec.destination_zone;
  e.body_json = spec.body_json;
  e.message = "message " + std::to_string(spec.seq);
  return events::to_json_line(e);
}

std::string read_file(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

}  // namespace normwatch::collector::test
