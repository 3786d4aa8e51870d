// Text forms of capture timestamps.
#include "normwatch/core/timestamp.hpp"

#include <cinttypes>
#include <cstdio>
#include <ctime>

namespace normwatch::core {

namespace {
// Splits into whole seconds and a non-negative nanosecond remainder (floor division).
void split(std::int64_t ns, std::int64_t& sec, std::int64_t& frac) {
  sec = ns / kNsPerSecond;
  frac = ns % kNsPerSecond;
  if (frac < 0) {
    frac += kNsPerSecond;
    sec -= 1;
  }
}
}  // namespace

std::string Timestamp::to_micro_string() const {
  std::int64_t sec = 0;
  std::int64_t frac = 0;
  split(ns, sec, frac);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%06" PRId64, sec, frac / 1000);
  return buf;
}

std::string Timestamp::to_rfc3339() const {
  std::int64_t sec = 0;
  std::int64_t frac = 0;
  split(ns, sec, frac);
  std::time_t t = static_cast<std::time_t>(sec);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s.%06" PRId64 "Z", date, frac / 1000);
  return buf;
}

}  // namespace normwatch::core
