// Test helpers for the reassembly tests (see stream_test_helpers.hpp).
#include "stream/stream_test_helpers.hpp"

namespace normwatch::stream::testing {

void Recorder::on_data(const StreamChunk& chunk) {
  chunks.push_back(Chunk{chunk.direction, chunk.offset,
                         std::string(reinterpret_cast<const char*>(chunk.bytes.data()), chunk.bytes.size()),
                         chunk.gap_before, chunk.gap_bytes, chunk.frame_no, chunk.ts.ns, chunk.bytes.data()});
}

void Recorder::on_end(flow::Direction direction, StreamEnd how, std::uint64_t frame_no) {
  ends.push_back(End{direction, how, frame_no});
}

void Recorder::on_anomaly(flow::Direction, StreamAnomaly anomaly, std::uint64_t) { anomalies.push_back(anomaly); }

std::string Recorder::text(flow::Direction d) const {
  std::string out;
  for (const Chunk& c : chunks) {
    if (c.dir == d) out += c.bytes;
  }
  return out;
}

std::vector<Chunk> Recorder::gap_markers(flow::Direction d) const {
  std::vector<Chunk> out;
  for (const Chunk& c : chunks) {
    if (c.dir == d && c.gap_before) out.push_back(c);
  }
  return out;
}

std::vector<Chunk> Recorder::of(flow::Direction d) const {
  std::vector<Chunk> out;
  for (const Chunk& c : chunks) {
    if (c.dir == d) out.push_back(c);
  }
  return out;
}

decode::DecodedPacket make_packet(const Segment& s, std::uint64_t frame_no) {
  decode::DecodedPacket p;
  p.frame_no = frame_no;
  p.ts = core::Timestamp{static_cast<std::int64_t>(frame_no) * 1000};
  p.transport = decode::Transport::tcp;
  p.ip_proto = 6;
  p.src_port = s.dir == kC2S ? 50000 : 502;
  p.dst_port = s.dir == kC2S ? 502 : 50000;
  p.tcp.seq = s.seq;
  p.tcp.ack = s.ack;
  p.tcp.flags = s.flags;
  p.payload = core::Bytes(reinterpret_cast<const std::byte*>(s.data.data()), s.data.size());
  return p;
}

void Driver::feed(const Segment& s, std::uint64_t frame_no) {
  reassembler.on_segment(s.dir, make_packet(s, frame_no), recorder);
}

void Driver::feed_all(const std::vector<Segment>& segments, std::uint64_t first_frame) {
  for (const Segment& s : segments) feed(s, first_frame++);
}

std::vector<Segment> handshake(std::uint32_t cisn, std::uint32_t sisn) {
  return {
      Segment{kC2S, cisn, 0, tf::kSyn, ""},
      Segment{kS2C, sisn, cisn + 1, static_cast<std::uint8_t>(tf::kSyn | tf::kAck), ""},
      Segment{kC2S, cisn + 1, sisn + 1, tf::kAck, ""},
  };
}

std::vector<Segment> split(const std::string& payload, std::uint32_t first_seq, std::size_t count, std::uint32_t ack) {
  std::vector<Segment> out;
  std::size_t at = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t left = payload.size() - at;
    const std::size_t n = i + 1 == count ? left : left / (count - i) + (i % 3 == 0 ? 3 : 0);
    out.push_back(Segment{kC2S, first_seq + static_cast<std::uint32_t>(at), ack, tf::kAck, payload.substr(at, n)});
    at += n;
  }
  return out;
}

std::string pattern(std::size_t n, unsigned salt) {
  std::string s(n, ' ');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('!' + (i * 7 + i / 94 + salt) % 94);
  return s;
}

}  // namespace normwatch::stream::testing
