// Fuzz target for TcpReassembler: the input is a sequence of segments for both directions of one
// connection, fed under small caps; a checking consumer enforces the delivery invariants
// (offsets only grow, gaps account for every skipped byte, nothing after the end, and the bytes
// themselves are right whenever the input carried no altered copies).
//
// Input: 8 bytes of initial sequence numbers (client, server), then records of
//   [0] bit 0 direction, bit 1 SYN, bit 2 FIN, bit 3 RST, bit 4 ACK, bit 5 altered bytes
//   [1..2] sequence delta (int16, big endian) from the direction's cursor
//   [3..4] ACK delta (int16) from the peer's cursor
//   [5] payload length; when altered, that many payload bytes follow in the input
// Unaltered payload byte at sequence number s is (s * 131 + 17 * direction) mod 256, so that the
// difference between consecutive bytes is known and misplaced bytes show.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/stream/tcp_reassembler.hpp"

namespace {

using normwatch::flow::Direction;
using namespace normwatch;  // NOLINT: keeps the harness short

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "reassembly invariant broken: %s\n", what);
    std::abort();
  }
}

std::uint8_t expected_byte(std::uint32_t seq, std::size_t dir) {
  return static_cast<std::uint8_t>(seq * 131u + 17u * dir);
}

class Checker : public stream::StreamConsumer {
 public:
  struct Side {
    std::uint64_t next = 0;        // offset after the last chunk
    std::uint64_t delivered = 0;
    std::uint64_t marked_gaps = 0;
    bool any = false;
    std::uint8_t last = 0;
    bool ended = false;
    bool altered = false;          // an altered copy was fed in this direction: skip byte checks
  };

  void on_data(const stream::StreamChunk& c) override {
    Side& s = sides[flow::index(c.direction)];
    require(!s.ended, "data after the end");
    require(!c.bytes.empty(), "empty chunk");
    require(c.gap_before == (c.gap_bytes != 0), "gap flag and gap size disagree");
    require(c.offset == s.next + c.gap_bytes, "offset does not follow the previous chunk and its gap");
    require(c.frame_no <= frame_now, "chunk from a future frame");
    if (!s.altered) {
      const auto step = static_cast<std::uint8_t>(131u * (c.gap_bytes + 1));
      if (s.any) require(static_cast<std::uint8_t>(static_cast<std::uint8_t>(c.bytes[0]) - s.last) == step, "bytes glued across a hole or misplaced");
      for (std::size_t i = 1; i < c.bytes.size(); ++i) {
        require(static_cast<std::uint8_t>(static_cast<std::uint8_t>(c.bytes[i]) - static_cast<std::uint8_t>(c.bytes[i - 1])) == 131u,
                "bytes out of order inside a chunk");
      }
    }
    s.any = true;
    s.last = static_cast<std::uint8_t>(c.bytes.back());
    s.next = c.offset + c.bytes.size();
    s.delivered += c.bytes.size();
    s.marked_gaps += c.gap_bytes;
  }

  void on_end(Direction d, stream::StreamEnd, std::uint64_t) override {
    Side& s = sides[flow::index(d)];
    require(!s.ended, "ended twice");
    s.ended = true;
  }

  Side sides[2];
  std::uint64_t frame_now = 0;
};

struct Reader {
  const std::uint8_t* p;
  std::size_t n;
  bool take(std::size_t k) { return n >= k; }
  std::uint8_t u8() { --n; return *p++; }
  std::uint16_t u16() { const auto hi = u8(); return static_cast<std::uint16_t>((hi << 8) | u8()); }
  std::uint32_t u32() { const std::uint32_t hi = u16(); return (hi << 16) | u16(); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stream::ReassemblyLimits limits;
  limits.max_buffered_per_direction = 64;
  limits.max_buffered_global = 96;
  limits.max_segments_per_direction = 4;
  limits.overlap_window_bytes = 32;
  limits.max_overlap_window_global = 64;
  limits.max_seq_ahead = 4096;
  stream::ReassemblyContext context(limits);
  Checker checker;
  Reader in{data, size};
  std::uint32_t cursor[2] = {0xFFFFFF80u, 0x7FFFFFF0u};  // near both wraps by default
  if (in.take(8)) {
    cursor[0] = in.u32();
    cursor[1] = in.u32();
  }
  {
    stream::TcpReassembler reassembler(context);
    std::vector<std::uint8_t> payload;
    std::uint64_t frame = 0;
    while (in.take(6)) {
      const std::uint8_t head = in.u8();
      const std::size_t dir = head & 1u;
      std::uint8_t flags = 0;
      if (head & 0x02) flags |= decode::tcp_flags::kSyn;
      if (head & 0x04) flags |= decode::tcp_flags::kFin;
      if (head & 0x08) flags |= decode::tcp_flags::kRst;
      if (head & 0x10) flags |= decode::tcp_flags::kAck;
      const bool altered = (head & 0x20) != 0;
      const auto seq = static_cast<std::uint32_t>(cursor[dir] + static_cast<std::uint32_t>(static_cast<std::int16_t>(in.u16())));
      const auto ack = static_cast<std::uint32_t>(cursor[1 - dir] + static_cast<std::uint32_t>(static_cast<std::int16_t>(in.u16())));
      std::size_t len = in.u8();
      const std::uint32_t data_seq = (flags & decode::tcp_flags::kSyn) ? seq + 1 : seq;
      payload.resize(len);
      if (altered) {
        len = std::min(len, in.n);
        payload.resize(len);
        for (std::size_t i = 0; i < len; ++i) payload[i] = in.u8();
        if (len > 0) checker.sides[dir].altered = true;
      } else {
        for (std::size_t i = 0; i < len; ++i) payload[i] = expected_byte(data_seq + static_cast<std::uint32_t>(i), dir);
      }
      decode::DecodedPacket p;
      p.frame_no = ++frame;
      p.ts = core::Timestamp{static_cast<std::int64_t>(frame)};
      p.transport = decode::Transport::tcp;
      p.ip_proto = 6;
      p.tcp.seq = seq;
      p.tcp.ack = ack;
      p.tcp.flags = flags;
      p.payload = core::as_bytes(payload.data(), payload.size());
      checker.frame_now = frame;
      reassembler.on_segment(dir == 0 ? Direction::a_to_b : Direction::b_to_a, p, checker);
      cursor[dir] = data_seq + static_cast<std::uint32_t>(len);
      require(context.counters().buffered_bytes <= limits.max_buffered_global, "global cap exceeded");
      require(context.counters().window_bytes <= limits.max_overlap_window_global, "window cap exceeded");
    }
    checker.frame_now = frame + 1;
    reassembler.finish(checker, frame + 1);
    require(context.counters().buffered_bytes == 0, "bytes still held after finish");
  }
  const auto& c = context.counters();
  require(c.window_bytes == 0, "windows not released");
  require(c.bytes_delivered == checker.sides[0].delivered + checker.sides[1].delivered, "delivered byte count");
  require(c.gap_bytes >= checker.sides[0].marked_gaps + checker.sides[1].marked_gaps, "gap bytes not counted");
  require(c.peak_buffered_bytes <= limits.max_buffered_global, "peak over the global cap");
  if (!checker.sides[0].altered && !checker.sides[1].altered) {
    require(c.anomalies[static_cast<std::size_t>(stream::StreamAnomaly::conflicting_overlap)] == 0,
            "conflict reported for identical copies");
  }
  return 0;
}
