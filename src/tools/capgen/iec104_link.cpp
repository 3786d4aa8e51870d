// Iec104Link: APCI framing and the k/w acknowledgement discipline of IEC 60870-5-104 §5.5.
#include "capgen/iec104_link.hpp"

#include <array>

namespace normwatch::tools::capgen {

void Iec104Link::u(Side from, std::uint8_t control) {
  ++ctx_.pdus().iec104_apdus;
  tcp_.send(from, iec104::u_frame(control));
}

void Iec104Link::s(Side from) {
  ++ctx_.pdus().iec104_apdus;
  tcp_.send(from, iec104::s_frame(counters_[at(from)].receive));
  unacked_[at(from)] = 0;
}

Bytes Iec104Link::frame(Side from, const Bytes& asdu) {
  ++ctx_.pdus().iec104_apdus;
  // The sender's N(R) acknowledges everything it has received.
  unacked_[at(from)] = 0;
  ++unacked_[at(peer_of(from))];
  return iec104::next_i_frame(counters_[at(from)], counters_[at(peer_of(from))], asdu);
}

void Iec104Link::after_i_frames(Side from) {
  const Side peer = peer_of(from);
  if (unacked_[at(peer)] >= kW) {
    pause(400);
    s(peer);
  }
}

void Iec104Link::i(Side from, const std::vector<Bytes>& asdus) {
  // The peer acknowledges first if this batch would leave it holding more than w I-frames.
  if (unacked_[at(peer_of(from))] + asdus.size() > kW) s(peer_of(from));
  Bytes segment;
  for (const Bytes& a : asdus) {
    const Bytes f = frame(from, a);
    segment.insert(segment.end(), f.begin(), f.end());
  }
  tcp_.send(from, segment);
  after_i_frames(from);
}

void Iec104Link::i_split(Side from, const Bytes& asdu, std::size_t first) {
  if (unacked_[at(peer_of(from))] + 1 > kW) s(peer_of(from));
  const Bytes f = frame(from, asdu);
  const std::array<Piece, 2> pieces = {Piece{0, first}, Piece{first, f.size() - first}};
  tcp_.send_pieces(from, f, pieces);
  after_i_frames(from);
}

void Iec104Link::settle() {
  for (const Side side : {Side::client, Side::server}) {
    if (unacked_[at(side)] > 0) s(side);
  }
}

}  // namespace normwatch::tools::capgen
