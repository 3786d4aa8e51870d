// DNP3 transport function (IEEE 1815-2012 clause 8): reassembles application fragments from
// transport segments (FIN, FIR, 6-bit sequence rolling over 63 -> 0) per (TCP side, link source,
// link destination). Missing FIR, out-of-sequence segments, a FIR in the middle of a fragment and
// fragments over the size cap are named anomalies; after one, the rest of that fragment is
// discarded quietly until the next FIR, so one broken fragment raises one anomaly. A segment that
// repeats the previous one byte for byte (a link-layer retry) is dropped as a duplicate.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/common/protocol_id.hpp"
#include "normwatch/protocols/dnp3/anomaly.hpp"
#include "normwatch/protocols/dnp3/limits.hpp"
#include "normwatch/protocols/dnp3/pdu.hpp"

namespace normwatch::protocols::dnp3 {

struct TransportKey {
  Side side = Side::client;
  std::uint16_t source = 0;
  std::uint16_t destination = 0;
  bool operator==(const TransportKey&) const = default;
};

enum class SegmentStatus : std::uint8_t {
  partial,    // accepted, fragment not finished
  complete,   // `fragment` holds a whole application fragment
  dropped,    // not used (see anomalies)
  duplicate,  // same bytes as the previous segment: ignored
};

struct SegmentOutcome {
  SegmentStatus status = SegmentStatus::dropped;
  TransportHeader header;
  core::Bytes fragment;                // complete only; valid until the next call
  std::array<Anomaly, 2> anomalies{};  // at most: a context eviction and one sequencing problem
  std::uint8_t anomaly_count = 0;

  void add(Anomaly a) {
    if (anomaly_count < anomalies.size()) anomalies[anomaly_count++] = a;
  }
};

struct TransportCounters {
  std::uint64_t segments = 0;
  std::uint64_t fragments = 0;
  std::uint64_t multi_segment_fragments = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t dropped_segments = 0;
  std::uint64_t abandoned_fragments = 0;  // FIR restart, out of sequence, too long, gap, end
  std::uint64_t evictions = 0;
};

class TransportReassembler {
 public:
  explicit TransportReassembler(const TransportLimits& limits);

  // `segment` is one link frame's user data: the transport header byte, then application bytes.
  SegmentOutcome on_segment(const TransportKey& key, core::Bytes segment);
  // Drops the partial fragments of one side (after a stream gap); returns how many were dropped.
  std::size_t abandon(Side side);
  // Drops every partial fragment (end of flow); returns how many were dropped.
  std::size_t abandon_all();

  const TransportCounters& counters() const { return counters_; }
  std::size_t tracked_pairs() const { return contexts_.size(); }

 private:
  enum class State : std::uint8_t { idle, assembling, discarding };
  struct Context {
    TransportKey key;
    State state = State::idle;
    std::uint8_t next_seq = 0;
    std::uint8_t last_seq = 0;
    std::size_t last_len = 0;
    std::uint64_t last_use = 0;
    std::vector<std::byte> buffer;
  };

  Context& context_for(const TransportKey& key, SegmentOutcome& outcome);
  bool is_duplicate(const Context& c, const TransportHeader& th, core::Bytes payload) const;
  void drop(Context& c, bool fin, SegmentOutcome& outcome, Anomaly why);

  TransportLimits limits_;
  std::vector<Context> contexts_;
  std::size_t last_index_ = 0;
  std::uint64_t tick_ = 0;
  TransportCounters counters_;
};

}  // namespace normwatch::protocols::dnp3
