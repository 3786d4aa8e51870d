// ThresholdTable: the bounded state behind thresholds ("N in a window per key") and limits ("at
// most N events per window per key"). A fixed-capacity table of 4-entry sets allocated once at
// start-up, each key hashed to two candidate sets: a key whose window has passed is reused; when
// both sets are full the least recently seen of their keys is evicted and counted
// (EngineLimits::max_threshold_keys is the named cap). No allocation after construction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "normwatch/core/ip_address.hpp"
#include "normwatch/rules/engine/rule.hpp"

namespace normwatch::rules::engine::detail {

struct StateKey {
  std::uint32_t slot = 0;   // which clause's threshold or limit
  core::IpAddress a;
  core::IpAddress b;
  std::uint64_t flow = 0;
  bool operator==(const StateKey&) const = default;
};

struct ThresholdOutcome {
  bool fire = false;
  bool evicted = false;     // this call evicted another key
  std::uint32_t count = 0;
  std::int64_t window_start = 0;  // of the key's current window
  std::array<std::uint64_t, kMaxEvidence> frames{};
  std::uint32_t frame_count = 0;
};

class ThresholdTable {
 public:
  explicit ThresholdTable(std::size_t capacity);

  // Counts one occurrence at `ts_ns` (frame `frame`); with a distinct threshold `value` is what
  // is counted once per window. Fires once per window when the count reaches t.count.
  ThresholdOutcome hit(const StateKey& key, const Threshold& t, std::int64_t ts_ns, std::uint64_t frame,
                       std::uint64_t value);
  // True when this event is among the first l.count of its window (then it may be reported).
  bool allow(const StateKey& key, const Limit& l, std::int64_t ts_ns, bool* evicted);

  std::size_t capacity() const { return entries_.size(); }
  std::size_t in_use() const { return in_use_; }
  std::uint64_t evictions() const { return evictions_; }

 private:
  // What a lookup reads (the key and its window); the distinct values and evidence frames live in
  // separate arrays, touched only when a threshold records into them.
  struct Entry {
    StateKey key;
    std::int64_t window_start = 0;
    std::int64_t window_ns = 0;
    std::int64_t last_seen = 0;
    std::uint32_t count = 0;
    bool fired = false;
    std::uint8_t distinct_count = 0;
    std::uint8_t frame_count = 0;
    std::uint8_t frame_head = 0;
  };
  static constexpr std::size_t kWays = 4;

  // The slot of `key` (new or reset when its window passed); sets *evicted when one was dropped.
  std::size_t find(const StateKey& key, std::int64_t ts_ns, std::int64_t window_ns, bool* evicted);
  void start_window_if_over(std::size_t slot, std::int64_t ts_ns, std::int64_t window_ns);
  void reset_window(std::size_t slot, std::int64_t ts_ns, std::int64_t window_ns);
  void record_frame(std::size_t slot, std::uint64_t frame);

  std::vector<Entry> entries_;
  std::vector<std::uint64_t> tags_;      // per slot: its key's hash | 1, or 0 when free
  std::vector<std::uint64_t> distinct_;  // kMaxDistinct per slot
  std::vector<std::uint64_t> frames_;    // kMaxEvidence per slot (a ring)
  std::size_t set_mask_ = 0;
  std::uint64_t seed_ = 0;   // random per table: crafted keys cannot aim at one set
  std::size_t in_use_ = 0;
  std::uint64_t evictions_ = 0;
};

std::uint64_t hash_key(const StateKey& key);

}  // namespace normwatch::rules::engine::detail
