// Pipeline: wires the stages for one stream of frames —
//   frame -> decode -> flow -> stream (TCP reassembly) -> classify -> protocol session -> observer.
// The only module that knows every stage. One Pipeline is single-threaded; sharding over worker
// threads (by the flow key's symmetric hash) builds several of them.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "normwatch/capture/raw_frame.hpp"
#include "normwatch/classify/classifier.hpp"
#include "normwatch/decode/decoder.hpp"
#include "normwatch/flow/flow_table.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/registry.hpp"
#include "normwatch/stream/tcp_reassembler.hpp"

namespace normwatch::pipeline {

struct PipelineOptions {
  decode::DecoderLimits decode;
  flow::FlowTableLimits flows;
  stream::ReassemblyLimits reassembly;
  classify::ClassifierOptions classify;
  protocols::SessionConfig sessions;
  bool parse_ics = true;     // run the Modbus/DNP3/IEC 104 parsers
  bool reassemble = true;    // TCP reassembly (off only for benchmarking the stages below it)
  // false: hand each TCP segment's payload to the parsers in capture order, ignoring sequence
  // numbers — for captures whose sequence numbers are broken (synthetic traces), like tshark's
  // -o tcp.analyze_sequence_numbers:FALSE. Never for live traffic: it trusts the capture's order.
  bool trust_tcp_sequence = true;
  // Sharded runs (sharded_pipeline.hpp): the reader thread decides when flows are checked for
  // expiry and calls tick() on every shard at the same capture time, so that flows end exactly
  // when a single pipeline would end them; process() then never expires on its own.
  bool external_clock = false;
  // FlowEndpoints::flow_id = flow id * stride + offset: ids unique across the shards of one run.
  std::uint64_t flow_id_stride = 1;
  std::uint64_t flow_id_offset = 0;
};

// Words of per-flow memory the pipeline keeps for its observer (zero when the flow starts, gone
// with it), so that an observer's per-flow state costs no lookup of its own (the rules observer
// keeps threshold and policy memos there).
inline constexpr std::size_t kObserverScratchWords = 16;

// A PDU or anomaly with the flow it belongs to and its sender and receiver endpoints.
struct FlowEndpoints {
  const flow::Flow* flow = nullptr;
  std::uint64_t flow_id = 0;  // unique in the run, also across shards (flow->id is per shard)
  core::IpAddress src_ip;
  std::uint16_t src_port = 0;
  core::IpAddress dst_ip;
  std::uint16_t dst_port = 0;
  bool udp = false;
  bool from_client = true;                    // the sender is the flow's client (as the flow layer knows)
  std::uint64_t* observer_scratch = nullptr;  // kObserverScratchWords words, or null
};

// A flow's application protocol, once decided: by the ICS parsers' probe, or by nDPI once the
// probes said "not ICS"; at the latest when the flow ends (then possibly still "unknown").
struct FlowClassified {
  protocols::ProtocolId ics = protocols::ProtocolId::unknown;  // a protocol normwatch parses, or unknown
  std::string_view app_name;       // "modbus", nDPI's name ("SSH", "RDP"), or "unknown"
  bool ics_on_foreign_port = false;  // an ICS protocol recognised on another protocol's port
  bool foreign_on_ics_port = false;  // payload on an ICS protocol's port that is not that protocol
  std::uint64_t frame_no = 0;      // the frame that decided it
  core::Timestamp ts;
};

// What the pipeline tells the rest of the sensor (decode output, rules, events).
class PduObserver {
 public:
  virtual ~PduObserver() = default;
  virtual void on_pdu(const protocols::PduRecord& record, const FlowEndpoints& endpoints) = 0;
  virtual void on_anomaly(const protocols::AnomalyRecord& record, const FlowEndpoints& endpoints) = 0;
  // Once per flow, with the client as source (segmentation checks run here).
  virtual void on_flow_classified(const FlowClassified& /*info*/, const FlowEndpoints& /*client_to_server*/) {}
};

struct PipelineStats {
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;                 // captured bytes
  std::uint64_t wire_bytes = 0;
  core::Timestamp first_ts;
  core::Timestamp last_ts;
  decode::DecodeCounters decode;
  flow::FlowTableCounters flows;
  stream::ReassemblyCounters reassembly;
  classify::ClassifierCounters classify;
  std::uint64_t tcp_streams = 0;           // TCP flows (connections) seen
  std::map<std::string, std::uint64_t> flows_by_app;        // at flow end
  std::map<std::string, std::uint64_t> pdus_by_protocol;
  std::map<std::string, std::uint64_t> anomalies_by_name;   // protocol anomalies
  std::uint64_t ics_flows_off_port = 0;
  std::uint64_t foreign_on_ics_port = 0;
};

class Pipeline : private flow::FlowEndHandler {
 public:
  explicit Pipeline(PipelineOptions options = {}, PduObserver* observer = nullptr);
  ~Pipeline() override;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void process(const capture::RawFrame& frame);
  // Ends every flow (delivering what reassembly still holds) — call at end of capture.
  void finish();
  // With PipelineOptions::external_clock: checks flows and fragments for expiry at `now`, as the
  // arrival of frame `frame_no` would in a single pipeline.
  void tick(core::Timestamp now, std::uint64_t frame_no);
  // With PipelineOptions::external_clock: the frame number that flows ended by finish() report
  // (a single pipeline's frame count: the capture's last frame).
  void set_frame_clock(std::uint64_t frame_no) { clock_frame_ = frame_no; }

  PipelineStats stats() const;
  const classify::Classifier& classifier() const { return classifier_; }

 private:
  friend struct FlowContext;
  void on_flow_end(flow::Flow& flow, flow::FlowEndReason reason) override;
  void handle_transport(const decode::DecodedPacket& packet);
  void advance_time(core::Timestamp now);
  void count_pdu(const protocols::PduRecord& record) {  // every PDU: inline
    const auto i = static_cast<std::size_t>(record.protocol);
    if (i < pdus_by_protocol_.size()) ++pdus_by_protocol_[i];
  }
  void count_anomaly(const protocols::AnomalyRecord& record);

  PipelineOptions options_;
  PduObserver* observer_;
  decode::Decoder decoder_;
  stream::ReassemblyContext reassembly_;
  classify::Classifier classifier_;
  flow::FlowTable flows_;
  decode::DecodedPacket packet_;   // reused for every frame: no per-packet allocation
  std::int64_t next_expiry_ns_ = 0;
  std::uint64_t frames_ = 0;
  std::uint64_t clock_frame_ = 0;  // external_clock: the capture's frame number flows end at
  std::uint64_t bytes_ = 0;
  std::uint64_t wire_bytes_ = 0;
  core::Timestamp first_ts_;
  core::Timestamp last_ts_;
  std::uint64_t tcp_streams_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> flows_by_app_;
  std::array<std::uint64_t, 4> pdus_by_protocol_{};  // indexed by ProtocolId
  std::map<std::string, std::uint64_t, std::less<>> anomalies_by_name_;
};

}  // namespace normwatch::pipeline
