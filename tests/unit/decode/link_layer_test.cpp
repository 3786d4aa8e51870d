// Link layers: Ethernet II and 802.3, 802.1Q/QinQ tags, Linux SLL/SLL2, BSD loopback (both byte
// orders), raw IP link types, and what each does with frames too short for its header.
#include <gtest/gtest.h>

#include "decode/decode_helpers.hpp"
#include "normwatch/decode/decoder.hpp"

namespace normwatch::decode {
namespace {

using test::ByteVec;
using test::hex;
using test::raw;

// 10.0.0.1:50000 -> 10.0.0.2:502, PSH|ACK, 2 payload bytes "ab cd"; checksums valid.
const char* const kIpv4Tcp =
    "45 00 00 2a 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02"  // IPv4, total length 42
    "c3 50 01 f6 00 00 03 e9 00 00 07 d1 50 18 20 00 fe f9 00 00"  // TCP 50000 -> 502
    "ab cd";                                                        // payload
// [2001:db8::1]:50000 -> [2001:db8::2]:502, PSH|ACK, payload "01 02".
const char* const kIpv6Tcp =
    "60 00 00 00 00 16 06 40"
    "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"
    "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "c3 50 01 f6 00 00 00 07 00 00 00 09 50 18 20 00 6d fd 00 00 01 02";

void expect_ipv4_tcp(const DecodedPacket& p) {
  EXPECT_EQ(p.src_ip.to_string(), "10.0.0.1");
  EXPECT_EQ(p.dst_ip.to_string(), "10.0.0.2");
  EXPECT_EQ(p.src_port, 50000);
  EXPECT_EQ(p.dst_port, 502);
  EXPECT_EQ(p.transport, Transport::tcp);
  ASSERT_EQ(p.payload.size(), 2u);
  EXPECT_EQ(p.payload[0], std::byte{0xab});
  EXPECT_EQ(p.anomalies, 0u);
}

DecodeStatus run(const ByteVec& bytes, int link, DecodedPacket& out, Decoder& d) {
  return d.decode(raw(bytes, link), out);
}

TEST(LinkLayer, EthernetIpv4Tcp) {
  const ByteVec f = test::concat({test::ethernet(0x0800), hex(kIpv4Tcp)});
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(run(f, 1, p, d), DecodeStatus::transport);
  expect_ipv4_tcp(p);
  EXPECT_TRUE(p.has_mac);
  EXPECT_EQ(p.src_mac[5], 0x01);
  EXPECT_EQ(p.dst_mac[5], 0x02);
  EXPECT_EQ(p.ethertype, 0x0800);
  EXPECT_EQ(p.vlan_depth, 0);
  EXPECT_EQ(d.counters().ipv4, 1u);
  EXPECT_EQ(d.counters().tcp, 1u);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::kCount);
}

TEST(LinkLayer, EthernetPaddingIsNotPayload) {
  // A 60-byte minimum frame: 14 + 42 + 4 bytes of padding that must not become TCP payload.
  const ByteVec f = test::concat({test::ethernet(0x0800), hex(kIpv4Tcp), hex("00 00 00 00")});
  ASSERT_EQ(f.size(), 60u);
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(run(f, 1, p, d), DecodeStatus::transport);
  expect_ipv4_tcp(p);
  EXPECT_EQ(p.ip_packet.size(), 42u);
  EXPECT_EQ(p.ip_packet.data(), f.data() + 14);
}

TEST(LinkLayer, SingleVlanTag) {
  const ByteVec f = test::concat({test::ethernet(0x8100), hex("20 64 08 00"), hex(kIpv4Tcp)});  // PCP 1, VID 100
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(run(f, 1, p, d), DecodeStatus::transport);
  expect_ipv4_tcp(p);
  EXPECT_EQ(p.vlan_depth, 1);
  EXPECT_EQ(p.vlan_outer, 100);
  EXPECT_EQ(p.vlan_inner, 0);
  EXPECT_EQ(p.ethertype, 0x0800);
}

TEST(LinkLayer, QinQOuterAndInner) {
  const ByteVec f = test::concat({test::ethernet(0x88a8), hex("00 0a 81 00  00 14 86 dd"), hex(kIpv6Tcp)});
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(run(f, 1, p, d), DecodeStatus::transport);
  EXPECT_EQ(p.vlan_depth, 2);
  EXPECT_EQ(p.vlan_outer, 10);
  EXPECT_EQ(p.vlan_inner, 20);
  EXPECT_EQ(p.src_ip.to_string(), "2001:db8::1");
  EXPECT_EQ(p.dst_port, 502);
}

TEST(LinkLayer, ThreeTagsFollowedFourRefused) {
  const ByteVec three = test::concat({test::ethernet(0x9100), hex("00 01 88 a8  00 02 81 00  00 03 08 00"), hex(kIpv4Tcp)});
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(run(three, 1, p, d), DecodeStatus::transport);
  EXPECT_EQ(p.vlan_depth, 3);
  EXPECT_EQ(p.vlan_outer, 1);
  EXPECT_EQ(p.vlan_inner, 2);

  const ByteVec four =
      test::concat({test::ethernet(0x8100), hex("00 01 81 00  00 02 81 00  00 03 81 00  00 04 08 00"), hex(kIpv4Tcp)});
  ASSERT_EQ(run(four, 1, p, d), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::too_many_vlan_tags);
}

TEST(LinkLayer, TruncatedVlanTag) {
  const ByteVec f = test::concat({test::ethernet(0x8100), hex("00 64")});
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(run(f, 1, p, d), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::truncated_vlan);
  EXPECT_EQ(d.counters().anomalies[static_cast<std::size_t>(DecodeAnomaly::truncated_vlan)], 1u);
}

TEST(LinkLayer, NonIpEthertypesAndLlc) {
  Decoder d;
  DecodedPacket p;
  const ByteVec arp = test::concat({test::ethernet(0x0806), hex("00 01 08 00 06 04 00 01")});
  EXPECT_EQ(run(arp, 1, p, d), DecodeStatus::not_ip);
  EXPECT_EQ(p.ethertype, 0x0806);
  const ByteVec goose = test::concat({test::ethernet(0x8100), hex("00 05 88 b8 00 01 00 10")});  // IEC 61850 GOOSE
  EXPECT_EQ(run(goose, 1, p, d), DecodeStatus::not_ip);
  EXPECT_EQ(p.ethertype, 0x88b8);
  EXPECT_EQ(p.vlan_outer, 5);
  const ByteVec stp = test::concat({test::ethernet(0x0026), hex("42 42 03 00 00 00 00")});  // 802.3 length + LLC
  EXPECT_EQ(run(stp, 1, p, d), DecodeStatus::not_ip);
  EXPECT_EQ(d.counters().not_ip, 3u);
  EXPECT_EQ(d.counters().anomaly_total(), 0u);
}

TEST(LinkLayer, EthertypeAndVersionDisagree) {
  const ByteVec f = test::concat({test::ethernet(0x86dd), hex(kIpv4Tcp)});
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(run(f, 1, p, d), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_ip_version);
}

TEST(LinkLayer, LinuxSll) {
  // packet type 0 (to us), ARPHRD_ETHER, address length 6, address, protocol 0x0800.
  const ByteVec f = test::concat({hex("00 00 00 01 00 06 02 00 00 00 00 01 00 00 08 00"), hex(kIpv4Tcp)});
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(run(f, 113, p, d), DecodeStatus::transport);
  expect_ipv4_tcp(p);
  EXPECT_FALSE(p.has_mac);
  // VLAN tag re-inserted by libpcap after a cooked header.
  const ByteVec tagged = test::concat({hex("00 00 00 01 00 06 02 00 00 00 00 01 00 00 81 00  00 07 08 00"), hex(kIpv4Tcp)});
  ASSERT_EQ(run(tagged, 113, p, d), DecodeStatus::transport);
  EXPECT_EQ(p.vlan_outer, 7);
  // Netlink monitor frames are not IP whatever their protocol field says.
  const ByteVec netlink = test::concat({hex("00 04 03 38 00 00 00 00 00 00 00 00 00 00 08 00"), hex(kIpv4Tcp)});
  EXPECT_EQ(run(netlink, 113, p, d), DecodeStatus::not_ip);
}

TEST(LinkLayer, LinuxSll2) {
  // protocol 0x86dd, reserved, ifindex 2, ARPHRD_ETHER, packet type 4 (outgoing), address length 6.
  const ByteVec f = test::concat({hex("86 dd 00 00 00 00 00 02 00 01 04 06 02 00 00 00 00 01 00 00"), hex(kIpv6Tcp)});
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(run(f, 276, p, d), DecodeStatus::transport);
  EXPECT_EQ(p.dst_ip.to_string(), "2001:db8::2");
  EXPECT_EQ(p.payload.size(), 2u);
  EXPECT_EQ(p.ethertype, 0x86dd);
}

TEST(LinkLayer, BsdLoopbackBothByteOrders) {
  Decoder d;
  DecodedPacket p;
  const ByteVec little = test::concat({hex("02 00 00 00"), hex(kIpv4Tcp)});  // AF_INET written little-endian
  ASSERT_EQ(run(little, 0, p, d), DecodeStatus::transport);
  expect_ipv4_tcp(p);
  const ByteVec big = test::concat({hex("00 00 00 02"), hex(kIpv4Tcp)});  // written by a big-endian host
  ASSERT_EQ(run(big, 0, p, d), DecodeStatus::transport);
  expect_ipv4_tcp(p);
  for (const char* family : {"18 00 00 00", "1c 00 00 00", "1e 00 00 00", "17 00 00 00", "00 00 00 1e"}) {
    const ByteVec v6 = test::concat({hex(family), hex(kIpv6Tcp)});
    EXPECT_EQ(run(v6, 0, p, d), DecodeStatus::transport) << family;
  }
  const ByteVec unknown = test::concat({hex("07 00 00 00"), hex(kIpv4Tcp)});
  EXPECT_EQ(run(unknown, 0, p, d), DecodeStatus::not_ip);
}

TEST(LinkLayer, OpenBsdLoopIsNetworkOrder) {
  Decoder d;
  DecodedPacket p;
  const ByteVec v4 = test::concat({hex("00 00 00 02"), hex(kIpv4Tcp)});
  ASSERT_EQ(run(v4, 108, p, d), DecodeStatus::transport);
  expect_ipv4_tcp(p);
  const ByteVec v6 = test::concat({hex("00 00 00 18"), hex(kIpv6Tcp)});
  ASSERT_EQ(run(v6, 108, p, d), DecodeStatus::transport);
  const ByteVec swapped = test::concat({hex("02 00 00 00"), hex(kIpv4Tcp)});
  EXPECT_EQ(run(swapped, 108, p, d), DecodeStatus::not_ip);
}

TEST(LinkLayer, RawIpByVersionNibble) {
  Decoder d;
  DecodedPacket p;
  const ByteVec v4 = hex(kIpv4Tcp);
  const ByteVec v6 = hex(kIpv6Tcp);
  for (int link : {12, 14, 101}) {
    ASSERT_EQ(run(v4, link, p, d), DecodeStatus::transport) << link;
    expect_ipv4_tcp(p);
    EXPECT_EQ(p.ethertype, 0x0800);
    ASSERT_EQ(run(v6, link, p, d), DecodeStatus::transport) << link;
    EXPECT_TRUE(p.src_ip.is_v6());
  }
  EXPECT_EQ(run(hex("50 00 00 14"), 12, p, d), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_ip_version);
}

TEST(LinkLayer, RawIpv4AndIpv6LinkTypesCheckTheVersion) {
  Decoder d;
  DecodedPacket p;
  EXPECT_EQ(run(hex(kIpv4Tcp), 228, p, d), DecodeStatus::transport);
  EXPECT_EQ(run(hex(kIpv6Tcp), 229, p, d), DecodeStatus::transport);
  EXPECT_EQ(run(hex(kIpv6Tcp), 228, p, d), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_ip_version);
  EXPECT_EQ(run(hex(kIpv4Tcp), 229, p, d), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_ip_version);
}

TEST(LinkLayer, ShortFramesAreTruncatedLink) {
  Decoder d;
  DecodedPacket p;
  const struct {
    int link;
    const char* bytes;
  } cases[] = {{1, "02 00 00 00 00 02 02 00 00 00 00 01 08"}, {113, "00 00 00 01 00 06 02 00 00 00 00 01 00 00 08"},
               {276, "86 dd 00 00 00 00 00 02 00 01 04 06 02 00 00 00 00 01 00"}, {0, "02 00 00"}, {108, "00"}, {12, ""}};
  for (const auto& c : cases) {
    EXPECT_EQ(run(hex(c.bytes), c.link, p, d), DecodeStatus::anomaly) << c.link;
    EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::truncated_link) << c.link;
  }
}

TEST(LinkLayer, UnsupportedLinkType) {
  Decoder d;
  DecodedPacket p;
  EXPECT_EQ(run(hex(kIpv4Tcp), 105, p, d), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::unsupported_link_type);
  EXPECT_TRUE(p.has(DecodeAnomaly::unsupported_link_type));
}

TEST(LinkLayer, EveryDecodableLinkTypeIsDecoded) {
  Decoder d;
  DecodedPacket p;
  for (int link : capture::kDecodableLinkTypes) {
    d.decode(raw(hex(""), link), p);
    EXPECT_NE(d.last_anomaly(), DecodeAnomaly::unsupported_link_type) << link;
  }
}

}  // namespace
}  // namespace normwatch::decode
