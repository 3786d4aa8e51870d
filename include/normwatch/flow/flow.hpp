// Flow: one bidirectional conversation, with per-direction counters, first/last timestamps, TCP
// state (for timeouts) and which side is the client. Later stages hang their per-flow state on
// `extension`, created when first needed so that a SYN sweep costs only the bare record.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "normwatch/core/timestamp.hpp"
#include "normwatch/flow/flow_key.hpp"

namespace normwatch::flow {

// Per-flow state of later stages (stream reassembly, classification, protocol sessions).
class FlowExtension {
 public:
  virtual ~FlowExtension() = default;
  // An extension keeps what every packet of its flow touches within its first kHotBytes: the
  // flow table starts loading them when it finds the flow.
  static constexpr std::size_t kHotBytes = 192;
};

enum class TcpState : std::uint8_t {
  none,          // not TCP
  syn_sent,      // SYN seen, no SYN-ACK yet (half open)
  established,   // handshake seen, or data seen mid-stream
  closing,       // FIN seen in at least one direction
  closed,        // FINs both ways, or RST
};

// How the client side was decided: from the handshake, or guessed (mid-stream pick-up).
enum class ClientBasis : std::uint8_t { handshake, port_heuristic, first_packet };

struct FlowSide {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;          // IP bytes, headers included (Zeek's ip_bytes)
  std::uint64_t payload_bytes = 0;  // transport payload bytes
};

struct Flow {
  FlowKey key;
  std::uint64_t id = 0;             // unique per run, in creation order
  core::Timestamp first_seen;
  core::Timestamp last_seen;
  std::uint64_t first_frame_no = 0;
  std::array<FlowSide, 2> sides{};  // indexed by flow::index(Direction)
  Direction client_to_server = Direction::a_to_b;  // direction of packets sent by the client
  ClientBasis client_basis = ClientBasis::first_packet;
  TcpState tcp_state = TcpState::none;
  std::array<bool, 2> fin_seen{};   // FIN seen per direction (indexed by flow::index)
  bool has_syn_seq = false;         // a SYN (without ACK) was seen: its sequence number follows
  std::uint32_t syn_seq = 0;        // tells a retransmitted SYN from a new connection on the tuple
  std::unique_ptr<FlowExtension> extension;

  FlowSide& side(Direction d) { return sides[index(d)]; }
  const FlowSide& side(Direction d) const { return sides[index(d)]; }
  bool is_tcp() const { return key.ip_proto == 6; }
  bool is_udp() const { return key.ip_proto == 17; }
  bool from_client(Direction d) const { return d == client_to_server; }
};

}  // namespace normwatch::flow
