// Timestamp: capture time in nanoseconds since the Unix epoch. Output uses packet time only, never
// wall-clock time, so replaying a capture is deterministic.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace normwatch::core {

struct Timestamp {
  std::int64_t ns = 0;

  static constexpr Timestamp from_seconds(std::int64_t sec, std::int64_t nsec = 0) {
    return Timestamp{sec * 1'000'000'000 + nsec};
  }
  constexpr std::int64_t seconds() const { return ns >= 0 ? ns / 1'000'000'000 : -((-ns + 999'999'999) / 1'000'000'000); }
  constexpr double as_double() const { return static_cast<double>(ns) / 1e9; }
  constexpr Timestamp plus_ns(std::int64_t delta) const { return Timestamp{ns + delta}; }
  constexpr auto operator<=>(const Timestamp&) const = default;

  // "1700000000.000412": seconds with microsecond precision, as decode-jsonl.md specifies.
  std::string to_micro_string() const;
  // RFC 3339 in UTC with microseconds: "2023-11-14T22:13:20.000412Z".
  std::string to_rfc3339() const;
};

inline constexpr std::int64_t kNsPerSecond = 1'000'000'000;

}  // namespace normwatch::core
