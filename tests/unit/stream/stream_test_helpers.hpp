// Test helpers for the reassembly tests: segments built from a payload string, a recording
// StreamConsumer, and a driver that feeds segments to a TcpReassembler as DecodedPackets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "normwatch/decode/decoded_packet.hpp"
#include "normwatch/stream/tcp_reassembler.hpp"

namespace normwatch::stream::testing {

namespace tf = decode::tcp_flags;
inline constexpr flow::Direction kC2S = flow::Direction::a_to_b;  // client to server
inline constexpr flow::Direction kS2C = flow::Direction::b_to_a;

struct Segment {
  flow::Direction dir = kC2S;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = tf::kAck;
  std::string data;
};

struct Chunk {
  flow::Direction dir;
  std::uint64_t offset;
  std::string bytes;
  bool gap_before;
  std::uint64_t gap_bytes;
  std::uint64_t frame_no;
  std::int64_t ts_ns;
  const std::byte* data;  // where the consumer's view pointed (to check zero-copy delivery)
};

struct End {
  flow::Direction dir;
  StreamEnd how;
  std::uint64_t frame_no;
};

class Recorder : public StreamConsumer {
 public:
  void on_data(const StreamChunk& chunk) override;
  void on_end(flow::Direction direction, StreamEnd how, std::uint64_t frame_no) override;
  void on_anomaly(flow::Direction direction, StreamAnomaly anomaly, std::uint64_t frame_no) override;

  // Concatenated bytes of one direction (gaps not filled: they are marked by gap_markers()).
  std::string text(flow::Direction d = kC2S) const;
  std::vector<Chunk> gap_markers(flow::Direction d = kC2S) const;
  std::vector<Chunk> of(flow::Direction d) const;

  std::vector<Chunk> chunks;
  std::vector<End> ends;
  std::vector<StreamAnomaly> anomalies;
};

// Feeds segments in the order given; frame numbers count from `first_frame` (1 per segment).
class Driver {
 public:
  explicit Driver(ReassemblyLimits limits = {}) : context(limits), reassembler(context) {}
  void feed(const Segment& s, std::uint64_t frame_no);
  void feed_all(const std::vector<Segment>& segments, std::uint64_t first_frame = 1);
  void finish(std::uint64_t frame_no = 999) { reassembler.finish(recorder, frame_no); }
  std::uint64_t anomaly(StreamAnomaly a) const { return context.counters().anomalies[static_cast<std::size_t>(a)]; }

  ReassemblyContext context;
  TcpReassembler reassembler;
  Recorder recorder;
};

// A DecodedPacket for one segment; its payload points into `s.data`.
decode::DecodedPacket make_packet(const Segment& s, std::uint64_t frame_no);

// The handshake for client ISN `cisn` and server ISN `sisn`: SYN, SYN+ACK, ACK.
std::vector<Segment> handshake(std::uint32_t cisn, std::uint32_t sisn);

// Splits `payload` into `count` client-to-server data segments starting at sequence `first_seq`
// (sizes vary so that segment boundaries are not all alike), each acknowledging `ack`.
std::vector<Segment> split(const std::string& payload, std::uint32_t first_seq, std::size_t count, std::uint32_t ack);

// A payload of `n` printable bytes that differ from their neighbours (so misplacements show).
std::string pattern(std::size_t n, unsigned salt = 0);

}  // namespace normwatch::stream::testing
