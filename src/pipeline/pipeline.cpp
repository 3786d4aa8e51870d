// Pipeline: the per-frame path (decode -> flow -> reassembly/classification -> sessions) and the
// bookkeeping that turns every stage's counters into one summary.
#include "normwatch/pipeline/pipeline.hpp"

#include "flow_context.hpp"

namespace normwatch::pipeline {

namespace {
// Timeouts are checked at most once per second of capture time: expiry is cheap but not free.
constexpr std::int64_t kExpiryIntervalNs = 1'000'000'000;
}  // namespace

Pipeline::Pipeline(PipelineOptions options, PduObserver* observer)
    : options_(options),
      observer_(observer),
      decoder_(options.decode),
      reassembly_(options.reassembly),
      classifier_(options.classify),
      flows_(options.flows, this) {}

Pipeline::~Pipeline() {
  // Flows may still hold contexts that point back here: end them while the pipeline is whole.
  flows_.flush(flow::FlowEndReason::end_of_capture);
}

void Pipeline::process(const capture::RawFrame& frame) {
  ++frames_;
  bytes_ += frame.bytes.size();
  wire_bytes_ += frame.wire_len;
  if (frames_ == 1) first_ts_ = frame.ts;
  last_ts_ = frame.ts;
  if (!options_.external_clock) {
    advance_time(frame.ts);
  } else {
    clock_frame_ = frame.frame_no;
  }

  if (decoder_.decode(frame, packet_) == decode::DecodeStatus::transport) handle_transport(packet_);
}

void Pipeline::advance_time(core::Timestamp now) {
  if (now.ns < next_expiry_ns_) return;
  next_expiry_ns_ = now.ns + kExpiryIntervalNs;
  flows_.expire(now);
  decoder_.expire(now);
}

void Pipeline::handle_transport(const decode::DecodedPacket& packet) {
  const flow::FlowLookup found = flows_.track(packet);
  if (found.flow == nullptr) return;
  flow::Flow& f = *found.flow;
  if (!f.extension) {
    f.extension = std::make_unique<FlowContext>(*this, f);
    if (f.is_tcp()) ++tcp_streams_;
  }
  auto& ctx = static_cast<FlowContext&>(*f.extension);
  if (ctx.tcp) ctx.tcp->prefetch();
  if (!packet.payload.empty()) ctx.prefetch_session();
  classifier_.on_packet(ctx.classification, f, packet);

  if (packet.transport == decode::Transport::tcp) {
    if (!options_.reassemble) return;
    if (!options_.trust_tcp_sequence) {
      if (!packet.payload.empty()) {
        stream::StreamChunk chunk;
        chunk.direction = found.direction;
        chunk.bytes = packet.payload;
        chunk.frame_no = packet.frame_no;
        chunk.ts = packet.ts;
        ctx.on_data(chunk);
      }
      return;
    }
    if (!ctx.tcp) ctx.tcp.emplace(reassembly_);
    ctx.tcp->on_segment(found.direction, packet, ctx);
  } else if (packet.transport == decode::Transport::udp && !packet.payload.empty()) {
    ctx.on_datagram(found.direction, packet);
  }
  ctx.report_classified(packet.frame_no, packet.ts, false);
}

void Pipeline::on_flow_end(flow::Flow& f, flow::FlowEndReason) {
  if (!f.extension) return;
  auto& ctx = static_cast<FlowContext&>(*f.extension);
  // The frame the flow ends at: the frame count of a single pipeline (the frame being read);
  // a shard's own count is not that, so sharded runs pass the capture's frame number in.
  const std::uint64_t at = options_.external_clock ? clock_frame_ : frames_;
  ctx.end(at);
  ctx.report_classified(at, f.last_seen, true);
  auto name = ctx.classification.app_name();
  auto it = flows_by_app_.find(name);
  if (it == flows_by_app_.end()) it = flows_by_app_.emplace(std::string(name), 0).first;
  ++it->second;
  if (ctx.classification.ics_verdict() == classify::IcsVerdict::foreign_on_ics_port) {
    // counted by the classifier; nothing else to do here
  }
  f.extension.reset();
}

void Pipeline::tick(core::Timestamp now, std::uint64_t frame_no) {
  clock_frame_ = frame_no;
  flows_.expire(now);
  decoder_.expire(now);
}

void Pipeline::finish() { flows_.flush(flow::FlowEndReason::end_of_capture); }

void Pipeline::count_anomaly(const protocols::AnomalyRecord& record) {
  auto it = anomalies_by_name_.find(record.name);
  if (it == anomalies_by_name_.end()) it = anomalies_by_name_.emplace(std::string(record.name), 0).first;
  ++it->second;
}

PipelineStats Pipeline::stats() const {
  PipelineStats s;
  s.frames = frames_;
  s.bytes = bytes_;
  s.wire_bytes = wire_bytes_;
  s.first_ts = first_ts_;
  s.last_ts = last_ts_;
  s.decode = decoder_.counters();
  s.flows = flows_.counters();
  s.reassembly = reassembly_.counters();
  s.classify = classifier_.counters();
  s.tcp_streams = tcp_streams_;
  s.flows_by_app.insert(flows_by_app_.begin(), flows_by_app_.end());
  for (std::size_t i = 1; i < pdus_by_protocol_.size(); ++i) {
    if (pdus_by_protocol_[i] > 0) {
      s.pdus_by_protocol[std::string(protocols::name(static_cast<protocols::ProtocolId>(i)))] = pdus_by_protocol_[i];
    }
  }
  s.anomalies_by_name.insert(anomalies_by_name_.begin(), anomalies_by_name_.end());
  s.ics_flows_off_port = s.classify.ics_off_port;
  s.foreign_on_ics_port = s.classify.foreign_on_ics_port;
  return s;
}

}  // namespace normwatch::pipeline
