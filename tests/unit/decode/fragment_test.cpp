// IP fragment reassembly: one UDP datagram cut in three, replayed in every order, with
// duplicates, conflicting overlaps, timeouts and every cap; and the same over IPv6.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "decode/decode_helpers.hpp"
#include "normwatch/decode/decoder.hpp"

namespace normwatch::decode {
namespace {

using test::ByteVec;
using test::hex;
using test::raw;

const core::IpAddress kA = test::ip("10.0.0.1");
const core::IpAddress kB = test::ip("10.0.0.2");
const core::IpAddress kA6 = test::ip("2001:db8::1");
const core::IpAddress kB6 = test::ip("2001:db8::2");
constexpr std::int64_t kSecond = 1'000'000'000;

// UDP 20000 -> 20000, length 48, payload "ABC...h" (40 bytes); checksum valid for kA -> kB.
const char* const kUdpDatagram =
    "4e 20 4e 20 00 30 b8 a0"
    "41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 54"
    "55 56 57 58 59 5a 5b 5c 5d 5e 5f 60 61 62 63 64 65 66 67 68";

ByteVec slice(const ByteVec& b, std::size_t from, std::size_t to) { return ByteVec(b.begin() + from, b.begin() + to); }

// Ethernet + IPv4 fragment of `datagram` covering [from, to).
ByteVec v4_fragment(const ByteVec& datagram, std::size_t from, std::size_t to, std::uint16_t id = 7) {
  const bool more = to < datagram.size();
  return test::concat({test::ethernet(0x0800), test::ipv4_header(kA, kB, 17, to - from, id, from, more), slice(datagram, from, to)});
}

struct Fixture {
  Decoder decoder;
  DecodedPacket packet;
  std::uint64_t frame_no = 0;
  std::vector<ByteVec> keep;  // frames stay alive while the decoder may point into them

  explicit Fixture(DecoderLimits limits = {}) : decoder(limits) {}
  DecodeStatus feed(ByteVec f, std::int64_t ts = 0) {
    keep.push_back(std::move(f));
    return decoder.decode(raw(keep.back(), 1, ts, ++frame_no), packet);
  }
  std::size_t count(DecodeAnomaly a) const { return decoder.counters().anomalies[static_cast<std::size_t>(a)]; }
};

void expect_whole_datagram(const DecodedPacket& p, const ByteVec& datagram) {
  EXPECT_TRUE(p.reassembled);
  EXPECT_EQ(p.transport, Transport::udp);
  EXPECT_EQ(p.dst_port, 20000);
  ASSERT_EQ(p.payload.size(), datagram.size() - 8);
  EXPECT_TRUE(std::equal(p.payload.begin(), p.payload.end(), datagram.begin() + 8));
  EXPECT_FALSE(p.has(DecodeAnomaly::bad_udp_checksum));
}

TEST(Fragments, InOrder) {
  const ByteVec dg = hex(kUdpDatagram);
  Fixture fx;
  EXPECT_EQ(fx.feed(v4_fragment(dg, 0, 16)), DecodeStatus::fragment_held);
  EXPECT_EQ(fx.feed(v4_fragment(dg, 16, 32)), DecodeStatus::fragment_held);
  ASSERT_EQ(fx.feed(v4_fragment(dg, 32, 48)), DecodeStatus::transport);
  expect_whole_datagram(fx.packet, dg);
  EXPECT_EQ(fx.packet.frame_no, 3u);
  EXPECT_EQ(fx.packet.first_frame_no, 1u);
  EXPECT_EQ(fx.packet.src_ip.to_string(), "10.0.0.1");
  EXPECT_EQ(fx.decoder.counters().fragments, 3u);
  EXPECT_EQ(fx.decoder.counters().reassembled_datagrams, 1u);
  EXPECT_EQ(fx.decoder.counters().anomaly_total(), 0u);
  EXPECT_EQ(fx.decoder.fragment_datagrams_held(), 0u);
  EXPECT_EQ(fx.decoder.fragment_bytes_held(), 0u);
  // The rebuilt IP packet (for the classifier): header now says "whole datagram".
  const core::Bytes ip = fx.packet.ip_packet;
  ASSERT_EQ(ip.size(), 20u + dg.size());
  EXPECT_EQ(ip[2], std::byte{0});
  EXPECT_EQ(ip[3], std::byte{68});               // total length
  EXPECT_EQ(ip[6], std::byte{0});                // MF cleared
  EXPECT_EQ(ip[7], std::byte{0});                // offset 0
  Decoder again;
  DecodedPacket p;
  ByteVec rebuilt(ip.begin(), ip.end());
  ASSERT_EQ(again.decode(raw(rebuilt, 228), p), DecodeStatus::transport);  // decodes standalone
  EXPECT_EQ(p.anomalies, 0u);                    // header checksum recomputed
  EXPECT_EQ(p.payload.size(), 40u);
}

TEST(Fragments, EveryOrder) {
  const ByteVec dg = hex(kUdpDatagram);
  std::array<int, 3> order{0, 1, 2};
  int orders = 0;
  do {
    Fixture fx;
    DecodeStatus last = DecodeStatus::anomaly;
    for (int i : order) last = fx.feed(v4_fragment(dg, 16 * static_cast<std::size_t>(i), 16 * static_cast<std::size_t>(i) + 16));
    ASSERT_EQ(last, DecodeStatus::transport) << order[0] << order[1] << order[2];
    expect_whole_datagram(fx.packet, dg);
    EXPECT_EQ(fx.packet.first_frame_no, 1u);
    EXPECT_EQ(fx.decoder.counters().anomaly_total(), 0u);
    ++orders;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(orders, 6);
}

TEST(Fragments, DuplicatesAreHarmless) {
  const ByteVec dg = hex(kUdpDatagram);
  Fixture fx;
  fx.feed(v4_fragment(dg, 16, 32));
  fx.feed(v4_fragment(dg, 0, 16));
  fx.feed(v4_fragment(dg, 16, 32));
  fx.feed(v4_fragment(dg, 0, 24));  // overlaps with the same bytes
  ASSERT_EQ(fx.feed(v4_fragment(dg, 32, 48)), DecodeStatus::transport);
  expect_whole_datagram(fx.packet, dg);
  EXPECT_EQ(fx.count(DecodeAnomaly::fragment_overlap), 0u);
}

TEST(Fragments, ConflictingOverlapFirstCopyWins) {
  const ByteVec dg = hex(kUdpDatagram);
  ByteVec forged = dg;
  std::fill(forged.begin() + 8, forged.begin() + 24, std::byte{'Z'});
  Fixture fx;
  EXPECT_EQ(fx.feed(v4_fragment(dg, 0, 16)), DecodeStatus::fragment_held);
  EXPECT_EQ(fx.feed(v4_fragment(forged, 8, 24)), DecodeStatus::fragment_held);  // [8,16) differs; [16,24) new
  EXPECT_TRUE(fx.packet.has(DecodeAnomaly::fragment_overlap));
  EXPECT_EQ(fx.feed(v4_fragment(dg, 16, 32)), DecodeStatus::fragment_held);  // [16,24) differs from the forged copy
  ASSERT_EQ(fx.feed(v4_fragment(dg, 32, 48)), DecodeStatus::transport);
  EXPECT_EQ(fx.count(DecodeAnomaly::fragment_overlap), 2u);
  const auto& payload = fx.packet.payload;  // UDP payload starts at datagram byte 8
  EXPECT_EQ(payload[0], std::byte{'A'});    // byte 8: first copy (original)
  EXPECT_EQ(payload[8], std::byte{'Z'});    // byte 16: first copy (forged)
  EXPECT_EQ(payload[16], dg[24]);
  EXPECT_TRUE(fx.packet.has(DecodeAnomaly::bad_udp_checksum));
}

TEST(Fragments, ConflictingEndsAreOverlaps) {
  const ByteVec dg = hex(kUdpDatagram);
  Fixture fx;
  fx.feed(v4_fragment(dg, 32, 48));
  // A second "last" fragment that ends elsewhere (at 40 rather than 48).
  const ByteVec other_last =
      test::concat({test::ethernet(0x0800), test::ipv4_header(kA, kB, 17, 8, 7, 32, false), slice(dg, 32, 40)});
  EXPECT_EQ(fx.feed(other_last), DecodeStatus::fragment_held);
  EXPECT_TRUE(fx.packet.has(DecodeAnomaly::fragment_overlap));
  fx.feed(v4_fragment(dg, 0, 16));
  ASSERT_EQ(fx.feed(v4_fragment(dg, 16, 32)), DecodeStatus::transport);
  expect_whole_datagram(fx.packet, dg);
}

TEST(Fragments, TimeoutDropsTheDatagram) {
  const ByteVec dg = hex(kUdpDatagram);
  Fixture fx;
  fx.feed(v4_fragment(dg, 0, 16), 0);
  EXPECT_EQ(fx.feed(v4_fragment(dg, 16, 32), 31 * kSecond), DecodeStatus::fragment_held);
  EXPECT_EQ(fx.count(DecodeAnomaly::fragment_timeout), 1u);
  // The first fragment is gone: the last one does not complete the datagram.
  EXPECT_EQ(fx.feed(v4_fragment(dg, 32, 48), 32 * kSecond), DecodeStatus::fragment_held);
  fx.decoder.expire(core::Timestamp{100 * kSecond});
  EXPECT_EQ(fx.count(DecodeAnomaly::fragment_timeout), 2u);
  EXPECT_EQ(fx.decoder.fragment_datagrams_held(), 0u);
}

TEST(Fragments, TimeoutNoticedOnOrdinaryTraffic) {
  const ByteVec dg = hex(kUdpDatagram);
  Fixture fx;
  fx.feed(v4_fragment(dg, 0, 16), 0);
  const ByteVec whole = test::concat({test::ethernet(0x0800), test::ipv4_header(kA, kB, 17, dg.size()), dg});
  EXPECT_EQ(fx.feed(whole, 40 * kSecond), DecodeStatus::transport);
  EXPECT_EQ(fx.count(DecodeAnomaly::fragment_timeout), 1u);
  EXPECT_EQ(fx.decoder.fragment_datagrams_held(), 0u);
}

TEST(Fragments, DatagramCapEvictsOldest) {
  const ByteVec dg = hex(kUdpDatagram);
  Fixture fx(DecoderLimits{.max_fragment_datagrams = 2});
  fx.feed(v4_fragment(dg, 0, 16, 1));
  fx.feed(v4_fragment(dg, 0, 16, 2));
  EXPECT_EQ(fx.feed(v4_fragment(dg, 0, 16, 3)), DecodeStatus::fragment_held);
  EXPECT_TRUE(fx.packet.has(DecodeAnomaly::fragment_table_full));
  EXPECT_EQ(fx.decoder.fragment_datagrams_held(), 2u);
  fx.feed(v4_fragment(dg, 16, 32, 1));
  EXPECT_EQ(fx.feed(v4_fragment(dg, 32, 48, 1)), DecodeStatus::fragment_held);  // id 1 was evicted
  fx.feed(v4_fragment(dg, 16, 32, 3));
  EXPECT_EQ(fx.feed(v4_fragment(dg, 32, 48, 3)), DecodeStatus::transport);
  EXPECT_LE(fx.decoder.fragment_datagrams_held(), 2u);
}

TEST(Fragments, ByteCapEvictsThenRefuses) {
  // Each datagram's buffer holds 60 bytes of header room and its data; the cap counts both.
  const ByteVec dg = hex(kUdpDatagram);
  Fixture fx(DecoderLimits{.max_fragment_bytes = 200});
  fx.feed(v4_fragment(dg, 0, 16, 1));
  EXPECT_EQ(fx.decoder.fragment_bytes_held(), 200u);
  EXPECT_EQ(fx.feed(v4_fragment(dg, 0, 16, 2)), DecodeStatus::fragment_held);
  EXPECT_TRUE(fx.packet.has(DecodeAnomaly::fragment_table_full));
  EXPECT_EQ(fx.decoder.fragment_datagrams_held(), 1u);
  EXPECT_LE(fx.decoder.fragment_bytes_held(), 200u);
  // A datagram that alone needs more than the cap.
  ByteVec big(300, std::byte{1});
  EXPECT_EQ(fx.feed(v4_fragment(big, 96, 160, 9)), DecodeStatus::anomaly);
  EXPECT_EQ(fx.decoder.last_anomaly(), DecodeAnomaly::fragment_too_large);
}

TEST(Fragments, OldestDatagramGrowingEvictsNewerOnes) {
  // Found by fuzzing: the byte cap must hold when the datagram that grows is the oldest one.
  ByteVec big(4000, std::byte{7});
  Fixture fx(DecoderLimits{.max_fragment_bytes = 4200});
  fx.feed(v4_fragment(big, 0, 8, 1));  // 2048-byte buffer
  fx.feed(v4_fragment(big, 0, 8, 2));  // 2048-byte buffer
  EXPECT_EQ(fx.decoder.fragment_bytes_held(), 4096u);
  EXPECT_EQ(fx.feed(v4_fragment(big, 2000, 2008, 1)), DecodeStatus::fragment_held);  // id 1 needs 4096
  EXPECT_TRUE(fx.packet.has(DecodeAnomaly::fragment_table_full));
  EXPECT_EQ(fx.decoder.fragment_datagrams_held(), 1u);
  EXPECT_LE(fx.decoder.fragment_bytes_held(), 4200u);
}

TEST(Fragments, PastSixtyFourKibibytes) {
  const ByteVec data(16, std::byte{0});
  Fixture fx;
  const ByteVec f = test::concat({test::ethernet(0x0800), test::ipv4_header(kA, kB, 17, 16, 5, 65528, false), data});
  EXPECT_EQ(fx.feed(f), DecodeStatus::anomaly);
  EXPECT_EQ(fx.decoder.last_anomaly(), DecodeAnomaly::fragment_too_large);
  EXPECT_EQ(fx.decoder.fragment_datagrams_held(), 0u);
}

TEST(Fragments, TooManyFragments) {
  const ByteVec dg = hex(kUdpDatagram);
  Fixture fx(DecoderLimits{.max_fragments_per_datagram = 2});
  fx.feed(v4_fragment(dg, 0, 8));
  fx.feed(v4_fragment(dg, 8, 16));
  EXPECT_EQ(fx.feed(v4_fragment(dg, 16, 24)), DecodeStatus::anomaly);
  EXPECT_EQ(fx.decoder.last_anomaly(), DecodeAnomaly::too_many_fragments);
  EXPECT_EQ(fx.decoder.fragment_datagrams_held(), 0u);
}

TEST(Fragments, ReassemblyDisabledByZeroCap) {
  const ByteVec dg = hex(kUdpDatagram);
  Fixture fx(DecoderLimits{.max_fragment_datagrams = 0});
  EXPECT_EQ(fx.feed(v4_fragment(dg, 0, 16)), DecodeStatus::anomaly);
  EXPECT_EQ(fx.decoder.last_anomaly(), DecodeAnomaly::fragment_table_full);
}

TEST(Fragments, SnaplenCutFragmentIsNotStored) {
  const ByteVec dg = hex(kUdpDatagram);
  Fixture fx;
  ByteVec f = v4_fragment(dg, 0, 16);
  f.resize(f.size() - 4);
  fx.keep.push_back(f);
  EXPECT_EQ(fx.decoder.decode(raw(fx.keep.back(), 1, 0, 1, static_cast<std::uint32_t>(f.size() + 4)), fx.packet),
            DecodeStatus::anomaly);
  EXPECT_EQ(fx.decoder.last_anomaly(), DecodeAnomaly::snaplen_truncated);
  EXPECT_EQ(fx.decoder.fragment_datagrams_held(), 0u);
}

// IPv6: the same datagram with a checksum for the IPv6 pseudo-header, in three fragments.
ByteVec v6_fragment(const ByteVec& datagram, std::size_t from, std::size_t to, std::uint32_t id = 0x01020304) {
  const bool more = to < datagram.size();
  return test::concat(
      {test::ethernet(0x86dd), test::ipv6_fragment_header(kA6, kB6, 17, to - from, id, from, more), slice(datagram, from, to)});
}

TEST(Fragments, Ipv6ReassemblyInEveryOrder) {
  ByteVec dg = hex(kUdpDatagram);
  test::fix_l4_checksum(dg, 17, kA6, kB6);
  std::array<int, 3> order{0, 1, 2};
  do {
    Fixture fx;
    DecodeStatus last = DecodeStatus::anomaly;
    for (int i : order) last = fx.feed(v6_fragment(dg, 16 * static_cast<std::size_t>(i), 16 * static_cast<std::size_t>(i) + 16));
    ASSERT_EQ(last, DecodeStatus::transport);
    expect_whole_datagram(fx.packet, dg);
    EXPECT_EQ(fx.packet.ip_proto, 17);
    EXPECT_EQ(fx.packet.src_ip.to_string(), "2001:db8::1");
    EXPECT_EQ(fx.decoder.counters().ipv6_fragments, 3u);
    EXPECT_EQ(fx.decoder.counters().anomaly_total(), 0u);
    ByteVec rebuilt(fx.packet.ip_packet.begin(), fx.packet.ip_packet.end());
    ASSERT_EQ(rebuilt.size(), 40u + dg.size());
    DecodedPacket p;
    Decoder again;
    ASSERT_EQ(again.decode(raw(rebuilt, 229), p), DecodeStatus::transport);
    EXPECT_EQ(p.anomalies, 0u);
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(Fragments, Ipv6AndIpv4DoNotMix) {
  ByteVec dg = hex(kUdpDatagram);
  Fixture fx;
  fx.feed(v4_fragment(dg, 0, 16));
  fx.feed(v6_fragment(dg, 16, 32));
  EXPECT_EQ(fx.decoder.fragment_datagrams_held(), 2u);
}

}  // namespace
}  // namespace normwatch::decode
