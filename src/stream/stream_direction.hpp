// StreamDirection: reassembly state of one direction of a TCP connection. Stream offsets are
// 64-bit and start at 0 with the first tracked byte (ISN+1, or the first data segment's sequence
// number on mid-stream pick-up); sequence numbers map to offsets with serial-number arithmetic
// (RFC 1982), so the 32-bit wrap is invisible above this class.
#pragma once

#include <cstdint>

#include "held_segments.hpp"
#include "normwatch/stream/tcp_reassembler.hpp"
#include "recent_window.hpp"

namespace normwatch::stream::detail {

// Where deliveries and anomalies of one call go, and the frame that caused them.
struct Emit {
  ReassemblyContext& context;
  StreamConsumer& consumer;
  flow::Direction direction;
  std::uint64_t frame_no;
  core::Timestamp ts;

  void anomaly(StreamAnomaly a) const {
    ++context.counters().anomalies[static_cast<std::size_t>(a)];
    consumer.on_anomaly(direction, a, frame_no);
  }
};

class StreamDirection {
 public:
  explicit StreamDirection(ReassemblyContext& context) : context_(&context) {}
  ~StreamDirection();
  StreamDirection(const StreamDirection&) = delete;
  StreamDirection& operator=(const StreamDirection&) = delete;

  bool started() const { return started_; }
  bool ended() const { return ended_; }
  bool syn_seen() const { return syn_seen_; }
  std::int64_t next() const { return next_; }
  core::Timestamp last_ts() const { return last_ts_; }
  void set_last_ts(core::Timestamp ts) { last_ts_ = ts; }
  // Where the next in-order bytes will be written into the overlap window (nullptr: none).
  const std::byte* window_cursor() const { return recent_.cursor(next_); }

  // The stream offset an ACK for `ack` vouches for: the FIN's sequence number is no data.
  std::int64_t acked_offset(std::uint32_t ack) const {
    const std::int64_t acked = offset_of(ack);
    return fin_seen_ && acked > fin_offset_ ? fin_offset_ : acked;
  }

  // Starts the stream: offset 0 is sequence number `seq_of_first_byte`.
  void start(std::uint32_t seq_of_first_byte, bool from_syn);
  // Stream offset of a sequence number, taken as the nearest to the next expected one.
  std::int64_t offset_of(std::uint32_t seq) const {
    const auto expected = static_cast<std::uint32_t>(base_seq_ + static_cast<std::uint32_t>(next_));
    return next_ + static_cast<std::int32_t>(seq - expected);
  }

  // A segment's payload at stream offset `offset` (and a FIN after it when `fin`).
  void on_data(std::int64_t offset, core::Bytes payload, bool fin, const Emit& emit);
  // The common case in one step: data (no FIN) that continues the stream exactly, with nothing
  // held, no FIN seen and the overlap window already set up. Does what on_data() would do for it
  // and returns true; returns false, having done nothing, for any other segment.
  bool deliver_if_next(std::int64_t offset, core::Bytes payload, const Emit& emit) {
    if (offset != next_ || payload.empty() || ended_ || fin_seen_ || !carried_data_ || !held_.empty()) return false;
    ++context_->counters().in_order_segments;
    deliver(payload, emit);
    return true;
  }
  // The peer acknowledged up to `ack`: bytes below it that the sensor never saw become a gap.
  void on_ack(std::uint32_t ack, const Emit& emit);
  // Whether on_ack(ack) would do anything: the ACK reaches past what was delivered. Most ACKs of
  // a stream followed in order do not, and this test is all they cost.
  bool ack_is_news(std::uint32_t ack) const { return started_ && !ended_ && acked_offset(ack) > next_; }
  // Delivers everything held, skipping holes (with gap markers).
  void flush(const Emit& emit);
  // Ends the direction (on_end once); later segments are ignored.
  void end(StreamEnd how, const Emit& emit);
  // Whether data was reported for a half-open connection already (reported once).
  bool half_open_reported = false;

 private:
  struct Placement {
    bool overlapped = false;  // some bytes were already delivered or held
    bool conflict = false;    // and some of those differ
  };

  void place(std::int64_t start, core::Bytes bytes, const Emit& emit);
  void deliver_in_order(std::int64_t start, core::Bytes bytes, Placement& p, const Emit& emit);
  void hold_or_force(std::int64_t start, core::Bytes bytes, Placement& p, const Emit& emit);
  void deliver(core::Bytes bytes, const Emit& emit);
  void deliver_lowest_held(const Emit& emit);
  void drain(const Emit& emit);
  void skip_to(std::int64_t offset);
  void take_back_pending_gap();
  void end_at_fin(const Emit& emit);
  bool conflicts_with_delivered(std::int64_t start, core::Bytes bytes) const;
  void ensure_window(const Emit& emit);

  ReassemblyContext* context_;
  std::uint32_t base_seq_ = 0;      // sequence number of offset 0
  std::int64_t next_ = 0;           // everything below was delivered or skipped
  std::int64_t fin_offset_ = 0;     // offset the FIN occupies (valid when fin_seen_)
  std::int64_t window_from_ = 0;    // recent_ holds valid bytes from here (reset at each gap)
  std::uint64_t pending_gap_ = 0;   // bytes skipped since the last chunk (not yet reported)
  std::int64_t pending_from_ = 0;   // where that unreported skip began
  std::int64_t pending_window_from_ = 0;  // window_from_ before it
  std::uint32_t pending_skips_ = 0; // how many skips it was made of
  core::Timestamp last_ts_;
  bool started_ = false;
  bool syn_seen_ = false;
  bool fin_seen_ = false;
  bool ended_ = false;
  bool carried_data_ = false;
  HeldSegments held_;
  RecentWindow recent_;
};

}  // namespace normwatch::stream::detail
