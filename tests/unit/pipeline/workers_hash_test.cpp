// shard_hash (shard_hash.hpp): both directions of a TCP connection and of a UDP exchange give the
// same worker; every fragment of a datagram (first with ports, later without) meets the others;
// VLANs separate conversations; what is not IP goes to worker 0; short frames do not crash.
#include "normwatch/pipeline/shard_hash.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace normwatch::pipeline {
namespace {

struct Ip4 {
  std::uint8_t a, b, c, d;
};

struct FrameSpec {
  Ip4 src{10, 0, 0, 1};
  Ip4 dst{10, 0, 0, 2};
  std::uint16_t sport = 40000;
  std::uint16_t dport = 502;
  std::uint8_t proto = 6;
  std::uint16_t frag = 0;  // flags + offset word (0x2000: more fragments)
  std::vector<std::uint16_t> vlans;
};

std::vector<std::byte> ethernet_ipv4(const FrameSpec& s) {
  std::vector<std::uint8_t> b(12, 0x02);
  for (std::uint16_t v : s.vlans) {
    b.insert(b.end(), {0x81, 0x00, static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v & 0xFF)});
  }
  b.insert(b.end(), {0x08, 0x00});
  b.insert(b.end(), {0x45, 0, 0, 40, 0, 1, static_cast<std::uint8_t>(s.frag >> 8),
                     static_cast<std::uint8_t>(s.frag & 0xFF), 64, s.proto, 0, 0});
  b.insert(b.end(), {s.src.a, s.src.b, s.src.c, s.src.d, s.dst.a, s.dst.b, s.dst.c, s.dst.d});
  if ((s.frag & 0x1FFF) == 0) {
    b.insert(b.end(), {static_cast<std::uint8_t>(s.sport >> 8), static_cast<std::uint8_t>(s.sport & 0xFF),
                       static_cast<std::uint8_t>(s.dport >> 8), static_cast<std::uint8_t>(s.dport & 0xFF)});
  }
  b.resize(b.size() + 16, 0);
  std::vector<std::byte> out(b.size());
  for (std::size_t i = 0; i < b.size(); ++i) out[i] = static_cast<std::byte>(b[i]);
  return out;
}

ShardHash hash_of(const std::vector<std::byte>& bytes, int link_type = 1) {
  capture::RawFrame f;
  f.link_type = link_type;
  f.bytes = core::Bytes(bytes);
  f.wire_len = static_cast<std::uint32_t>(bytes.size());
  return shard_hash(f);
}

FrameSpec reversed(FrameSpec s) {
  std::swap(s.src, s.dst);
  std::swap(s.sport, s.dport);
  return s;
}

TEST(WorkersHash, BothDirectionsOfATcpConnectionMeet) {
  for (std::uint16_t port = 40000; port < 40200; ++port) {
    FrameSpec s;
    s.sport = port;
    const ShardHash there = hash_of(ethernet_ipv4(s));
    const ShardHash back = hash_of(ethernet_ipv4(reversed(s)));
    EXPECT_EQ(there.kind, ShardKeyKind::tcp_ports);
    EXPECT_EQ(there.value, back.value);
  }
}

TEST(WorkersHash, TcpConnectionsSpreadOverTheWorkers) {
  std::set<unsigned> used;
  for (std::uint16_t port = 40000; port < 40064; ++port) {
    FrameSpec s;
    s.sport = port;
    used.insert(shard_of(hash_of(ethernet_ipv4(s)), 4));
  }
  EXPECT_EQ(used.size(), 4u);
}

TEST(WorkersHash, UdpAndFragmentsHashOnTheAddressPair) {
  FrameSpec udp;
  udp.proto = 17;
  udp.dport = 20000;
  FrameSpec first = udp;
  first.frag = 0x2000;  // more fragments, offset 0: ports visible
  FrameSpec later = udp;
  later.frag = 0x00B9;  // last fragment at offset 185*8: no ports
  FrameSpec tcp_fragment;
  tcp_fragment.frag = 0x2000;
  const ShardHash u = hash_of(ethernet_ipv4(udp));
  EXPECT_EQ(u.kind, ShardKeyKind::address_pair);
  EXPECT_EQ(hash_of(ethernet_ipv4(first)).value, u.value);
  EXPECT_EQ(hash_of(ethernet_ipv4(later)).value, u.value);
  EXPECT_EQ(hash_of(ethernet_ipv4(reversed(later))).value, u.value);
  // A fragment of a TCP segment: the address pair too (its later fragments carry no ports).
  EXPECT_EQ(hash_of(ethernet_ipv4(tcp_fragment)).kind, ShardKeyKind::address_pair);
}

TEST(WorkersHash, VlanTagsAreInTheKey) {
  FrameSpec plain;
  FrameSpec tagged;
  tagged.vlans = {10};
  FrameSpec qinq;
  qinq.vlans = {10, 20};
  const auto a = hash_of(ethernet_ipv4(plain)).value;
  const auto b = hash_of(ethernet_ipv4(tagged)).value;
  const auto c = hash_of(ethernet_ipv4(qinq)).value;
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  EXPECT_EQ(hash_of(ethernet_ipv4(reversed(qinq))).value, c);
}

TEST(WorkersHash, NotIpGoesToWorkerZeroAndShortFramesAreHarmless) {
  std::vector<std::byte> arp(60, std::byte{0});
  arp[12] = std::byte{0x08};
  arp[13] = std::byte{0x06};
  EXPECT_EQ(hash_of(arp).kind, ShardKeyKind::not_ip);
  EXPECT_EQ(shard_of(hash_of(arp), 8), 0u);
  const auto full = ethernet_ipv4(FrameSpec{});
  for (std::size_t n = 0; n < full.size(); ++n) {
    const std::vector<std::byte> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    const ShardHash h = hash_of(cut);
    EXPECT_LT(shard_of(h, 3), 3u);
  }
}

TEST(WorkersHash, RawIpv6WithExtensionHeaderFindsThePorts) {
  std::vector<std::uint8_t> b = {0x60, 0, 0, 0, 0, 28, 0 /* hop-by-hop */, 64};
  std::vector<std::uint8_t> src(16, 0), dst(16, 0);
  src[0] = 0x20; src[15] = 1;
  dst[0] = 0x20; dst[15] = 2;
  auto build = [&](const std::vector<std::uint8_t>& s, const std::vector<std::uint8_t>& d, std::uint16_t sp,
                   std::uint16_t dp) {
    std::vector<std::uint8_t> out = b;
    out.insert(out.end(), s.begin(), s.end());
    out.insert(out.end(), d.begin(), d.end());
    out.insert(out.end(), {6, 0, 1, 4, 0, 0, 0, 0});  // hop-by-hop: next TCP, length 0 (8 bytes)
    out.insert(out.end(), {static_cast<std::uint8_t>(sp >> 8), static_cast<std::uint8_t>(sp & 0xFF),
                           static_cast<std::uint8_t>(dp >> 8), static_cast<std::uint8_t>(dp & 0xFF)});
    out.resize(out.size() + 16, 0);
    std::vector<std::byte> bytes(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) bytes[i] = static_cast<std::byte>(out[i]);
    return bytes;
  };
  const ShardHash there = hash_of(build(src, dst, 50000, 2404), 101);
  const ShardHash back = hash_of(build(dst, src, 2404, 50000), 101);
  EXPECT_EQ(there.kind, ShardKeyKind::tcp_ports);
  EXPECT_EQ(there.value, back.value);
  // Every cut of the IPv6 frame (inside the addresses, the extension header, the ports) is read
  // within bounds (the sanitizer pass checks) and still picks a worker.
  const auto full = build(src, dst, 50000, 2404);
  for (std::size_t n = 0; n < full.size(); ++n) {
    const std::vector<std::byte> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_LT(shard_of(hash_of(cut, 101), 4), 4u);
  }
  // The low half of an IPv6 address counts: hosts ::1 and ::3 on the same ports differ.
  std::vector<std::uint8_t> other = src;
  other[15] = 3;
  EXPECT_NE(hash_of(build(other, dst, 50000, 2404), 101).value, there.value);
}

TEST(WorkersHash, CutsInsideVlanTagsAreHarmless) {
  FrameSpec s;
  s.vlans = {100, 200};
  const auto full = ethernet_ipv4(s);
  for (std::size_t n = 0; n < full.size(); ++n) {
    const std::vector<std::byte> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_LT(shard_of(hash_of(cut), 2), 2u);
  }
  EXPECT_EQ(hash_of(full).kind, ShardKeyKind::tcp_ports);
}

}  // namespace
}  // namespace normwatch::pipeline
