// FlowKey: canonical ordering of the two endpoints, and the seeded hashes used by the flow table
// (index) and by the pipeline (sharding flows over workers). ARCHITECTURE.md "flow".
#include "normwatch/flow/flow_key.hpp"

#include "flow_key_inline.hpp"

namespace normwatch::flow {
namespace {

// The shard hash follows the well-known xxHash64 construction (multiply-rotate rounds over 64-bit
// words, then an avalanche); it is written from the published description, not copied.
using detail::kPrime1;
using detail::kPrime2;
using detail::kPrime3;
using detail::kPrime4;
using detail::kPrime5;

constexpr std::uint64_t round_word(std::uint64_t acc, std::uint64_t word) {
  const std::uint64_t k = std::rotl(word * kPrime2, 31) * kPrime1;
  return std::rotl(acc ^ k, 27) * kPrime1 + kPrime4;
}

constexpr std::uint64_t avalanche(std::uint64_t h) {
  h ^= h >> 33;
  h *= kPrime2;
  h ^= h >> 29;
  h *= kPrime3;
  h ^= h >> 32;
  return h;
}

using detail::load_u64;

// Hashes every field explicitly (never the struct's bytes: FlowKey has padding).
std::uint64_t hash_key(const FlowKey& k, std::uint64_t seed) {
  std::uint64_t acc = seed + kPrime5;
  acc = round_word(acc, load_u64(k.addr_a.bytes.data()));
  acc = round_word(acc, load_u64(k.addr_a.bytes.data() + 8));
  acc = round_word(acc, load_u64(k.addr_b.bytes.data()));
  acc = round_word(acc, load_u64(k.addr_b.bytes.data() + 8));
  const std::uint64_t tail = static_cast<std::uint64_t>(k.port_a) | (static_cast<std::uint64_t>(k.port_b) << 16) |
                             (static_cast<std::uint64_t>(k.ip_proto) << 32) |
                             (static_cast<std::uint64_t>(k.vlan) << 40) |
                             (static_cast<std::uint64_t>(k.addr_a.family) << 56) |
                             (static_cast<std::uint64_t>(k.addr_b.family) << 60);
  acc = round_word(acc, tail);
  return avalanche(acc);
}

}  // namespace

std::size_t FlowKey::hash(std::uint64_t seed) const { return static_cast<std::size_t>(detail::index_hash(*this, seed)); }

std::size_t FlowKey::symmetric_hash() const {
  // The key is canonical, so any hash of it is already the same for both directions. A seed of
  // its own keeps shard choice independent of the table index bits (a worker's table would
  // otherwise see only hashes with the same low bits and cluster).
  return static_cast<std::size_t>(hash_key(*this, kShardSeed));
}

KeyedPacket make_flow_key(const decode::DecodedPacket& packet) { return detail::keyed_packet(packet); }

std::size_t symmetric_hash(const decode::DecodedPacket& packet) { return make_flow_key(packet).key.symmetric_hash(); }

}  // namespace normwatch::flow
