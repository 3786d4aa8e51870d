// Per-flow Modbus/TCP session: frames each direction's stream (MBAP, TCP implementation guide
// §3.1.3) through a FrameAssembler, decides from content which side is the client, pairs
// responses to requests by transaction and unit id, and reports every PDU and anomaly.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "normwatch/protocols/common/frame_assembler.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/common/session.hpp"
#include "normwatch/protocols/modbus/anomaly.hpp"
#include "normwatch/protocols/modbus/config.hpp"
#include "normwatch/protocols/modbus/parser.hpp"
#include "normwatch/protocols/modbus/pdu.hpp"
#include "normwatch/protocols/modbus/transactions.hpp"

namespace normwatch::protocols::modbus {

struct SessionCounters {
  // Every ADU counts in the first four: they come first, so that they share the session's hot
  // cache lines (ModbusSession::hot_region).
  std::uint64_t pdus = 0;
  std::uint64_t requests = 0;
  std::uint64_t responses = 0;
  std::uint64_t paired = 0;
  std::uint64_t exceptions = 0;
  std::uint64_t malformed = 0;
  std::uint64_t unanswered = 0;        // at on_end, evicted, or superseded by the same key
  std::uint64_t unsolicited = 0;
  std::uint64_t evicted = 0;           // outstanding-table overflow
  std::uint64_t resyncs = 0;           // resynchronisation episodes (skipped bytes or gaps)
  std::uint64_t bytes_skipped = 0;
  std::uint64_t gaps = 0;
  std::uint64_t partial_frames_dropped = 0;
  std::uint64_t role_corrections = 0;  // client side taken from content, not the flow's guess
  std::array<std::uint64_t, kAnomalyCount> anomalies{};

  std::uint64_t anomaly(Anomaly a) const { return anomalies[static_cast<std::size_t>(a)]; }
};

// Records and anomalies carry in `from` the sender's Modbus role as decided from content
// (client for the side that sends requests), which may differ from the stream side the flow
// layer passed to on_stream when its guess was wrong.
//
// Aligned to a cache line, with the members every ADU touches first (see hot_region): a replay
// meets thousands of flows in turn, and each line of per-flow state it touches is a likely miss.
class alignas(64) ModbusSession final : public protocols::Session {
 public:
  explicit ModbusSession(PduSink& sink, const Config& config = {});

  void on_stream(Side from, core::Bytes bytes, bool gap_before, const SegmentContext& ctx) override;
  void on_datagram(Side from, core::Bytes bytes, const SegmentContext& ctx) override;
  void on_end(const SegmentContext& ctx) override;
  HotRegion hot_region() const override;

  const SessionCounters& counters() const { return counters_; }
  // The stream side that acts as Modbus client, as far as content has shown (port 502 is only a
  // hint: the flow layer's guess is kept until a PDU's shape says otherwise).
  Side client_side() const { return role_score_ >= 0 ? Side::client : Side::server; }
  std::size_t outstanding() const { return transactions_.size(); }

 private:
  struct Stream {
    explicit Stream(std::size_t max_frame) : assembler(max_frame) {}
    FrameAssembler assembler;
    bool resyncing = false;          // be strict about headers until a frame is found again
    bool gap_pending = false;        // a gap not yet reported
    std::size_t gap_partial = 0;     // bytes of a partial frame the gap made useless
  };
  struct Where {
    Side wire;                       // stream side as the flow layer names it
    std::uint64_t frame_no;
    core::Timestamp ts;
  };

  void feed(Stream& stream, core::Bytes bytes, bool gap_before, const Where& at);
  void handle_frame(Stream& stream, core::Bytes adu, const Where& at);
  void handle_adu(core::Bytes adu, const Where& at);
  [[gnu::noinline]] void handle_findings(const Pdu& pdu, const Where& at);
  // Whether the next chunk of this direction may bypass its stream state (see direct_).
  void update_direct(Side wire);
  void handle_resync(Stream& stream, std::string_view reason, std::size_t skipped, const Where& at);
  void report_gap(Stream& stream, std::size_t skipped, const Where& at);
  void decode(core::Bytes adu, const Where& at, Pdu& pdu);
  [[gnu::noinline]] void decode_unsure(core::Bytes adu, const Where& at, Direction believed, Pdu& pdu);
  void vote(Side wire, Direction direction, const Where& at);
  [[gnu::noinline]] void move_roles(int step, const Where& at);
  void track_request(const Pdu& pdu, const Where& at);
  void pair_response(Pdu& pdu, const Where& at);
  void report_unanswered(const PendingRequest& request, std::string_view why, const Where& at);
  void report(Anomaly anomaly, const Where& at, std::string_view detail);
  Side role_of(Side wire) const { return wire == client_side() ? Side::client : Side::server; }
  Stream& stream_of(Side wire) { return streams_[static_cast<std::size_t>(wire)]; }

  // Hot: read or written for every ADU, in this order (hot_region ends inside counters_).
  PduSink& sink_;
  FramerLimits limits_;
  // Per direction: nothing buffered, no resynchronisation and no gap pending, so a chunk that is
  // exactly one ADU goes straight to handle_adu without touching that direction's Stream.
  std::array<bool, 2> direct_{true, true};
  // Evidence of who the client is: > 0 the flow's client side, < 0 its server side. Each PDU whose
  // shape fits only one direction moves it by one, bounded, so one odd PDU cannot flip a settled
  // flow while a wrong guess is corrected by the first clear PDU.
  int role_score_ = 0;
  TransactionTable transactions_;
  SessionCounters counters_;
  // Cold: touched by split frames, resynchronisation, gaps and anomalies.
  std::array<Stream, 2> streams_;
  std::array<char, 96> reason_text_{};   // malformed reason, valid during on_pdu
  std::array<char, 96> detail_text_{};   // anomaly detail, valid during on_anomaly
};

}  // namespace normwatch::protocols::modbus
