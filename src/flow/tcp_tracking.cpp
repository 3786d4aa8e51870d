// TCP state and client-side decisions for the flow table (see tcp_tracking.hpp). The state is
// only as precise as timeouts need: half open, established, closing (one FIN), closed (FINs both
// ways or RST). Sequence checks belong to stream/, not here.
#include "tcp_tracking.hpp"

#include <algorithm>
#include <array>

namespace normwatch::flow {
namespace {

constexpr std::array<std::uint16_t, 9> kIcsServerPorts = {502, 20000, 2404, 102, 44818, 47808, 1911, 4840, 20547};

bool has(std::uint8_t flags, std::uint8_t bit) { return (flags & bit) != 0; }

}  // namespace

bool is_well_known_server_port(std::uint16_t port) {
  return port < 1024 || std::find(kIcsServerPorts.begin(), kIcsServerPorts.end(), port) != kIcsServerPorts.end();
}

void decide_client(Flow& flow, Direction direction, const decode::DecodedPacket& packet) {
  namespace tf = decode::tcp_flags;
  if (packet.transport == decode::Transport::tcp && has(packet.tcp.flags, tf::kSyn) && !has(packet.tcp.flags, tf::kRst)) {
    // SYN: the sender opens the connection. SYN+ACK: the sender answers, so the receiver is the client.
    flow.client_to_server = has(packet.tcp.flags, tf::kAck) ? reverse(direction) : direction;
    flow.client_basis = ClientBasis::handshake;
    return;
  }
  const bool src_server = is_well_known_server_port(packet.src_port);
  const bool dst_server = is_well_known_server_port(packet.dst_port);
  if (src_server != dst_server) {
    flow.client_to_server = dst_server ? direction : reverse(direction);
    flow.client_basis = ClientBasis::port_heuristic;
  } else if (packet.src_port != packet.dst_port) {
    // Neither or both well known: the lower port is taken for the server (ephemeral ports are high).
    flow.client_to_server = packet.dst_port < packet.src_port ? direction : reverse(direction);
    flow.client_basis = ClientBasis::port_heuristic;
  } else {
    flow.client_to_server = direction;
    flow.client_basis = ClientBasis::first_packet;
  }
}

void update_tcp_state(Flow& flow, Direction direction, std::uint8_t flags) {
  namespace tf = decode::tcp_flags;
  if (has(flags, tf::kRst)) {
    flow.tcp_state = TcpState::closed;
    return;
  }
  if (has(flags, tf::kFin)) flow.fin_seen[index(direction)] = true;
  const bool fin_both = flow.fin_seen[0] && flow.fin_seen[1];
  switch (flow.tcp_state) {
    case TcpState::none:
      // First packet of the flow. Anything but a SYN means a mid-stream pick-up.
      if (has(flags, tf::kSyn)) {
        flow.tcp_state = TcpState::syn_sent;
      } else {
        flow.tcp_state = has(flags, tf::kFin) ? TcpState::closing : TcpState::established;
      }
      break;
    case TcpState::syn_sent:
      // Stays half open through SYN and SYN+ACK (a SYN flood answered by the server never leaves
      // it); the first non-SYN packet with an ACK completes the handshake.
      if (has(flags, tf::kFin)) {
        flow.tcp_state = TcpState::closing;
      } else if (!has(flags, tf::kSyn) && has(flags, tf::kAck)) {
        flow.tcp_state = TcpState::established;
      }
      break;
    case TcpState::established:
      if (has(flags, tf::kFin)) flow.tcp_state = fin_both ? TcpState::closed : TcpState::closing;
      break;
    case TcpState::closing:
      if (fin_both) flow.tcp_state = TcpState::closed;
      break;
    case TcpState::closed:
      break;
  }
}

bool starts_new_connection(const Flow& flow, const decode::DecodedPacket& packet) {
  namespace tf = decode::tcp_flags;
  const bool syn = packet.transport == decode::Transport::tcp && has(packet.tcp.flags, tf::kSyn) &&
                   !has(packet.tcp.flags, tf::kAck) && !has(packet.tcp.flags, tf::kRst);
  // A SYN with the first SYN's sequence number is that SYN retransmitted (e.g. after a RST from a
  // closed port), not a new connection: Wireshark keeps it in the same TCP stream too.
  return flow.tcp_state == TcpState::closed && syn && !(flow.has_syn_seq && packet.tcp.seq == flow.syn_seq);
}

void remember_syn(Flow& flow, const decode::DecodedPacket& packet) {
  namespace tf = decode::tcp_flags;
  if (packet.transport == decode::Transport::tcp && has(packet.tcp.flags, tf::kSyn) && !has(packet.tcp.flags, tf::kAck) &&
      !flow.has_syn_seq) {
    flow.has_syn_seq = true;
    flow.syn_seq = packet.tcp.seq;
  }
}

TimeoutClass timeout_class(const Flow& flow) {
  if (flow.is_tcp()) {
    constexpr std::array<TimeoutClass, 5> kByState = {TimeoutClass::half_open, TimeoutClass::half_open,
                                                      TimeoutClass::established, TimeoutClass::closing,
                                                      TimeoutClass::closed};
    return kByState[static_cast<std::size_t>(flow.tcp_state)];
  }
  return flow.is_udp() ? TimeoutClass::udp : TimeoutClass::other;
}

}  // namespace normwatch::flow
