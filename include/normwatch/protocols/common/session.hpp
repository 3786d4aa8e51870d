// Session: the per-flow state of one protocol (request/response pairing, DNP3 transport
// reassembly, IEC 104 sequence numbers). It is fed in-order stream bytes (TCP) or datagrams (UDP)
// and reports PDUs and anomalies to a PduSink. Parsers stay pure; sessions hold the state.
#pragma once

#include <cstddef>
#include <cstdint>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/core/timestamp.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/common/protocol_id.hpp"

namespace normwatch::protocols {

struct SegmentContext {
  std::uint64_t frame_no = 0;   // frame that completed these bytes
  core::Timestamp ts;
};

class Session {
 public:
  virtual ~Session() = default;

  // TCP: the next in-order bytes sent by `from`. gap_before: bytes were lost before these, so the
  // session must resynchronise (and say so) rather than glue the two sides of the hole together.
  virtual void on_stream(Side from, core::Bytes bytes, bool gap_before, const SegmentContext& ctx) = 0;
  // UDP: one datagram sent by `from`.
  virtual void on_datagram(Side from, core::Bytes bytes, const SegmentContext& ctx) = 0;
  // The flow ended: report what is still open (unanswered requests, partial frames).
  virtual void on_end(const SegmentContext& ctx) = 0;

  // The memory every PDU of this session touches (framing state, pairing, hot counters), which
  // the pipeline prefetches as soon as a packet's flow is found: a replay or a busy plant meets
  // thousands of flows in turn, and the first touch of a session was a cache miss per ADU.
  // Asked once per session; by default the object's first cache line (its vtable pointer).
  struct HotRegion {
    const void* at = nullptr;
    std::size_t bytes = 0;
  };
  virtual HotRegion hot_region() const { return {this, 64}; }
};

}  // namespace normwatch::protocols
