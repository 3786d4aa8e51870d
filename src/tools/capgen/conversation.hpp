// Conversations the generator writes: TcpSession (RFC 793 sequence and acknowledgement numbers,
// handshake, data both ways, FIN/RST close) and UdpFlow. A TcpSession can also write the
// imperfect streams that reassembly must survive, by sending one payload as a list of Pieces:
// split (many segments), reordered, duplicated (retransmission), overlapping with the same or
// conflicting bytes, or with a piece left out (a gap the peer's ACK still covers).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "capgen/bytes.hpp"
#include "capgen/emitter.hpp"
#include "capgen/frame_builder.hpp"

namespace normwatch::tools::capgen {

enum class Side : std::uint8_t { client = 0, server = 1 };
inline constexpr Side peer_of(Side s) { return s == Side::client ? Side::server : Side::client; }

struct Endpoints {
  Host client;
  Host server;
  std::uint16_t client_port = 0;
  std::uint16_t server_port = 0;
  std::vector<VlanTag> tags;  // outermost first
};

// One segment of a payload: bytes [offset, offset + length) of it, or `replacement` bytes sent at
// that offset instead (a conflicting overlap) when replacement is not empty.
struct Piece {
  std::size_t offset = 0;
  std::size_t length = 0;
  ByteView replacement = {};
};

// Consecutive pieces of the given sizes covering `total` bytes; the last size repeats.
std::vector<Piece> split_by_sizes(std::size_t total, std::span<const std::size_t> sizes);
// pieces[order[0]], pieces[order[1]], ...: indices may repeat (retransmission) or be missing (gap).
std::vector<Piece> pick(std::span<const Piece> pieces, std::span<const std::size_t> order);

class TcpSession {
 public:
  // Initial sequence numbers are chosen by the scenario (seeded) so captures are reproducible.
  TcpSession(Emitter& out, Endpoints ends, std::uint32_t client_isn, std::uint32_t server_isn);

  void handshake();  // SYN, SYN/ACK, ACK
  // The handshake one frame at a time, for scenarios that interleave many flows.
  void syn();
  void syn_ack();
  void handshake_ack();
  // One PSH/ACK segment carrying `payload`, acknowledging everything the peer has sent.
  void send(Side side, ByteView payload);
  // Sends `payload` as `pieces` in list order, then counts the whole payload as sent, so later
  // segments and the peer's ACKs continue after it whether or not every piece was written.
  void send_pieces(Side side, ByteView payload, std::span<const Piece> pieces);
  void ack(Side side);         // a bare ACK from `side`
  void close(Side initiator);  // FIN/ACK, FIN/ACK, ACK
  void reset(Side side);       // RST/ACK
  std::uint32_t next_seq(Side side) const { return next_seq_[index(side)]; }

 private:
  static std::size_t index(Side s) { return static_cast<std::size_t>(s); }
  Path path(Side side) const;
  void segment(Side side, std::uint32_t seq, std::uint8_t flags, ByteView payload);

  Emitter& out_;
  Endpoints ends_;
  std::array<std::uint32_t, 2> next_seq_;
};

class UdpFlow {
 public:
  UdpFlow(Emitter& out, Endpoints ends) : out_(out), ends_(std::move(ends)) {}
  void send(Side side, ByteView payload);
  // Over IPv4 as fragments of at most `max_piece` IP payload bytes, written in `order`.
  void send_fragmented(Side side, ByteView payload, std::size_t max_piece, std::span<const std::size_t> order = {});

 private:
  Path path(Side side) const;
  std::uint16_t src_port(Side side) const { return side == Side::client ? ends_.client_port : ends_.server_port; }
  std::uint16_t dst_port(Side side) const { return side == Side::client ? ends_.server_port : ends_.client_port; }

  Emitter& out_;
  Endpoints ends_;
};

}  // namespace normwatch::tools::capgen
