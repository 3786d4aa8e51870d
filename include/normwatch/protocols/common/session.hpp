// Session: the per-flow state of one protocol (request/response pairing, DNP3 transport
// reassembly, IEC 104 sequence numbers). It is fed in-order stream bytes (TCP) or datagrams (UDP)
// and reports PDUs and anomalies to a PduSink. Parsers stay pure; sessions hold the state.
#pragma once

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
};

}  // namespace normwatch::protocols
