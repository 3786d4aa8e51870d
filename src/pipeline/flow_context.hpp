// FlowContext: the pipeline's per-flow state, hung on flow::Flow::extension — TCP reassembly,
// classification, and the protocol session once the flow's protocol is known. It is the stream
// consumer of the flow's reassembled bytes and the PDU sink of its session.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "normwatch/classify/classifier.hpp"
#include "normwatch/core/prefetch.hpp"
#include "normwatch/flow/flow.hpp"
#include "normwatch/pipeline/pipeline.hpp"
#include "normwatch/protocols/common/session.hpp"
#include "normwatch/stream/tcp_reassembler.hpp"

namespace normwatch::pipeline {

struct alignas(64) FlowContext final : flow::FlowExtension, stream::StreamConsumer, protocols::PduSink {
  FlowContext(Pipeline& owner, flow::Flow& flow);
  ~FlowContext() override;

  // stream::StreamConsumer
  void on_data(const stream::StreamChunk& chunk) override;
  void on_end(flow::Direction direction, stream::StreamEnd how, std::uint64_t frame_no) override;
  // protocols::PduSink
  void on_pdu(const protocols::PduRecord& record) override;
  void on_anomaly(const protocols::AnomalyRecord& record) override;

  void on_datagram(flow::Direction direction, const decode::DecodedPacket& packet);
  void end(std::uint64_t frame_no);
  // Tells the observer the flow's protocol once it is decided (or, with `at_end`, whatever it is).
  // Asked on every packet and almost always already done: that test is inline.
  void report_classified(std::uint64_t frame_no, core::Timestamp ts, bool at_end) {
    if (!classified_reported_) report_classified_once(frame_no, ts, at_end);
  }

  // Starts loading the session's hot memory (Session::hot_region, asked once when the session
  // starts) while the packet is classified and reassembled.
  void prefetch_session() const { core::prefetch_lines<true>(session_hot_.at, session_hot_.bytes); }

 private:
  protocols::Side side_of(flow::Direction d) const {
    return flow.from_client(d) ? protocols::Side::client : protocols::Side::server;
  }
  FlowEndpoints endpoints_for(flow::Direction sent) const;
  flow::Direction direction_of(protocols::Side from) const;
  // Probes on the first bytes; while the probes need more, the bytes are kept (bounded) and
  // replayed into the session once it exists.
  void route(flow::Direction direction, core::Bytes bytes, bool gap_before, const protocols::SegmentContext& ctx,
             bool datagram);
  // The part of route before the flow has a session, out of line (the probes, the holding area):
  // true when a session exists now and should get the bytes.
  [[gnu::noinline]] bool probe(flow::Direction direction, core::Bytes bytes, bool gap_before,
                               const protocols::SegmentContext& ctx, bool datagram);
  void start_session(protocols::ProtocolId id);
  void report_classified_once(std::uint64_t frame_no, core::Timestamp ts, bool at_end);

  struct Pending {
    flow::Direction direction;
    std::vector<std::byte> bytes;
    bool gap_before;
    bool datagram;
    protocols::SegmentContext ctx;
  };

  // Members, hot first: a replay meets thousands of flows in turn, so every cache line of a flow's
  // context a packet touches is a likely miss. What every packet reads or writes lies in the first
  // three lines of the (aligned) context, which the flow table prefetches when it finds the flow
  // (flow::FlowExtension::kHotBytes); the probes' holding area and the observer's words follow.
 public:
  Pipeline& owner;
  flow::Flow& flow;
  std::unique_ptr<protocols::Session> session;

 private:
  protocols::Session::HotRegion session_hot_;
  // Direction of the bytes being fed to the session right now: PDUs reported during that call
  // were sent that way, whatever the session concluded about roles.
  std::optional<flow::Direction> feeding_;
  bool ended_ = false;
  bool classified_reported_ = false;

 public:
  // In place rather than behind a pointer: one dependent cache miss less on every TCP segment.
  std::optional<stream::TcpReassembler> tcp;
  classify::FlowClassification classification;
  // The observer's per-flow words (FlowEndpoints::observer_scratch); not part of the flow's
  // identity, so const members may hand them out.
  mutable std::array<std::uint64_t, kObserverScratchWords> observer_scratch{};

 private:
  std::vector<Pending> pending_;
  std::size_t pending_bytes_ = 0;
};

}  // namespace normwatch::pipeline
