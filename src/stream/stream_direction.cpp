// StreamDirection: placing segments (in order: straight to the consumer; out of order: held up to
// the caps), overlaps (first copy wins), forced gaps, ACKed-unseen gaps, FIN. See
// stream_direction.hpp and ARCHITECTURE.md "Gaps are first-class".
#include "stream_direction.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace normwatch::stream::detail {
namespace {
std::int64_t len(core::Bytes b) { return static_cast<std::int64_t>(b.size()); }
}  // namespace

StreamDirection::~StreamDirection() {
  ReassemblyCounters& c = context_->counters();
  c.buffered_bytes -= held_.bytes();
  c.window_bytes -= recent_.size();
}

void StreamDirection::start(std::uint32_t seq_of_first_byte, bool from_syn) {
  base_seq_ = seq_of_first_byte;
  next_ = 0;
  started_ = true;
  syn_seen_ = from_syn;
}

void StreamDirection::ensure_window(const Emit& emit) {
  if (carried_data_) return;
  carried_data_ = true;
  ReassemblyCounters& c = context_->counters();
  ++c.streams;
  const ReassemblyLimits& lim = context_->limits();
  if (lim.overlap_window_bytes == 0) return;
  const std::size_t size = std::bit_ceil(lim.overlap_window_bytes);
  if (c.window_bytes + size > lim.max_overlap_window_global) {
    emit.anomaly(StreamAnomaly::window_cap_reached);
    return;
  }
  recent_.allocate(size);
  c.window_bytes += size;
}

void StreamDirection::on_data(std::int64_t offset, core::Bytes payload, bool fin, const Emit& emit) {
  if (ended_) return;
  std::int64_t end = offset + len(payload);
  // Data (or a FIN, which takes one sequence number) inside a skip that no chunk has reported
  // yet: the ACK that caused the skip overtook it (reordering on a mirror port). Nothing was
  // told to the consumer, so the skip is taken back.
  if (pending_gap_ != 0 && end + (fin ? 1 : 0) > pending_from_ && offset < next_) take_back_pending_gap();
  // A FIN behind what was already delivered is stale; the first valid FIN wins.
  if (fin && !fin_seen_ && end >= next_) {
    fin_seen_ = true;
    fin_offset_ = end;
  }
  if (fin_seen_ && end > fin_offset_) end = fin_offset_;  // no data after the FIN
  if (end > offset) {
    ensure_window(emit);
    place(offset, payload.first(static_cast<std::size_t>(end - offset)), emit);
  }
  end_at_fin(emit);
}

void StreamDirection::place(std::int64_t start, core::Bytes bytes, const Emit& emit) {
  ReassemblyCounters& c = context_->counters();
  Placement p;
  const std::int64_t end = start + len(bytes);
  if (start < next_) {
    // Old bytes: compare them with what was delivered. A keep-alive probe re-sends one old
    // byte, often garbage, so it is not compared.
    const bool keepalive = bytes.size() == 1 && start == next_ - 1;
    if (!keepalive && conflicts_with_delivered(start, bytes)) p.conflict = true;
    if (end <= next_) {
      ++c.retransmitted_segments;
      if (p.conflict) emit.anomaly(StreamAnomaly::conflicting_overlap);
      return;
    }
    bytes = bytes.subspan(static_cast<std::size_t>(next_ - start));
    start = next_;
    p.overlapped = true;
  }
  if (start == next_) {
    ++c.in_order_segments;
    deliver_in_order(start, bytes, p, emit);
  } else {
    ++c.out_of_order_segments;
    // Walk the segment: parts already held are compared (first copy wins), the rest is held.
    std::int64_t cursor = start;
    while (cursor < end) {
      if (cursor < next_) {  // a forced gap delivered past this point meanwhile
        cursor = next_;
        continue;
      }
      const core::Bytes rest = bytes.subspan(static_cast<std::size_t>(cursor - start));
      if (cursor == next_) {
        deliver_in_order(cursor, rest, p, emit);
        break;
      }
      const HeldSegment* h = held_.first_ending_after(cursor);
      if (h != nullptr && h->start <= cursor) {
        const std::int64_t stop = std::min(end, h->end);
        const auto n = static_cast<std::size_t>(stop - cursor);
        p.overlapped = true;
        if (std::memcmp(rest.data(), h->data.get() + (cursor - h->start), n) != 0) p.conflict = true;
        cursor = stop;
        continue;
      }
      const std::int64_t piece_end = h != nullptr ? std::min(end, h->start) : end;
      hold_or_force(cursor, rest.first(static_cast<std::size_t>(piece_end - cursor)), p, emit);
      cursor = piece_end;
    }
  }
  if (p.overlapped) ++c.overlapping_segments;
  if (p.conflict) emit.anomaly(StreamAnomaly::conflicting_overlap);
}

void StreamDirection::deliver_in_order(std::int64_t start, core::Bytes bytes, Placement& p, const Emit& emit) {
  // start == next_. The hot path: no held data, one chunk straight from the packet.
  const std::int64_t end = start + len(bytes);
  std::int64_t cursor = start;
  while (cursor < end) {
    if (held_.empty() || held_.lowest().start >= end) {
      deliver(bytes.subspan(static_cast<std::size_t>(cursor - start)), emit);
      cursor = end;
      break;
    }
    const HeldSegment& h = held_.lowest();
    if (h.start > cursor) {
      deliver(bytes.subspan(static_cast<std::size_t>(cursor - start), static_cast<std::size_t>(h.start - cursor)), emit);
      cursor = h.start;
    }
    // The held copy came first and wins; the new bytes are only compared with it.
    const std::int64_t stop = std::min(end, h.end);
    p.overlapped = true;
    if (std::memcmp(bytes.data() + (cursor - start), h.data.get(), static_cast<std::size_t>(stop - cursor)) != 0) {
      p.conflict = true;
    }
    deliver_lowest_held(emit);
    cursor = next_;
  }
  drain(emit);
}

void StreamDirection::hold_or_force(std::int64_t start, core::Bytes bytes, Placement& p, const Emit& emit) {
  ReassemblyCounters& c = context_->counters();
  const ReassemblyLimits& lim = context_->limits();
  bool reported = false;
  for (;;) {
    const bool stream_full = held_.bytes() + bytes.size() > lim.max_buffered_per_direction ||
                             held_.count() + 1 > lim.max_segments_per_direction;
    const bool global_full = c.buffered_bytes + bytes.size() > lim.max_buffered_global;
    if (!stream_full && !global_full) {
      held_.add(start, bytes);
      c.buffered_bytes += bytes.size();
      c.peak_buffered_bytes = std::max(c.peak_buffered_bytes, c.buffered_bytes);
      return;
    }
    // A cap is hit: never drop silently. Give up on the lowest hole: deliver what is held after
    // it (gap marked), which frees room, until this piece fits or is itself the lowest.
    if (!reported) {
      emit.anomaly(stream_full ? StreamAnomaly::stream_cap_reached : StreamAnomaly::global_cap_reached);
      reported = true;
    }
    if (!held_.empty() && held_.lowest().start < start) {
      skip_to(held_.lowest().start);
      drain(emit);
      if (next_ < start) continue;
      if (next_ == start) deliver_in_order(start, bytes, p, emit);
      return;
    }
    skip_to(start);
    deliver_in_order(start, bytes, p, emit);
    return;
  }
}

void StreamDirection::deliver(core::Bytes bytes, const Emit& emit) {
  if (bytes.empty()) return;
  StreamChunk chunk;
  chunk.direction = emit.direction;
  chunk.offset = static_cast<std::uint64_t>(next_);
  chunk.bytes = bytes;
  chunk.gap_before = pending_gap_ != 0;
  chunk.gap_bytes = pending_gap_;
  chunk.frame_no = emit.frame_no;
  chunk.ts = emit.ts;
  pending_gap_ = 0;
  pending_skips_ = 0;
  recent_.store(next_, bytes);
  next_ += len(bytes);
  context_->counters().bytes_delivered += bytes.size();
  emit.consumer.on_data(chunk);
}

void StreamDirection::deliver_lowest_held(const Emit& emit) {
  HeldSegment seg = held_.take_lowest();
  context_->counters().buffered_bytes -= static_cast<std::uint64_t>(seg.end - seg.start);
  core::Bytes bytes = seg.bytes();
  if (seg.start < next_) bytes = bytes.subspan(static_cast<std::size_t>(std::min(next_, seg.end) - seg.start));
  deliver(bytes, emit);  // seg owns the copy until the consumer returns
}

void StreamDirection::drain(const Emit& emit) {
  while (!held_.empty() && held_.lowest().start <= next_) deliver_lowest_held(emit);
}

void StreamDirection::skip_to(std::int64_t offset) {
  if (offset <= next_) return;
  const auto gap = static_cast<std::uint64_t>(offset - next_);
  ReassemblyCounters& c = context_->counters();
  ++c.gaps;
  c.gap_bytes += gap;
  if (pending_gap_ == 0) {
    pending_from_ = next_;
    pending_window_from_ = window_from_;
  }
  pending_gap_ += gap;
  ++pending_skips_;
  next_ = offset;
  window_from_ = offset;  // the ring holds nothing valid across the hole
}

void StreamDirection::take_back_pending_gap() {
  ReassemblyCounters& c = context_->counters();
  c.gaps -= pending_skips_;
  c.gap_bytes -= pending_gap_;
  next_ = pending_from_;
  window_from_ = pending_window_from_;
  pending_gap_ = 0;
  pending_skips_ = 0;
}

void StreamDirection::on_ack(std::uint32_t ack, const Emit& emit) {
  if (!ack_is_news(ack)) return;
  const std::int64_t acked = acked_offset(ack);
  if (acked - next_ > static_cast<std::int64_t>(context_->limits().max_seq_ahead)) {
    emit.anomaly(StreamAnomaly::seq_out_of_window);
    return;
  }
  // The receiver has bytes the sensor never saw ("ACKed unseen segment"): waiting cannot bring
  // them, so deliver what is held below the ACK with gap markers.
  while (next_ < acked) {
    if (!held_.empty() && held_.lowest().start < acked) {
      skip_to(held_.lowest().start);
      drain(emit);
    } else {
      skip_to(acked);
    }
  }
  end_at_fin(emit);
}

void StreamDirection::flush(const Emit& emit) {
  while (!held_.empty()) {
    skip_to(held_.lowest().start);
    drain(emit);
  }
  // A hole before the FIN has no chunk after it; it is still counted.
  if (fin_seen_ && next_ < fin_offset_) skip_to(fin_offset_);
  end_at_fin(emit);
}

void StreamDirection::end(StreamEnd how, const Emit& emit) {
  if (ended_) return;
  ended_ = true;
  // Whatever is still held lies beyond the FIN: nothing will deliver it.
  while (!held_.empty()) {
    const HeldSegment seg = held_.take_lowest();
    context_->counters().buffered_bytes -= static_cast<std::uint64_t>(seg.end - seg.start);
  }
  emit.consumer.on_end(emit.direction, how, emit.frame_no);
}

void StreamDirection::end_at_fin(const Emit& emit) {
  if (fin_seen_ && !ended_ && next_ >= fin_offset_) end(StreamEnd::fin, emit);
}

bool StreamDirection::conflicts_with_delivered(std::int64_t start, core::Bytes bytes) const {
  if (!recent_.active()) return false;
  const std::int64_t from = std::max(window_from_, next_ - static_cast<std::int64_t>(recent_.size()));
  return recent_.differs(start, bytes, std::max<std::int64_t>(from, 0), next_);
}

}  // namespace normwatch::stream::detail
