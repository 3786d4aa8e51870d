// TcpSession and UdpFlow: sequence/acknowledgement bookkeeping per RFC 793 §3.3 (SYN and FIN
// each take one sequence number) on top of Emitter.
#include "capgen/conversation.hpp"

#include <algorithm>

namespace normwatch::tools::capgen {

std::vector<Piece> split_by_sizes(std::size_t total, std::span<const std::size_t> sizes) {
  std::vector<Piece> pieces;
  std::size_t offset = 0;
  for (std::size_t i = 0; offset < total && !sizes.empty(); ++i) {
    const std::size_t want = std::max<std::size_t>(1, sizes[std::min(i, sizes.size() - 1)]);
    const std::size_t len = std::min(want, total - offset);
    pieces.push_back(Piece{offset, len});
    offset += len;
  }
  return pieces;
}

std::vector<Piece> pick(std::span<const Piece> pieces, std::span<const std::size_t> order) {
  std::vector<Piece> out;
  out.reserve(order.size());
  for (std::size_t i : order) out.push_back(pieces[i]);
  return out;
}

TcpSession::TcpSession(Emitter& out, Endpoints ends, std::uint32_t client_isn, std::uint32_t server_isn)
    : out_(out), ends_(std::move(ends)), next_seq_{client_isn, server_isn} {}

Path TcpSession::path(Side side) const {
  if (side == Side::client) return Path{ends_.client, ends_.server, ends_.tags};
  return Path{ends_.server, ends_.client, ends_.tags};
}

void TcpSession::segment(Side side, std::uint32_t seq, std::uint8_t flags, ByteView payload) {
  TcpHeader h;
  h.src_port = side == Side::client ? ends_.client_port : ends_.server_port;
  h.dst_port = side == Side::client ? ends_.server_port : ends_.client_port;
  h.seq = seq;
  h.ack = (flags & kAck) != 0 ? next_seq_[index(peer_of(side))] : 0;
  h.flags = flags;
  out_.tcp(path(side), h, payload);
}

void TcpSession::syn() { segment(Side::client, next_seq_[0]++, kSyn, {}); }
void TcpSession::syn_ack() { segment(Side::server, next_seq_[1]++, kSyn | kAck, {}); }
void TcpSession::handshake_ack() { segment(Side::client, next_seq_[0], kAck, {}); }

void TcpSession::handshake() {
  syn();
  syn_ack();
  handshake_ack();
}

void TcpSession::send(Side side, ByteView payload) {
  segment(side, next_seq_[index(side)], kPsh | kAck, payload);
  next_seq_[index(side)] += static_cast<std::uint32_t>(payload.size());
}

void TcpSession::send_pieces(Side side, ByteView payload, std::span<const Piece> pieces) {
  const std::uint32_t base = next_seq_[index(side)];
  for (const Piece& p : pieces) {
    const ByteView bytes = p.replacement.empty() ? payload.subspan(p.offset, p.length) : p.replacement;
    segment(side, base + static_cast<std::uint32_t>(p.offset), kPsh | kAck, bytes);
  }
  next_seq_[index(side)] = base + static_cast<std::uint32_t>(payload.size());
}

void TcpSession::ack(Side side) { segment(side, next_seq_[index(side)], kAck, {}); }

void TcpSession::close(Side initiator) {
  const Side other = peer_of(initiator);
  segment(initiator, next_seq_[index(initiator)]++, kFin | kAck, {});
  segment(other, next_seq_[index(other)]++, kFin | kAck, {});
  segment(initiator, next_seq_[index(initiator)], kAck, {});
}

void TcpSession::reset(Side side) { segment(side, next_seq_[index(side)], kRst | kAck, {}); }

Path UdpFlow::path(Side side) const {
  if (side == Side::client) return Path{ends_.client, ends_.server, ends_.tags};
  return Path{ends_.server, ends_.client, ends_.tags};
}

void UdpFlow::send(Side side, ByteView payload) { out_.udp(path(side), src_port(side), dst_port(side), payload); }

void UdpFlow::send_fragmented(Side side, ByteView payload, std::size_t max_piece, std::span<const std::size_t> order) {
  out_.udp_fragmented(path(side), src_port(side), dst_port(side), payload, max_piece, order);
}

}  // namespace normwatch::tools::capgen
