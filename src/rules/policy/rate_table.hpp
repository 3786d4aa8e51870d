// Bounded per-(conduit, master) counters for the conduit rate limits (`rate: {write_per_min,
// commands_per_min}`, POL-RATE). The window slides in 5-second steps: a count is the sum of the
// current 5 s slot and the 11 before it (55-60 s). The table is set-associative (8 ways per set),
// allocated once; when a set is full, the least recently used live entry is evicted and counted.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "normwatch/core/ip_address.hpp"
#include "normwatch/core/timestamp.hpp"

namespace normwatch::rules::detail {

enum class RateKind : std::uint8_t { write = 0, command = 1 };

class RateTable {
 public:
  static constexpr std::int64_t kSlotNs = 5 * core::kNsPerSecond;
  static constexpr std::size_t kSlots = 12;
  static constexpr std::size_t kWays = 8;

  explicit RateTable(std::size_t capacity);

  struct Outcome {
    std::uint32_t count = 0;    // events in the window, this one included
    bool crossed = false;       // this event took the count over `limit` (once per burst)
  };
  // Counts one event; `crossed` is true only on the event that goes over the limit, and re-arms
  // when the count falls back to the limit or below.
  Outcome add(std::uint32_t conduit, const core::IpAddress& master, RateKind kind, core::Timestamp ts,
              std::uint32_t limit);

  std::size_t capacity() const { return entries_.size(); }
  std::size_t in_use() const { return in_use_; }
  std::uint64_t evictions() const { return evictions_; }

 private:
  struct Counter {
    std::array<std::uint32_t, kSlots> slots{};
    std::int64_t head = 0;      // absolute slot number of the newest slot
    bool over = false;
  };
  struct Entry {
    bool used = false;
    std::uint32_t conduit = 0;
    core::IpAddress master;
    std::int64_t last_slot = 0;
    std::array<Counter, 2> counters{};
  };
  Entry& find_or_take(std::uint32_t conduit, const core::IpAddress& master, std::int64_t slot);

  std::vector<Entry> entries_;
  std::size_t sets_ = 1;
  std::size_t in_use_ = 0;
  std::uint64_t evictions_ = 0;
};

}  // namespace normwatch::rules::detail
