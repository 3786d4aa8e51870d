// DNP3 session: one flow's state across the three layers. TCP bytes go through a FrameAssembler
// per side (many frames per segment, one frame across segments, resynchronisation on 0x05 0x64);
// UDP datagrams hold one or more whole frames. Link frames feed transport reassembly; completed
// fragments are parsed and reported with the link header of the frame that completed them; frames
// without user data are reported as link-only PDUs. The sender's role comes from the DIR bit, not
// from the port or who opened the connection (Suricata PR #5324), and responses are paired with
// requests by application sequence number.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "normwatch/protocols/common/frame_assembler.hpp"
#include "normwatch/protocols/common/session.hpp"
#include "normwatch/protocols/dnp3/app_parser.hpp"
#include "normwatch/protocols/dnp3/limits.hpp"
#include "normwatch/protocols/dnp3/link_framer.hpp"
#include "normwatch/protocols/dnp3/pairing.hpp"
#include "normwatch/protocols/dnp3/pdu.hpp"
#include "normwatch/protocols/dnp3/transport.hpp"

namespace normwatch::protocols::dnp3 {

struct SessionCounters {
  std::uint64_t link_frames = 0;          // frames with a valid header CRC
  std::uint64_t link_only_frames = 0;     // reported as PDUs without "app"
  std::uint64_t fragments = 0;            // application fragments reported
  std::uint64_t requests = 0;             // master function codes other than CONFIRM
  std::uint64_t responses = 0;            // 129 and 131
  std::uint64_t unsolicited = 0;          // 130
  std::uint64_t confirms = 0;             // 0
  std::uint64_t secure_auth = 0;          // fragments flagged secure_auth
  std::uint64_t paired_responses = 0;
  std::uint64_t unmatched_responses = 0;  // no pending request with that sequence number
  std::uint64_t unanswered_requests = 0;  // replaced, evicted or pending at the end
  std::uint64_t direction_corrections = 0;  // sides whose role the DIR bit corrected
  std::uint64_t malformed = 0;            // PDUs reported with `malformed` set
  std::uint64_t resyncs = 0;              // resynchronisation episodes
  std::uint64_t bytes_skipped = 0;        // bytes discarded while resynchronising
  std::array<std::uint64_t, kAnomalyCount> anomalies{};

  std::uint64_t anomaly(Anomaly a) const { return anomalies[static_cast<std::size_t>(a)]; }
  std::uint64_t anomaly_total() const;
};

class Dnp3Session final : public protocols::Session {
 public:
  Dnp3Session(PduSink& sink, const Limits& limits = {});

  void on_stream(Side from, core::Bytes bytes, bool gap_before, const SegmentContext& ctx) override;
  void on_datagram(Side from, core::Bytes bytes, const SegmentContext& ctx) override;
  void on_end(const SegmentContext& ctx) override;

  const SessionCounters& counters() const { return counters_; }
  const TransportCounters& transport_counters() const { return transport_.counters(); }
  std::size_t pending_requests() const { return tracker_.pending(); }

 private:
  struct SideRole {
    bool known = false;
    Side role = Side::client;
  };

  void handle_frame(Side side, core::Bytes frame, std::uint64_t frame_no, core::Timestamp ts);
  void handle_fragment(Side from, const LinkHeader& link, core::Bytes fragment, std::uint64_t frame_no,
                       core::Timestamp ts);
  void report_link_only(Side from, const LinkHeader& link, Anomaly malformed, std::uint64_t frame_no,
                        core::Timestamp ts);
  Anomaly pair(const LinkHeader& link);
  Side role_of(Side side, const LinkHeader& link, std::uint64_t frame_no, core::Timestamp ts);
  void emit(Anomaly a, Side from, std::uint64_t frame_no, core::Timestamp ts, std::string_view detail = {});
  void emit_resync(std::string_view why, std::size_t skipped, Side from, std::uint64_t frame_no, core::Timestamp ts);

  PduSink& sink_;
  Limits limits_;
  std::array<FrameAssembler, 2> assemblers_;
  std::array<SideRole, 2> roles_{};
  TransportReassembler transport_;
  RequestTracker tracker_;
  AppStorageBuffers storage_;
  UserDataBuffer user_data_{};
  Pdu pdu_;
  SessionCounters counters_;
  std::array<char, 48> detail_{};
};

}  // namespace normwatch::protocols::dnp3
