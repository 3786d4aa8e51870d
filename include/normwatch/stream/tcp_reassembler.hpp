// TCP reassembly for both directions of one flow: handshake, FIN, RST, out-of-order segments held
// up to a per-stream and a global cap, retransmissions and overlaps (first copy wins; a conflicting
// overlap is an anomaly), sequence wrap, and pick-up in mid-stream with no handshake seen.
// In-order data is handed straight to the consumer without copying or allocating.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "normwatch/decode/decoded_packet.hpp"
#include "normwatch/flow/flow_key.hpp"
#include "normwatch/stream/anomaly.hpp"
#include "normwatch/stream/stream_chunk.hpp"

namespace normwatch::stream {

namespace detail {
class StreamDirection;
}

struct ReassemblyLimits {
  std::size_t max_buffered_per_direction = 256 << 10;  // out-of-order bytes held per direction
  std::size_t max_buffered_global = 64 << 20;          // across all streams
  std::size_t max_segments_per_direction = 1024;       // out-of-order segments held per direction
  // Recently delivered bytes kept per direction (rounded up to a power of two) to tell a
  // retransmission that repeats them from one that changes them (conflicting_overlap); 0: off.
  std::size_t overlap_window_bytes = 2048;
  std::size_t max_overlap_window_global = 32 << 20;    // across all streams (16,384 windows)
  // Segments, ACKs and RSTs further than this from the next expected sequence number are ignored
  // (seq_out_of_window), so one bogus number cannot skip a stream ahead.
  std::uint32_t max_seq_ahead = 32 << 20;
};

struct ReassemblyCounters {
  std::uint64_t streams = 0;             // directions that carried data
  std::uint64_t segments = 0;            // segments with payload
  std::uint64_t bytes_delivered = 0;
  std::uint64_t in_order_segments = 0;
  std::uint64_t out_of_order_segments = 0;
  std::uint64_t retransmitted_segments = 0;  // entirely old data
  std::uint64_t overlapping_segments = 0;    // partly old data
  std::uint64_t gaps = 0;
  std::uint64_t gap_bytes = 0;
  std::uint64_t midstream_pickups = 0;   // directions that started without a SYN
  std::uint64_t buffered_bytes = 0;      // out-of-order bytes held now (all streams)
  std::uint64_t peak_buffered_bytes = 0;
  std::uint64_t window_bytes = 0;        // overlap-check windows allocated now (all streams)
  std::array<std::uint64_t, kStreamAnomalyCount> anomalies{};
};

// Shared by every stream of one pipeline: the global byte cap and the counters.
class ReassemblyContext {
 public:
  explicit ReassemblyContext(ReassemblyLimits limits = {}) : limits_(limits) {}
  const ReassemblyLimits& limits() const { return limits_; }
  ReassemblyCounters& counters() { return counters_; }
  const ReassemblyCounters& counters() const { return counters_; }

 private:
  ReassemblyLimits limits_;
  ReassemblyCounters counters_;
};

class TcpReassembler {
 public:
  explicit TcpReassembler(ReassemblyContext& context);
  ~TcpReassembler();
  TcpReassembler(const TcpReassembler&) = delete;
  TcpReassembler& operator=(const TcpReassembler&) = delete;

  // Feeds one TCP segment that travelled in `direction`. Delivers whatever became contiguous.
  // Chunks delivered during the call carry this packet's frame number and timestamp.
  void on_segment(flow::Direction direction, const decode::DecodedPacket& packet, StreamConsumer& consumer);

  // Delivers what is still held (with gap markers for the holes) and ends every direction that
  // has sent a SYN, FIN or data and has not ended yet (a direction that only sent pure ACKs has
  // no stream to end). Chunks carry `frame_no` and the direction's last timestamp.
  void finish(StreamConsumer& consumer, std::uint64_t frame_no);

  // Starts loading both directions' state (and where their next bytes go in the overlap windows)
  // into the cache. A replay meets thousands of flows in turn, so that state is rarely cached:
  // called before other per-packet work (classification), the misses overlap with it and with
  // each other instead of following one another. Changes nothing.
  void prefetch() const;

 private:
  detail::StreamDirection& direction_state(flow::Direction d);
  [[gnu::noinline]] void allocate_direction(flow::Direction d);
  bool in_window(const detail::StreamDirection& dir, std::uint32_t seq) const;
  void on_rst(flow::Direction direction, const decode::DecodedPacket& packet, StreamConsumer& consumer);

  // Allocated when a direction first sends a SYN, FIN or data: a SYN sweep costs one small
  // record per flow, and buffers come later still (window on first data, copies when reordered).
  std::array<std::unique_ptr<detail::StreamDirection>, 2> dirs_;
  // Per direction, where its next in-order bytes go in its overlap window, kept here beside the
  // pointers so that prefetch() can start that miss too without waiting for the direction's state.
  std::array<const std::byte*, 2> window_cursors_{};
  ReassemblyContext& context_;
  bool reset_ = false;   // a RST ended both directions
};

}  // namespace normwatch::stream
