// The flow key's per-packet steps, inline for FlowTable::track (every frame builds a key and
// hashes it; as calls into flow_key.cpp they cost a copy of the key and the calls themselves).
// flow_key.cpp defines the public make_flow_key and FlowKey::hash with these.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

#include "normwatch/flow/flow_key.hpp"

namespace normwatch::flow::detail {

// xxHash64's primes, used by both flow hashes.
inline constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
inline constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
inline constexpr std::uint64_t kPrime3 = 0x165667B19E3779F9ULL;
inline constexpr std::uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
inline constexpr std::uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

inline std::uint64_t load_u64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);  // memcpy: the array has no 8-byte alignment guarantee
  return v;
}

// 64x64->128-bit multiply, folded: the mixing step of the wyhash family (published design, not
// copied). Exact integer arithmetic, so every platform gets the same value.
inline std::uint64_t mum(std::uint64_t a, std::uint64_t b) {
#ifdef __SIZEOF_INT128__
  __extension__ using U128 = unsigned __int128;  // GCC and Clang on 64-bit targets
  const U128 p = static_cast<U128>(a) * b;
  return static_cast<std::uint64_t>(p) ^ static_cast<std::uint64_t>(p >> 64);
#else
  const std::uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32, b_lo = b & 0xffffffffu, b_hi = b >> 32;
  const std::uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
  const std::uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + lo_hi;
  const std::uint64_t lo = (cross << 32) | (lo_lo & 0xffffffffu);
  const std::uint64_t hi = (hi_lo >> 32) + (cross >> 32) + hi_hi;
  return lo ^ hi;
#endif
}

// The flow table's index hash, on every frame: three independent 128-bit multiplies and one to
// combine them. Each input word is mixed with the seed before it is multiplied, so without the
// seed no key can be aimed at a bucket.
inline std::uint64_t index_hash(const FlowKey& k, std::uint64_t seed) {
  const std::uint64_t tail = static_cast<std::uint64_t>(k.port_a) | (static_cast<std::uint64_t>(k.port_b) << 16) |
                             (static_cast<std::uint64_t>(k.ip_proto) << 32) |
                             (static_cast<std::uint64_t>(k.vlan) << 40) |
                             (static_cast<std::uint64_t>(k.addr_a.family) << 56) |
                             (static_cast<std::uint64_t>(k.addr_b.family) << 60);
  const std::uint64_t s = seed ^ kPrime5;
  const std::uint64_t a = mum(load_u64(k.addr_a.bytes.data()) ^ s ^ kPrime1, load_u64(k.addr_a.bytes.data() + 8) ^ kPrime2);
  const std::uint64_t b = mum(load_u64(k.addr_b.bytes.data()) ^ s ^ kPrime3, load_u64(k.addr_b.bytes.data() + 8) ^ kPrime4);
  const std::uint64_t t = mum(tail ^ s ^ kPrime2, std::rotl(s, 32) ^ kPrime1);
  return mum(a ^ std::rotl(t, 17) ^ kPrime4, b ^ t ^ kPrime3);
}

// The order std::tie(address, port) <= std::tie(address, port) gives (family, then the address
// bytes lexicographically, then the port), with word compares: memcmp over 16 bytes per packet was
// a call of its own (cachegrind).
inline bool endpoint_not_above(const core::IpAddress& x, std::uint16_t x_port, const core::IpAddress& y,
                               std::uint16_t y_port) {
  if (x.family != y.family) return x.family < y.family;
  const auto word = [](const core::IpAddress& a, std::size_t i) {
    std::uint64_t w = load_u64(a.bytes.data() + 8 * i);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w;  // big-endian value: compares as the bytes do
  };
  const std::uint64_t x0 = word(x, 0), y0 = word(y, 0);
  if (x0 != y0) return x0 < y0;
  const std::uint64_t x1 = word(x, 1), y1 = word(y, 1);
  if (x1 != y1) return x1 < y1;
  return x_port <= y_port;
}

// make_flow_key (flow_key.hpp).
inline KeyedPacket keyed_packet(const decode::DecodedPacket& packet) {
  KeyedPacket out{};
  const bool src_is_a = endpoint_not_above(packet.src_ip, packet.src_port, packet.dst_ip, packet.dst_port);
  if (src_is_a) {
    out.key.addr_a = packet.src_ip;
    out.key.port_a = packet.src_port;
    out.key.addr_b = packet.dst_ip;
    out.key.port_b = packet.dst_port;
    out.direction = Direction::a_to_b;
  } else {
    out.key.addr_a = packet.dst_ip;
    out.key.port_a = packet.dst_port;
    out.key.addr_b = packet.src_ip;
    out.key.port_b = packet.src_port;
    out.direction = Direction::b_to_a;
  }
  out.key.ip_proto = packet.ip_proto;
  out.key.vlan = packet.vlan_outer;
  return out;
}

}  // namespace normwatch::flow::detail
