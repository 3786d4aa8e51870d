// Per-flow glue: reassembled bytes and datagrams go to the ICS probe until the flow's protocol is
// known, then to that protocol's session; what the session finds goes to the pipeline's observer
// with the sender's and receiver's endpoints.
#include "flow_context.hpp"

namespace normwatch::pipeline {

namespace {
constexpr std::size_t kMaxPendingBytes = 4096;  // bytes kept per flow while the probes decide
}

FlowContext::FlowContext(Pipeline& owner_pipeline, flow::Flow& f) : owner(owner_pipeline), flow(f) {}
FlowContext::~FlowContext() = default;

flow::Direction FlowContext::direction_of(protocols::Side from) const {
  return from == protocols::Side::client ? flow.client_to_server : flow::reverse(flow.client_to_server);
}

FlowEndpoints FlowContext::endpoints_for(flow::Direction sent) const {
  FlowEndpoints e;
  e.flow = &flow;
  e.flow_id = flow.id * owner.options_.flow_id_stride + owner.options_.flow_id_offset;
  e.udp = flow.is_udp();
  const bool a_sent = sent == flow::Direction::a_to_b;
  e.src_ip = a_sent ? flow.key.addr_a : flow.key.addr_b;
  e.src_port = a_sent ? flow.key.port_a : flow.key.port_b;
  e.dst_ip = a_sent ? flow.key.addr_b : flow.key.addr_a;
  e.dst_port = a_sent ? flow.key.port_b : flow.key.port_a;
  e.from_client = sent == flow.client_to_server;
  e.observer_scratch = observer_scratch.data();
  return e;
}

void FlowContext::on_pdu(const protocols::PduRecord& record) {
  owner.count_pdu(record);
  if (owner.observer_ == nullptr) return;
  owner.observer_->on_pdu(record, endpoints_for(feeding_ ? *feeding_ : direction_of(record.from)));
}

void FlowContext::on_anomaly(const protocols::AnomalyRecord& record) {
  owner.count_anomaly(record);
  if (owner.observer_ == nullptr) return;
  owner.observer_->on_anomaly(record, endpoints_for(feeding_ ? *feeding_ : direction_of(record.from)));
}

void FlowContext::start_session(protocols::ProtocolId id) {
  const auto* descriptor = protocols::find_protocol(id);
  if (descriptor == nullptr) return;
  session = descriptor->make_session(*this, owner.options_.sessions);
  if (session) session_hot_ = session->hot_region();
  // Replay what was held while the probes decided, in arrival order.
  std::vector<Pending> held;
  held.swap(pending_);
  pending_bytes_ = 0;
  for (const auto& p : held) {
    feeding_ = p.direction;
    if (p.datagram) {
      session->on_datagram(side_of(p.direction), core::Bytes(p.bytes), p.ctx);
    } else {
      session->on_stream(side_of(p.direction), core::Bytes(p.bytes), p.gap_before, p.ctx);
    }
  }
  feeding_.reset();
}

void FlowContext::route(flow::Direction direction, core::Bytes bytes, bool gap_before,
                        const protocols::SegmentContext& ctx, bool datagram) {
  if (!owner.options_.parse_ics || bytes.empty()) return;
  if (!session && !probe(direction, bytes, gap_before, ctx, datagram)) return;
  feeding_ = direction;
  if (datagram) {
    session->on_datagram(side_of(direction), bytes, ctx);
  } else {
    session->on_stream(side_of(direction), bytes, gap_before, ctx);
  }
  feeding_.reset();
}

bool FlowContext::probe(flow::Direction direction, core::Bytes bytes, bool gap_before,
                        const protocols::SegmentContext& ctx, bool datagram) {
  if (classification.ics_decided()) return false;  // decided: not one of ours
  // Probe on everything this side has sent so far (held bytes + these).
  std::vector<std::byte> side_bytes;
  for (const auto& p : pending_) {
    if (p.direction == direction) side_bytes.insert(side_bytes.end(), p.bytes.begin(), p.bytes.end());
  }
  core::Bytes probe_input = bytes;
  if (!side_bytes.empty()) {
    side_bytes.insert(side_bytes.end(), bytes.begin(), bytes.end());
    probe_input = core::Bytes(side_bytes);
  }
  const auto id = owner.classifier_.probe_ics(classification, flow, probe_input, datagram);
  if (id == protocols::ProtocolId::unknown) {
    if (!classification.ics_decided() && pending_bytes_ + bytes.size() <= kMaxPendingBytes) {
      pending_.push_back({direction, std::vector<std::byte>(bytes.begin(), bytes.end()), gap_before, datagram, ctx});
      pending_bytes_ += bytes.size();
    } else if (!classification.ics_decided()) {
      owner.classifier_.probe_ics(classification, flow, {}, datagram);  // give up: over the hold cap
      pending_.clear();
    } else {
      pending_.clear();
    }
    return false;
  }
  start_session(id);
  return session != nullptr;
}

void FlowContext::on_data(const stream::StreamChunk& chunk) {
  route(chunk.direction, chunk.bytes, chunk.gap_before, protocols::SegmentContext{chunk.frame_no, chunk.ts}, false);
}

void FlowContext::on_end(flow::Direction, stream::StreamEnd, std::uint64_t) {}

void FlowContext::on_datagram(flow::Direction direction, const decode::DecodedPacket& packet) {
  route(direction, packet.payload, false, protocols::SegmentContext{packet.frame_no, packet.ts}, true);
}

void FlowContext::report_classified_once(std::uint64_t frame_no, core::Timestamp ts, bool at_end) {
  if (owner.observer_ == nullptr) {
    classified_reported_ = true;  // no one to tell, ever: stop asking
    return;
  }
  const bool ics = classification.ics_protocol() != protocols::ProtocolId::unknown;
  if (!at_end && !ics && !(classification.ics_decided() && classification.ndpi_done())) return;
  classified_reported_ = true;
  FlowClassified info;
  info.ics = classification.ics_protocol();
  info.app_name = classification.app_name();
  info.ics_on_foreign_port = ics && classify::port_hint(flow.key) != info.ics;
  info.foreign_on_ics_port = classification.ics_verdict() == classify::IcsVerdict::foreign_on_ics_port;
  info.frame_no = frame_no;
  info.ts = ts;
  owner.observer_->on_flow_classified(info, endpoints_for(flow.client_to_server));
}

void FlowContext::end(std::uint64_t frame_no) {
  if (ended_) return;
  ended_ = true;
  if (tcp) tcp->finish(*this, frame_no);
  if (session) session->on_end(protocols::SegmentContext{frame_no, flow.last_seen});
  owner.classifier_.finish(classification);
}

}  // namespace normwatch::pipeline
