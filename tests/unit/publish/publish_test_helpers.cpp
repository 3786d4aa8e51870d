// Test helpers for the publish module (see publish_test_helpers.hpp).
#include "publish_test_helpers.hpp"

#include <fstream>
#include <random>

namespace normwatch::publish::test {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / ("nw-publish-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

events::Event finding(std::int64_t ts_seconds) {
  events::Event e;
  e.ts = core::Timestamp::from_seconds(ts_seconds);
  e.kind = events::EventKind::norm_violation;
  e.severity = events::Severity::high;
  e.rule = events::RuleRef{"MB-01", 1, "test rule", events::Severity::high, {}, {}};
  e.message = "a finding";
  return e;
}

events::Event heartbeat(std::int64_t ts_seconds) {
  events::Event e;
  e.ts = core::Timestamp::from_seconds(ts_seconds);
  e.kind = events::EventKind::health;
  e.severity = events::Severity::info;
  e.body_json = R"({"health":{"packets":1}})";
  return e;
}

}  // namespace normwatch::publish::test
