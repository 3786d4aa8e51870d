// shard_hash (shard_hash.hpp): link headers as the decoder knows them (Ethernet II with 802.1Q/
// 802.1ad/QinQ tags, Linux SLL and SLL2, raw IP, BSD and OpenBSD loopback), then RFC 791 / RFC 8200
// headers far enough to see addresses, fragmentation and TCP ports. Reads through ByteReader, or
// loads from spans whose size was checked first.
#include "normwatch/pipeline/shard_hash.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/core/mix.hpp"

namespace normwatch::pipeline {

namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86DD;
constexpr std::array<std::uint16_t, 3> kVlanTypes{0x8100, 0x88A8, 0x9100};
constexpr std::uint8_t kTcp = 6;
constexpr int kMaxVlanTags = 4;
constexpr int kMaxIpv6Extensions = 8;

using core::mix64;

constexpr std::uint64_t kEndpointSeed = 0x5368617264536565ULL;

// One endpoint (address of 4 or 16 bytes, port) as one well-mixed word.
std::uint64_t endpoint_hash(core::Bytes address, std::uint16_t port) {
  if (address.size() == 4) {
    std::uint32_t v4 = 0;
    std::memcpy(&v4, address.data(), 4);
    return mix64(((std::uint64_t{v4} << 16) | port) + kEndpointSeed);
  }
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  std::memcpy(&hi, address.data(), 8);
  std::memcpy(&lo, address.data() + 8, 8);
  return mix64(hi ^ mix64(lo ^ (std::uint64_t{port} << 48) ^ kEndpointSeed));
}

// The reader runs this for every frame, on the same two cores as the workers: it costs words and
// multiplies, no sorting of byte arrays. Symmetric because the two endpoints' hashes are combined
// with + and ^, which do not care about order.
ShardHash finish(std::uint64_t vlans, core::Bytes src, core::Bytes dst, std::uint8_t proto, bool ports_known,
                 core::Bytes transport) {
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  ShardKeyKind kind = ShardKeyKind::address_pair;
  if (ports_known && proto == kTcp && transport.size() >= 4) {
    sport = core::load_u16be(transport, 0);
    dport = core::load_u16be(transport, 2);
    kind = ShardKeyKind::tcp_ports;
  }
  const std::uint64_t a = endpoint_hash(src, sport);
  const std::uint64_t b = endpoint_hash(dst, dport);
  const std::uint64_t names = (vlans << 8) | (kind == ShardKeyKind::tcp_ports ? kTcp : 0);
  return ShardHash{mix64((a + b) ^ std::rotl(a ^ b, 29) ^ mix64(names)), kind};
}

ShardHash ipv4(core::Bytes b, std::uint64_t vlans) {
  if (b.size() < 20) return {};
  const auto vihl = static_cast<std::uint8_t>(b[0]);
  if ((vihl >> 4) != 4) return {};
  const std::size_t ihl = static_cast<std::size_t>(vihl & 0x0F) * 4;
  if (ihl < 20 || b.size() < ihl) return {};
  const bool fragment = (core::load_u16be(b, 6) & 0x3FFF) != 0;  // MF set or a non-zero offset
  const auto proto = static_cast<std::uint8_t>(b[9]);
  return finish(vlans, b.subspan(12, 4), b.subspan(16, 4), proto, !fragment, b.subspan(ihl));
}

ShardHash ipv6(core::Bytes bytes, std::uint64_t vlans) {
  core::ByteReader r(bytes);
  const auto v = r.peek_u8();
  if (!v || (*v >> 4) != 6 || !r.skip(6)) return {};
  auto next = r.u8();
  if (!next || !r.skip(1)) return {};
  const auto src = r.take(16);
  const auto dst = r.take(16);
  if (!src || !dst) return {};
  bool fragment = false;
  for (int i = 0; i < kMaxIpv6Extensions; ++i) {
    const std::uint8_t nh = *next;
    if (nh == 44) {  // fragment header: the TCP header may be elsewhere, hash the addresses only
      fragment = true;
      break;
    }
    if (nh != 0 && nh != 43 && nh != 60 && nh != 51) break;
    next = r.u8();
    const auto len = r.u8();
    if (!next || !len) return finish(vlans, *src, *dst, 0, false, {});
    const std::size_t total = nh == 51 ? (static_cast<std::size_t>(*len) + 2) * 4 : (static_cast<std::size_t>(*len) + 1) * 8;
    if (!r.skip(total - 2)) return finish(vlans, *src, *dst, 0, false, {});
  }
  return finish(vlans, *src, *dst, *next, !fragment, r.rest());
}

ShardHash by_ethertype(std::uint16_t type, core::Bytes l3, std::uint64_t vlans) {
  if (type == kEtherIpv4) return ipv4(l3, vlans);
  if (type == kEtherIpv6) return ipv6(l3, vlans);
  return {};
}

ShardHash by_version(core::Bytes l3) {
  if (l3.empty()) return {};
  const unsigned version = static_cast<unsigned>(l3[0]) >> 4;
  if (version == 4) return ipv4(l3, 0);
  if (version == 6) return ipv6(l3, 0);
  return {};
}

bool is_vlan_type(std::uint16_t type) {
  return std::find(kVlanTypes.begin(), kVlanTypes.end(), type) != kVlanTypes.end();
}

ShardHash ethernet(core::Bytes b) {
  if (b.size() < 14) return {};
  std::uint16_t type = core::load_u16be(b, 12);
  std::size_t at = 14;
  std::uint64_t vlans = 0;
  for (int i = 0; i < kMaxVlanTags && type != kEtherIpv4 && is_vlan_type(type); ++i) {
    if (b.size() < at + 4) return {};
    vlans = (vlans << 12) | (core::load_u16be(b, at) & 0x0FFFU);
    type = core::load_u16be(b, at + 2);
    at += 4;
  }
  return by_ethertype(type, b.subspan(at), vlans);
}

}  // namespace

ShardHash shard_hash(const capture::RawFrame& frame) {
  const core::Bytes b = frame.bytes;
  switch (static_cast<capture::LinkType>(frame.link_type)) {
    case capture::LinkType::ethernet:
      return ethernet(b);
    case capture::LinkType::linux_sll:
      if (b.size() < 16) return {};
      return by_ethertype(core::load_u16be(b, 14), b.subspan(16), 0);
    case capture::LinkType::linux_sll2:
      if (b.size() < 20) return {};
      return by_ethertype(core::load_u16be(b, 0), b.subspan(20), 0);
    case capture::LinkType::null_bsd:
    case capture::LinkType::loop:
      if (b.size() < 4) return {};
      return by_version(b.subspan(4));
    case capture::LinkType::raw:
    case capture::LinkType::raw_openbsd:
    case capture::LinkType::raw_alt:
    case capture::LinkType::ipv4:
    case capture::LinkType::ipv6:
      return by_version(b);
  }
  return {};
}

}  // namespace normwatch::pipeline
