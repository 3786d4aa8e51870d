// Protocol peers: the per-conversation state of Modbus/TCP, DNP3 and IEC 104 over the encoders.
#include "capgen/peers.hpp"

#include "capgen/modbus_encoder.hpp"

namespace normwatch::tools::capgen {

Host make_host(std::uint32_t number, const core::IpAddress& address) { return Host{host_mac(number), address}; }

Endpoints endpoints(const Host& client, std::uint16_t client_port, const Host& server, std::uint16_t server_port,
                    std::vector<VlanTag> tags) {
  return Endpoints{client, server, client_port, server_port, std::move(tags)};
}

TcpSession open_session(ScenarioContext& ctx, Endpoints ends) {
  const auto client_isn = static_cast<std::uint32_t>(ctx.rng().next());
  const auto server_isn = static_cast<std::uint32_t>(ctx.rng().next());
  return TcpSession(ctx.out(), std::move(ends), client_isn, server_isn);
}

Bytes ModbusPeer::request(ByteView pdu) {
  ++ctx_.pdus().modbus_adus;
  transaction_ = next_transaction_++;
  return modbus::adu(transaction_, unit_, pdu);
}

Bytes ModbusPeer::response(ByteView pdu) {
  ++ctx_.pdus().modbus_adus;
  return modbus::adu(transaction_, unit_, pdu);
}

void ModbusPeer::transact(TcpSession& tcp, ByteView request_pdu, ByteView response_pdu, std::int64_t delay_us) {
  tcp.send(Side::client, request(request_pdu));
  ctx_.out().advance_us(delay_us);
  tcp.send(Side::server, response(response_pdu));
}

std::vector<Bytes> Dnp3Peer::frames(Side from, ByteView fragment) {
  const bool master = from == Side::client;
  const std::uint8_t control = master ? dnp3::kLinkFromMaster : dnp3::kLinkFromOutstation;
  const std::uint16_t destination = master ? outstation_ : master_;
  const std::uint16_t source = master ? master_ : outstation_;
  auto out =
      dnp3::link_frames_for(control, destination, source, fragment, transport_seq_[static_cast<std::size_t>(from)]);
  ++ctx_.pdus().dnp3_fragments;
  ctx_.pdus().dnp3_link_frames += out.size();
  return out;
}

void send_each(TcpSession& tcp, Side from, const std::vector<Bytes>& frames) {
  for (const Bytes& f : frames) tcp.send(from, f);
}

Bytes join_frames(const std::vector<Bytes>& frames) {
  Bytes all;
  for (const Bytes& f : frames) all.insert(all.end(), f.begin(), f.end());
  return all;
}

void send_joined(TcpSession& tcp, Side from, const std::vector<Bytes>& frames) { tcp.send(from, join_frames(frames)); }

Bytes Iec104Peer::build_i_frame(Side from, const iec104::Asdu& asdu) {
  ++ctx_.pdus().iec104_apdus;
  return iec104::next_i_frame(counters(from), counters(peer_of(from)), asdu.bytes());
}

void Iec104Peer::i_frame(Side from, const iec104::Asdu& asdu) { tcp_.send(from, build_i_frame(from, asdu)); }

void Iec104Peer::s_frame(Side from) {
  ++ctx_.pdus().iec104_apdus;
  tcp_.send(from, iec104::s_frame(counters(from).receive));
}

void Iec104Peer::u_frame(Side from, std::uint8_t control) {
  ++ctx_.pdus().iec104_apdus;
  tcp_.send(from, iec104::u_frame(control));
}

}  // namespace normwatch::tools::capgen
