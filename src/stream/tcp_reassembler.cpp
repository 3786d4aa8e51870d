// TcpReassembler: per-flow entry point. Sorts each segment's flags into the two directions'
// StreamDirection (SYN, data, FIN, the ACK that speaks for the other direction, RST for both) and
// allocates a direction only when a SYN, FIN or data first needs it (pure ACKs never do).
#include "normwatch/stream/tcp_reassembler.hpp"

#include "normwatch/core/prefetch.hpp"
#include "stream_direction.hpp"

namespace normwatch::stream {

using detail::Emit;
using detail::StreamDirection;
namespace tf = decode::tcp_flags;

TcpReassembler::TcpReassembler(ReassemblyContext& context) : context_(context) {}
TcpReassembler::~TcpReassembler() = default;

void TcpReassembler::prefetch() const {
  // Prefetches for writing: segments update the state and append to the window. A prefetch
  // never faults, so a stale cursor costs at most a wasted load.
  for (std::size_t i = 0; i < dirs_.size(); ++i) {
    if (!dirs_[i]) continue;
    core::prefetch_object<sizeof(StreamDirection), true>(dirs_[i].get());
    core::prefetch_object<core::kCacheLine, true>(window_cursors_[i]);  // a small segment's bytes
  }
}

// Both run on every data segment: inline into on_segment, the allocation stays out of line.
[[gnu::always_inline]] inline StreamDirection& TcpReassembler::direction_state(flow::Direction d) {
  auto& slot = dirs_[flow::index(d)];
  if (!slot) [[unlikely]] allocate_direction(d);
  return *slot;
}

void TcpReassembler::allocate_direction(flow::Direction d) {
  dirs_[flow::index(d)] = std::make_unique<StreamDirection>(context_);
}

[[gnu::always_inline]] inline bool TcpReassembler::in_window(const StreamDirection& dir, std::uint32_t seq) const {
  if (!dir.started()) return true;
  const std::int64_t distance = dir.offset_of(seq) - dir.next();
  const auto limit = static_cast<std::int64_t>(context_.limits().max_seq_ahead);
  return distance <= limit && distance >= -limit;
}

void TcpReassembler::on_segment(flow::Direction direction, const decode::DecodedPacket& packet,
                                StreamConsumer& consumer) {
  const decode::TcpInfo& tcp = packet.tcp;
  const core::Bytes payload = packet.payload;
  const Emit emit{context_, consumer, direction, packet.frame_no, packet.ts};
  ReassemblyCounters& c = context_.counters();
  if (!payload.empty()) ++c.segments;

  if (reset_) {
    if (!payload.empty()) emit.anomaly(StreamAnomaly::data_after_rst);
    return;
  }
  if ((tcp.flags & tf::kRst) != 0) {
    on_rst(direction, packet, consumer);
    return;
  }

  const bool syn = (tcp.flags & tf::kSyn) != 0;
  const bool fin = (tcp.flags & tf::kFin) != 0;
  if (syn || fin || !payload.empty()) {
    StreamDirection& dir = direction_state(direction);
    dir.set_last_ts(packet.ts);
    if (!dir.started()) {
      dir.start(syn ? tcp.seq + 1 : tcp.seq, syn);
      if (!syn) ++c.midstream_pickups;
    }
    if (fin || !payload.empty()) {
      const std::uint32_t data_seq = syn ? tcp.seq + 1 : tcp.seq;  // data on a SYN follows the ISN
      if (!in_window(dir, data_seq)) {
        emit.anomaly(StreamAnomaly::seq_out_of_window);
      } else {
        const StreamDirection* peer = dirs_[flow::index(flow::reverse(direction))].get();
        if (!payload.empty() && dir.syn_seen() && !(peer != nullptr && peer->syn_seen()) && !dir.half_open_reported) {
          dir.half_open_reported = true;
          emit.anomaly(StreamAnomaly::data_before_syn_ack);
        }
        const std::int64_t offset = dir.offset_of(data_seq);
        if (fin || !dir.deliver_if_next(offset, payload, emit)) dir.on_data(offset, payload, fin, emit);
        window_cursors_[flow::index(direction)] = dir.window_cursor();
      }
    }
  }

  // The ACK speaks about the other direction: what its receiver (this sender) has got.
  if ((tcp.flags & tf::kAck) != 0) {
    const flow::Direction other = flow::reverse(direction);
    if (StreamDirection* peer = dirs_[flow::index(other)].get(); peer != nullptr && peer->ack_is_news(tcp.ack)) {
      peer->on_ack(tcp.ack, Emit{context_, consumer, other, packet.frame_no, packet.ts});
    }
  }
}

void TcpReassembler::on_rst(flow::Direction direction, const decode::DecodedPacket& packet, StreamConsumer& consumer) {
  const Emit emit{context_, consumer, direction, packet.frame_no, packet.ts};
  // A RST far from the sender's sequence space is ignored, so a blind injection cannot end the
  // stream (RFC 5961 asks endpoints for an exact match; a passive sensor can only be lenient).
  if (const StreamDirection* dir = dirs_[flow::index(direction)].get(); dir != nullptr && !in_window(*dir, packet.tcp.seq)) {
    emit.anomaly(StreamAnomaly::seq_out_of_window);
    return;
  }
  reset_ = true;
  for (const flow::Direction d : {direction, flow::reverse(direction)}) {
    StreamDirection* dir = dirs_[flow::index(d)].get();
    if (dir == nullptr || dir->ended()) continue;
    const Emit e{context_, consumer, d, packet.frame_no, packet.ts};
    dir->flush(e);
    dir->end(StreamEnd::rst, e);
  }
}

void TcpReassembler::finish(StreamConsumer& consumer, std::uint64_t frame_no) {
  for (const flow::Direction d : {flow::Direction::a_to_b, flow::Direction::b_to_a}) {
    StreamDirection* dir = dirs_[flow::index(d)].get();
    if (dir == nullptr || dir->ended()) continue;
    const Emit e{context_, consumer, d, frame_no, dir->last_ts()};
    dir->flush(e);
    dir->end(StreamEnd::flow_end, e);
  }
}

}  // namespace normwatch::stream
