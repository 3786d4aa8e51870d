// Which worker a frame goes to (issue 9 §1): a cheap look at the link, VLAN, IP and TCP headers,
// hashed so that both directions of a conversation give the same value. Not a decoder: anything
// it does not understand goes to worker 0 and the worker's own decoder has the last word.
#pragma once

#include <cstdint>

#include "normwatch/capture/raw_frame.hpp"

namespace normwatch::pipeline {

// What the hash saw (for tests and for choosing the key).
enum class ShardKeyKind : std::uint8_t {
  not_ip,        // no IPv4/IPv6 header found: worker 0
  address_pair,  // VLAN + both addresses (+ protocol): fragments, UDP and every non-TCP protocol
  tcp_ports,     // VLAN + both addresses + both ports of an unfragmented TCP segment
};

struct ShardHash {
  std::uint64_t value = 0;
  ShardKeyKind kind = ShardKeyKind::not_ip;
};

// Symmetric: swapping source and destination (addresses and ports) gives the same value.
ShardHash shard_hash(const capture::RawFrame& frame);

// The worker for a frame among `workers` (>= 1).
inline unsigned shard_of(const ShardHash& h, unsigned workers) {
  return h.kind == ShardKeyKind::not_ip || workers <= 1 ? 0U : static_cast<unsigned>(h.value % workers);
}

}  // namespace normwatch::pipeline
