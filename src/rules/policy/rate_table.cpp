// RateTable: sliding 60 s counters in 5 s slots, in a fixed set-associative table (rate_table.hpp).
#include "rate_table.hpp"

#include <algorithm>

namespace normwatch::rules::detail {

namespace {

std::size_t hash_key(std::uint32_t conduit, const core::IpAddress& ip) {
  // FNV-1a over the key bytes: cheap, and good enough to spread masters over the sets.
  std::uint64_t h = 1469598103934665603ULL;
  const auto mix = [&h](std::uint8_t b) {
    h ^= b;
    h *= 1099511628211ULL;
  };
  for (int i = 0; i < 4; ++i) mix(static_cast<std::uint8_t>(conduit >> (8 * i)));
  mix(static_cast<std::uint8_t>(ip.family));
  for (const std::uint8_t b : ip.bytes) mix(b);
  return static_cast<std::size_t>(h ^ (h >> 29));
}

std::int64_t slot_of(core::Timestamp ts) {
  // Floor division, so that timestamps before 1970 still land in consecutive slots.
  const std::int64_t q = ts.ns / RateTable::kSlotNs;
  return (ts.ns % RateTable::kSlotNs < 0) ? q - 1 : q;
}

std::size_t ring_index(std::int64_t slot) {
  std::int64_t r = slot % static_cast<std::int64_t>(RateTable::kSlots);
  if (r < 0) r += static_cast<std::int64_t>(RateTable::kSlots);
  return static_cast<std::size_t>(r);
}

}  // namespace

RateTable::RateTable(std::size_t capacity) {
  const std::size_t ways = std::max<std::size_t>(kWays, (capacity + kWays - 1) / kWays * kWays);
  entries_.resize(ways);
  sets_ = ways / kWays;
}

RateTable::Entry& RateTable::find_or_take(std::uint32_t conduit, const core::IpAddress& master, std::int64_t slot) {
  const std::size_t base = (hash_key(conduit, master) % sets_) * kWays;
  Entry* free_way = nullptr;
  Entry* oldest = nullptr;
  for (std::size_t w = 0; w < kWays; ++w) {
    Entry& e = entries_[base + w];
    if (!e.used) {
      if (free_way == nullptr) free_way = &e;
      continue;
    }
    if (e.conduit == conduit && e.master == master) return e;
    if (oldest == nullptr || e.last_slot < oldest->last_slot) oldest = &e;
  }
  Entry* take = free_way;
  if (take == nullptr) {
    take = oldest;
    // An entry idle for a whole window holds nothing worth keeping: reuse is not an eviction.
    if (slot - take->last_slot < static_cast<std::int64_t>(kSlots)) ++evictions_;
  } else {
    ++in_use_;
  }
  *take = Entry{};
  take->used = true;
  take->conduit = conduit;
  take->master = master;
  take->last_slot = slot;
  for (Counter& c : take->counters) c.head = slot;
  return *take;
}

RateTable::Outcome RateTable::add(std::uint32_t conduit, const core::IpAddress& master, RateKind kind,
                                  core::Timestamp ts, std::uint32_t limit) {
  const std::int64_t slot = slot_of(ts);
  Entry& e = find_or_take(conduit, master, slot);
  e.last_slot = std::max(e.last_slot, slot);
  Counter& c = e.counters[static_cast<std::size_t>(kind)];
  if (slot > c.head) {
    // Clear the slots that the window slid over (all of them after a long pause).
    const std::int64_t steps = std::min<std::int64_t>(slot - c.head, static_cast<std::int64_t>(kSlots));
    for (std::int64_t i = 1; i <= steps; ++i) {
      c.slots[ring_index(c.head + i)] = 0;
    }
    c.head = slot;
  }
  // Events older than the window (packets reordered across flows by more than a minute) are
  // ignored: they can no longer change a count the window reports.
  if (c.head - slot < static_cast<std::int64_t>(kSlots)) {
    std::uint32_t& s = c.slots[ring_index(slot)];
    if (s != UINT32_MAX) ++s;
  }
  std::uint64_t sum = 0;
  for (const std::uint32_t s : c.slots) sum += s;
  Outcome out;
  out.count = static_cast<std::uint32_t>(std::min<std::uint64_t>(sum, UINT32_MAX));
  if (out.count > limit) {
    out.crossed = !c.over;
    c.over = true;
  } else {
    c.over = false;
  }
  return out;
}

}  // namespace normwatch::rules::detail
