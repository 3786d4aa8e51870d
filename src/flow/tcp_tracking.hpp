// Per-flow protocol facts the flow table keeps: TCP state from flags (for timeouts), which side
// is the client (from the handshake, or guessed on mid-stream pick-up), and the timeout class.
#pragma once

#include <cstdint>

#include "flow_pool.hpp"
#include "normwatch/decode/decoded_packet.hpp"
#include "normwatch/flow/flow.hpp"

namespace normwatch::flow {

// True for ports below 1024 and the registered ICS server ports (Modbus 502, DNP3 20000,
// IEC 104 2404, S7 102, EtherNet/IP 44818, BACnet 47808, Foundation Fieldbus HSE 1911,
// OPC UA 4840, CODESYS 20547).
bool is_well_known_server_port(std::uint16_t port);

// Decides the client side of a new flow from its first packet, which travelled in `direction`.
void decide_client(Flow& flow, Direction direction, const decode::DecodedPacket& packet);

// Advances the TCP state with the flags of one packet that travelled in `direction`.
void update_tcp_state(Flow& flow, Direction direction, std::uint8_t flags);

// A SYN (without ACK) on a closed flow starts a new connection on the same key.
bool starts_new_connection(const Flow& flow, const decode::DecodedPacket& packet);
// Records the sequence number of the connection's first SYN.
void remember_syn(Flow& flow, const decode::DecodedPacket& packet);

TimeoutClass timeout_class(const Flow& flow);

}  // namespace normwatch::flow
