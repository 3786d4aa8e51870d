// Bounded threshold and limit state (see threshold_table.hpp). Windows are tumbling: a key's window
// starts at its first occurrence and a hit after it has passed starts a new one.
#include "threshold_table.hpp"

#include "normwatch/core/mix.hpp"

#include <algorithm>
#include <bit>
#include <random>
#include <cstdint>
#include <cstring>

namespace normwatch::rules::engine::detail {

namespace {

// Key equality in a few word compares (the defaulted == compares byte arrays with memcmp).
bool same_address(const core::IpAddress& a, const core::IpAddress& b) {
  std::uint64_t x[2];
  std::uint64_t y[2];
  std::memcpy(x, a.bytes.data(), 16);
  std::memcpy(y, b.bytes.data(), 16);
  return a.family == b.family && x[0] == y[0] && x[1] == y[1];
}

bool same_key(const StateKey& a, const StateKey& b) {
  return a.slot == b.slot && a.flow == b.flow && same_address(a.a, b.a) && same_address(a.b, b.b);
}

}  // namespace

std::uint64_t hash_key(const StateKey& key) {
  // Multiply-xorshift over the key's words; the table seeds nothing an attacker could aim at
  // beyond filling sets, which costs evictions (counted), never correctness.
  std::uint64_t w[4];
  std::memcpy(&w[0], key.a.bytes.data(), 8);
  std::memcpy(&w[1], key.a.bytes.data() + 8, 8);
  std::memcpy(&w[2], key.b.bytes.data(), 8);
  std::memcpy(&w[3], key.b.bytes.data() + 8, 8);
  std::uint64_t h = (static_cast<std::uint64_t>(key.slot) << 16) ^ (static_cast<std::uint64_t>(key.a.family) << 8) ^
                    static_cast<std::uint64_t>(key.b.family) ^ (key.flow * 0x9E3779B97F4A7C15ULL);
  h ^= w[0] * 0xBF58476D1CE4E5B9ULL;
  h ^= (w[1] ^ (h >> 29)) * 0x94D049BB133111EBULL;
  h ^= (w[2] ^ (h >> 31)) * 0xBF58476D1CE4E5B9ULL;
  h ^= (w[3] ^ (h >> 27)) * 0x94D049BB133111EBULL;
  return core::mix64(h);
}

ThresholdTable::ThresholdTable(std::size_t capacity) {
  // Whole sets, a power of two of them.
  std::size_t sets = std::bit_ceil(std::max<std::size_t>(1, (capacity + kWays - 1) / kWays));
  entries_.resize(sets * kWays);
  tags_.assign(sets * kWays, 0);
  distinct_.assign(sets * kWays * kMaxDistinct, 0);
  frames_.assign(sets * kWays * kMaxEvidence, 0);
  set_mask_ = sets - 1;
  std::random_device random;
  seed_ = (static_cast<std::uint64_t>(random()) << 32) ^ random();
}

void ThresholdTable::reset_window(std::size_t slot, std::int64_t ts_ns, std::int64_t window_ns) {
  Entry& e = entries_[slot];
  e.window_start = ts_ns;
  e.window_ns = window_ns;
  e.count = 0;
  e.fired = false;
  e.distinct_count = 0;
  e.frame_count = 0;
  e.frame_head = 0;
}

void ThresholdTable::record_frame(std::size_t slot, std::uint64_t frame) {
  Entry& e = entries_[slot];
  frames_[slot * kMaxEvidence + e.frame_head] = frame;
  e.frame_head = static_cast<std::uint8_t>((e.frame_head + 1) % kMaxEvidence);
  if (e.frame_count < kMaxEvidence) ++e.frame_count;
}

void ThresholdTable::start_window_if_over(std::size_t slot, std::int64_t ts_ns, std::int64_t window_ns) {
  Entry& e = entries_[slot];
  // Window over (or time went back): a fresh window for the same key.
  if (ts_ns - e.window_start > e.window_ns || ts_ns < e.window_start) reset_window(slot, ts_ns, window_ns);
  e.last_seen = ts_ns;
}

std::size_t ThresholdTable::find(const StateKey& key, std::int64_t ts_ns, std::int64_t window_ns, bool* evicted) {
  // Two candidate sets per key (two-choice hashing): a key lives in either, so one crowded set
  // does not evict while the table is nearly empty. The compact tag array is scanned first, so a
  // lookup reads an entry only on a tag match.
  const std::uint64_t h = core::mix64(hash_key(key) ^ seed_);
  const std::uint64_t tag = h | 1;
  const std::size_t bases[2] = {(h & set_mask_) * kWays, ((h >> 32) & set_mask_) * kWays};
  for (const std::size_t base : bases) {
    for (std::size_t i = base; i < base + kWays; ++i) {
      if (tags_[i] != tag || !same_key(entries_[i].key, key)) continue;
      start_window_if_over(i, ts_ns, window_ns);
      return i;
    }
  }
  // A new key goes to the emptier of its two sets (the power of two choices keeps sets balanced):
  // a free slot, else one whose window has passed, else the least recently seen key is evicted.
  std::size_t slot = SIZE_MAX;
  std::size_t best_free = 0;
  for (const std::size_t base : bases) {
    std::size_t free = 0;
    std::size_t first = SIZE_MAX;
    for (std::size_t i = base; i < base + kWays; ++i) {
      if (tags_[i] != 0) continue;
      ++free;
      if (first == SIZE_MAX) first = i;
    }
    if (free > best_free) {
      best_free = free;
      slot = first;
    }
  }
  if (slot != SIZE_MAX) {
    ++in_use_;
  } else {
    std::size_t oldest = bases[0];
    for (const std::size_t base : bases) {
      for (std::size_t i = base; i < base + kWays && slot == SIZE_MAX; ++i) {
        const Entry& e = entries_[i];
        if (ts_ns - e.window_start > e.window_ns) slot = i;
        if (e.last_seen < entries_[oldest].last_seen) oldest = i;
      }
    }
    if (slot == SIZE_MAX) {
      slot = oldest;
      ++evictions_;
      if (evicted != nullptr) *evicted = true;
    }
  }
  entries_[slot].key = key;
  entries_[slot].last_seen = ts_ns;
  reset_window(slot, ts_ns, window_ns);
  tags_[slot] = tag;
  return slot;
}

ThresholdOutcome ThresholdTable::hit(const StateKey& key, const Threshold& t, std::int64_t ts_ns, std::uint64_t frame,
                                     std::uint64_t value) {
  ThresholdOutcome out;
  const std::size_t slot = find(key, ts_ns, t.window_ns, &out.evicted);
  Entry& e = entries_[slot];
  if (t.distinct != DistinctField::none) {
    // Counts a value once per window; the evidence is the first frame of each new value.
    std::uint64_t* values = &distinct_[slot * kMaxDistinct];
    if (std::find(values, values + e.distinct_count, value) == values + e.distinct_count &&
        e.distinct_count < kMaxDistinct) {
      values[e.distinct_count++] = value;
      record_frame(slot, frame);
    }
    e.count = e.distinct_count;
  } else {
    ++e.count;
    // Only the last kMaxEvidence matches before the threshold can be its evidence.
    if (e.count + kMaxEvidence > t.count) record_frame(slot, frame);
  }
  out.count = e.count;
  out.window_start = e.window_start;
  if (!e.fired && e.count >= t.count) {
    e.fired = true;
    out.fire = true;
    // Oldest first.
    const std::size_t start = e.frame_count < kMaxEvidence ? 0 : e.frame_head;
    for (std::size_t i = 0; i < e.frame_count; ++i) out.frames[i] = frames_[slot * kMaxEvidence + (start + i) % kMaxEvidence];
    out.frame_count = e.frame_count;
  }
  return out;
}

bool ThresholdTable::allow(const StateKey& key, const Limit& l, std::int64_t ts_ns, bool* evicted) {
  Entry& e = entries_[find(key, ts_ns, l.window_ns, evicted)];
  ++e.count;
  return e.count <= l.count;
}

}  // namespace normwatch::rules::engine::detail
