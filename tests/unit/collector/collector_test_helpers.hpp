// Shared helpers for the collector tests: a temporary directory and canonical event lines.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace normwatch::collector::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A canonical event line to ingest, built fluently: event_line(LineSpec().seq(3).rule("MB-01")).
struct LineSpec {
  LineSpec& with_sensor(std::string v) { sensor = std::move(v); return *this; }
  LineSpec& with_epoch(std::uint64_t v) { epoch = v; return *this; }
  LineSpec& with_seq(std::uint64_t v) { seq = v; return *this; }
  LineSpec& at(std::int64_t v) { ts_seconds = v; return *this; }
  LineSpec& with_kind(std::string v) { kind = std::move(v); return *this; }
  LineSpec& with_severity(std::string v) { severity = std::move(v); return *this; }
  LineSpec& with_rule(std::string v) { rule = std::move(v); return *this; }
  LineSpec& with_zones(std::string src, std::string dst) {
    source_zone = std::move(src);
    destination_zone = std::move(dst);
    return *this;
  }
  LineSpec& with_body(std::string v) { body_json = std::move(v); return *this; }

  std::string sensor = "s1";
  std::uint64_t epoch = 1;
  std::uint64_t seq = 1;
  std::int64_t ts_seconds = 1'700'000'000;
  std::string kind = "norm_violation";
  std::string severity = "high";
  std::string rule = "MB-01";
  std::string source_zone;
  std::string destination_zone;
  std::string body_json;
};

std::string event_line(const LineSpec& spec);

// Runs `print` into a temporary FILE and returns what it wrote.
template <class F>
std::string capture(F print);
std::string read_file(std::FILE* f);

template <class F>
std::string capture(F print) {
  std::FILE* f = std::tmpfile();
  print(f);
  return read_file(f);
}

}  // namespace normwatch::collector::test
