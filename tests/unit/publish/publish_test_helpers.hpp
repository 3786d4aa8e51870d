// Shared helpers for the publish tests: a temporary directory and a sink that records events.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "normwatch/events/event_sink.hpp"

namespace normwatch::publish::test {

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

class RecordingSink : public events::EventSink {
 public:
  void emit(events::Event event) override { events.push_back(std::move(event)); }
  std::vector<events::Event> events;
};

std::vector<std::string> read_lines(const std::filesystem::path& path);

events::Event finding(std::int64_t ts_seconds = 1'700'000'000);
events::Event heartbeat(std::int64_t ts_seconds = 1'700'000'000);

}  // namespace normwatch::publish::test
