// shard_hash (shard_hash.hpp): link headers as the decoder knows them (Ethernet II with 802.1Q/
// 802.1ad/QinQ tags, Linux SLL and SLL2, raw IP, BSD and OpenBSD loopback), then RFC 791 / RFC 8200
// headers far enough to see addresses, fragmentation and TCP ports. Reads only through ByteReader.
#include "normwatch/pipeline/shard_hash.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "normwatch/core/byte_reader.hpp"

namespace normwatch::pipeline {

namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86DD;
constexpr std::array<std::uint16_t, 3> kVlanTypes{0x8100, 0x88A8, 0x9100};
constexpr std::uint8_t kTcp = 6;
constexpr int kMaxVlanTags = 4;
constexpr int kMaxIpv6Extensions = 8;

// The sorted pair of endpoints and everything else that names the conversation.
struct Key {
  std::uint64_t vlans = 0;
  std::uint8_t proto = 0;
  std::array<std::uint8_t, 18> a{};  // address (16) + port (2)
  std::array<std::uint8_t, 18> b{};
};

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  // splitmix64 finaliser over a running value
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBULL;
  h ^= h >> 31;
  return h;
}

std::uint64_t hash_key(Key k) {
  if (k.b < k.a) std::swap(k.a, k.b);  // symmetric: the smaller endpoint first
  std::uint64_t h = mix(k.vlans, k.proto);
  for (const auto* side : {&k.a, &k.b}) {
    std::uint64_t w[3] = {0, 0, 0};
    std::memcpy(w, side->data(), side->size());
    h = mix(mix(mix(h, w[0]), w[1]), w[2]);
  }
  return h;
}

void put_endpoint(std::array<std::uint8_t, 18>& out, core::Bytes address, std::uint16_t port) {
  for (std::size_t i = 0; i < address.size() && i < 16; ++i) out[i] = static_cast<std::uint8_t>(address[i]);
  out[16] = static_cast<std::uint8_t>(port >> 8);
  out[17] = static_cast<std::uint8_t>(port & 0xFF);
}

ShardHash finish(Key& key, core::Bytes src, core::Bytes dst, std::uint8_t proto, bool ports_known,
                 core::ByteReader transport) {
  std::uint16_t sport = 0;
  std::uint16_t dport = 0;
  ShardKeyKind kind = ShardKeyKind::address_pair;
  if (ports_known && proto == kTcp) {
    const auto s = transport.u16be();
    const auto d = transport.u16be();
    if (s && d) {
      sport = *s;
      dport = *d;
      kind = ShardKeyKind::tcp_ports;
    }
  }
  key.proto = kind == ShardKeyKind::tcp_ports ? kTcp : 0;
  put_endpoint(key.a, src, sport);
  put_endpoint(key.b, dst, dport);
  return ShardHash{hash_key(key), kind};
}

ShardHash ipv4(core::ByteReader r, Key& key) {
  const auto vihl = r.u8();
  if (!vihl || (*vihl >> 4) != 4) return {};
  const std::size_t ihl = static_cast<std::size_t>(*vihl & 0x0F) * 4;
  if (ihl < 20 || !r.skip(5)) return {};
  const auto frag = r.u16be();
  if (!frag || !r.skip(1)) return {};
  const auto proto = r.u8();
  if (!proto || !r.skip(2)) return {};
  const auto src = r.take(4);
  const auto dst = r.take(4);
  if (!src || !dst || !r.skip(ihl - 20)) return {};
  const bool fragment = (*frag & 0x3FFF) != 0;  // MF set or a non-zero offset
  return finish(key, *src, *dst, *proto, !fragment, r);
}

ShardHash ipv6(core::ByteReader r, Key& key) {
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
    if (!next || !len) return finish(key, *src, *dst, 0, false, r);
    const std::size_t total = nh == 51 ? (static_cast<std::size_t>(*len) + 2) * 4 : (static_cast<std::size_t>(*len) + 1) * 8;
    if (!r.skip(total - 2)) return finish(key, *src, *dst, 0, false, r);
  }
  return finish(key, *src, *dst, *next, !fragment, r);
}

ShardHash by_ethertype(std::uint16_t type, core::ByteReader r, Key& key) {
  if (type == kEtherIpv4) return ipv4(r, key);
  if (type == kEtherIpv6) return ipv6(r, key);
  return {};
}

ShardHash by_version(core::ByteReader r, Key& key) {
  const auto v = r.peek_u8();
  if (!v) return {};
  if ((*v >> 4) == 4) return ipv4(r, key);
  if ((*v >> 4) == 6) return ipv6(r, key);
  return {};
}

ShardHash ethernet(core::ByteReader r, Key& key) {
  if (!r.skip(12)) return {};
  auto type = r.u16be();
  for (int i = 0; type && i < kMaxVlanTags; ++i) {
    if (std::find(kVlanTypes.begin(), kVlanTypes.end(), *type) == kVlanTypes.end()) break;
    const auto tci = r.u16be();
    if (!tci) return {};
    key.vlans = (key.vlans << 12) | (*tci & 0x0FFFU);
    type = r.u16be();
  }
  if (!type) return {};
  return by_ethertype(*type, r, key);
}

}  // namespace

ShardHash shard_hash(const capture::RawFrame& frame) {
  core::ByteReader r(frame.bytes);
  Key key;
  switch (static_cast<capture::LinkType>(frame.link_type)) {
    case capture::LinkType::ethernet:
      return ethernet(r, key);
    case capture::LinkType::linux_sll: {
      if (!r.skip(14)) return {};
      const auto type = r.u16be();
      return type ? by_ethertype(*type, r, key) : ShardHash{};
    }
    case capture::LinkType::linux_sll2: {
      const auto type = r.u16be();
      if (!type || !r.skip(18)) return {};
      return by_ethertype(*type, r, key);
    }
    case capture::LinkType::null_bsd:
    case capture::LinkType::loop:
      if (!r.skip(4)) return {};
      return by_version(r, key);
    case capture::LinkType::raw:
    case capture::LinkType::raw_openbsd:
    case capture::LinkType::raw_alt:
    case capture::LinkType::ipv4:
    case capture::LinkType::ipv6:
      return by_version(r, key);
  }
  return {};
}

}  // namespace normwatch::pipeline
