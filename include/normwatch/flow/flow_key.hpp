// FlowKey: the canonical, full bidirectional key of a flow (addresses, ports, transport, VLAN).
// Both directions of a conversation map to one key; the direction says which way a packet went.
// Hash tables store the whole key and compare it: never the hash alone.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>

#include "normwatch/core/ip_address.hpp"
#include "normwatch/decode/decoded_packet.hpp"

namespace normwatch::flow {

// a_to_b: the packet went from the key's endpoint a to endpoint b. a is the lower endpoint.
enum class Direction : std::uint8_t { a_to_b = 0, b_to_a = 1 };

inline constexpr Direction reverse(Direction d) {
  return d == Direction::a_to_b ? Direction::b_to_a : Direction::a_to_b;
}
inline constexpr std::size_t index(Direction d) { return static_cast<std::size_t>(d); }

struct FlowKey {
  core::IpAddress addr_a;
  core::IpAddress addr_b;
  std::uint16_t port_a = 0;
  std::uint16_t port_b = 0;
  std::uint8_t ip_proto = 0;
  std::uint16_t vlan = 0;   // outermost VLAN id: the same addresses on two VLANs are two flows

  constexpr auto operator<=>(const FlowKey&) const = default;

  static constexpr std::uint64_t kDefaultSeed = 0x6E6F726D77617463ULL;
  static constexpr std::uint64_t kShardSeed = 0x5368617264536565ULL;

  // Strong 64-bit mix over every field. The flow table passes a seed of its own (random per
  // table) so that crafted addresses cannot aim at one bucket.
  std::size_t hash(std::uint64_t seed = kDefaultSeed) const;
  // Symmetric hash: equal for both directions of a conversation (the key is canonical) and
  // independent of hash(); used to shard flows over workers.
  std::size_t symmetric_hash() const;
};

struct KeyedPacket {
  FlowKey key;
  Direction direction;
};

// Builds the canonical key of a decoded packet and the direction the packet travelled.
KeyedPacket make_flow_key(const decode::DecodedPacket& packet);

// The shard hash of a packet's flow, the same for both directions: make_flow_key(p).key.symmetric_hash().
std::size_t symmetric_hash(const decode::DecodedPacket& packet);

}  // namespace normwatch::flow
