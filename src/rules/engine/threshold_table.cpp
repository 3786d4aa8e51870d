// Bounded threshold and limit state (see threshold_table.hpp). Windows are tumbling: a key's window
// starts at its first occurrence and a hit after it has passed starts a new one.
#include "threshold_table.hpp"

#include <algorithm>
#include <bit>

namespace normwatch::rules::engine::detail {

namespace {

constexpr std::uint64_t mix(std::uint64_t x) {
  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t hash_address(const core::IpAddress& ip, std::uint64_t h) {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    lo = (lo << 8) | ip.bytes[i];
    hi = (hi << 8) | ip.bytes[8 + i];
  }
  return mix(h ^ lo ^ mix(hi ^ static_cast<std::uint64_t>(ip.family)));
}

}  // namespace

std::uint64_t hash_key(const StateKey& key) {
  std::uint64_t h = mix(key.slot + 0x9E3779B97F4A7C15ULL);
  h = hash_address(key.a, h);
  h = hash_address(key.b, h);
  return mix(h ^ key.flow);
}

ThresholdTable::ThresholdTable(std::size_t capacity) {
  // Whole sets, a power of two of them.
  std::size_t sets = std::bit_ceil(std::max<std::size_t>(1, (capacity + kWays - 1) / kWays));
  entries_.resize(sets * kWays);
  set_mask_ = sets - 1;
}

ThresholdTable::Entry& ThresholdTable::find(const StateKey& key, std::int64_t ts_ns, std::int64_t window_ns,
                                            bool* evicted) {
  Entry* set = &entries_[(hash_key(key) & set_mask_) * kWays];
  Entry* spare = nullptr;
  Entry* oldest = set;
  for (std::size_t i = 0; i < kWays; ++i) {
    Entry& e = set[i];
    if (e.used && e.key == key) {
      if (ts_ns - e.window_start > e.window_ns || ts_ns < e.window_start) {
        // Window over (or time went back): a fresh window for the same key.
        e.window_start = ts_ns;
        e.window_ns = window_ns;
        e.count = 0;
        e.fired = false;
        e.distinct_count = 0;
        e.frame_count = 0;
        e.frame_head = 0;
      }
      e.last_seen = ts_ns;
      return e;
    }
    if (spare == nullptr && (!e.used || ts_ns - e.window_start > e.window_ns)) spare = &e;
    if (e.last_seen < oldest->last_seen) oldest = &e;
  }
  Entry* e = spare;
  if (e == nullptr) {
    e = oldest;
    ++evictions_;
    if (evicted != nullptr) *evicted = true;
  }
  if (!e->used) ++in_use_;
  *e = Entry{};
  e->key = key;
  e->used = true;
  e->window_start = ts_ns;
  e->window_ns = window_ns;
  e->last_seen = ts_ns;
  return *e;
}

ThresholdOutcome ThresholdTable::hit(const StateKey& key, const Threshold& t, std::int64_t ts_ns, std::uint64_t frame,
                                     std::uint64_t value) {
  ThresholdOutcome out;
  Entry& e = find(key, ts_ns, t.window_ns, &out.evicted);
  if (t.distinct != DistinctField::none) {
    const auto end = e.distinct.begin() + e.distinct_count;
    if (std::find(e.distinct.begin(), end, value) == end && e.distinct_count < kMaxDistinct) {
      e.distinct[e.distinct_count++] = value;
    }
    e.count = e.distinct_count;
  } else {
    ++e.count;
  }
  e.frames[e.frame_head] = frame;
  e.frame_head = static_cast<std::uint8_t>((e.frame_head + 1) % kMaxEvidence);
  if (e.frame_count < kMaxEvidence) ++e.frame_count;
  out.count = e.count;
  if (!e.fired && e.count >= t.count) {
    e.fired = true;
    out.fire = true;
    // Oldest first.
    const std::size_t start = e.frame_count < kMaxEvidence ? 0 : e.frame_head;
    for (std::size_t i = 0; i < e.frame_count; ++i) out.frames[i] = e.frames[(start + i) % kMaxEvidence];
    out.frame_count = e.frame_count;
  }
  return out;
}

bool ThresholdTable::allow(const StateKey& key, const Limit& l, std::int64_t ts_ns, bool* evicted) {
  Entry& e = find(key, ts_ns, l.window_ns, evicted);
  ++e.count;
  return e.count <= l.count;
}

}  // namespace normwatch::rules::engine::detail
