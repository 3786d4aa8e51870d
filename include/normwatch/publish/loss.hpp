// LossTally: counts of events the sensor dropped before stamping them, by reason and kind, and
// the `loss` event that reports them (issue 7 §1; PEERS.md §4 item 3: every drop is accounted in
// a sequenced loss event). Dropped events take no sequence number, so the sequence stays
// contiguous and the loss event says what is missing.
//
// loss event body: {"loss": {"reason": R, "dropped": N, "by_kind": {kind: n, ...},
//                            "total_dropped": T, "first_ts": ts, "last_ts": ts}}
// severity high when a finding was dropped, low when only telemetry was.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "normwatch/core/timestamp.hpp"
#include "normwatch/events/event.hpp"

namespace normwatch::publish {

enum class LossReason : std::uint8_t {
  queue_full,         // the sensor's in-memory queue was full (live capture, never blocks)
  spool_full,         // the spool reached its size cap
  spool_write_error,  // write(2) to the spool failed (disk full, I/O error)
  oversize,           // the encoded event exceeded the record limit
  sequence_error,     // no sequence number could be reserved durably
};
inline constexpr std::size_t kLossReasonCount = 5;
std::string_view name(LossReason reason);

inline constexpr std::size_t kEventKindCount = 7;

struct LossCount {
  std::array<std::uint64_t, kEventKindCount> by_kind{};
  core::Timestamp first_ts;
  core::Timestamp last_ts;

  std::uint64_t total() const;
  bool empty() const { return total() == 0; }
  bool includes_findings() const;
  void add(events::EventKind kind, core::Timestamp ts, std::uint64_t n = 1);
  void merge(const LossCount& other);
};

// The loss event for `count` (stamped later like any event). `total_dropped` is the sensor's
// cumulative count including these.
events::Event make_loss_event(LossReason reason, const LossCount& count, std::uint64_t total_dropped);

}  // namespace normwatch::publish
