// IPv6: fixed header, extension-header chain (hop-by-hop, destination options, routing, AH),
// ESP and no-next-header, malformed chains, payload length and padding.
#include <gtest/gtest.h>

#include "decode/decode_helpers.hpp"
#include "normwatch/decode/decoder.hpp"

namespace normwatch::decode {
namespace {

using test::ByteVec;
using test::hex;
using test::raw;

const char* const kAddresses =
    "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"
    "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02";
const char* const kTcpSegment = "c3 50 01 f6 00 00 00 07 00 00 00 09 50 18 20 00 6d fd 00 00 01 02";

// IPv6 frame over Ethernet: "60 00 00 00 <payload length> <next header> 40" + addresses + rest.
ByteVec v6(const char* len_and_next, const char* rest) {
  return test::concat({test::ethernet(0x86dd), hex("60 00 00 00"), hex(len_and_next), hex("40"), hex(kAddresses), hex(rest)});
}

TEST(Ipv6, PlainTcpWithPaddingTrimmed) {
  ByteVec f = v6("00 16 06", kTcpSegment);
  f.resize(f.size() + 6);  // trailing bytes beyond the payload length
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_EQ(p.src_ip.to_string(), "2001:db8::1");
  EXPECT_EQ(p.ttl, 64);
  EXPECT_EQ(p.payload.size(), 2u);
  EXPECT_EQ(p.anomalies, 0u);
  EXPECT_EQ(d.counters().ipv6, 1u);
}

TEST(Ipv6, ExtensionHeaderChain) {
  // hop-by-hop (-> dest opts) / dest opts (-> routing) / routing type 0, 0 left (-> AH) /
  // AH, 24 bytes (-> TCP) / TCP. Payload length 8 + 8 + 8 + 24 + 22 = 70.
  const ByteVec f = v6("00 46 00",
                       "3c 00 01 04 00 00 00 00"
                       "2b 00 01 04 00 00 00 00"
                       "33 00 00 00 00 00 00 00"
                       "06 04 00 00 00 00 01 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00"
                       "c3 50 01 f6 00 00 00 07 00 00 00 09 50 18 20 00 6d fd 00 00 01 02");
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_EQ(p.ip_proto, 6);
  EXPECT_EQ(p.dst_port, 502);
  EXPECT_EQ(p.payload.size(), 2u);
  EXPECT_EQ(p.anomalies, 0u);
}

TEST(Ipv6, EspAndNoNextHeaderStop) {
  Decoder d;
  DecodedPacket p;
  EXPECT_EQ(d.decode(raw(v6("00 08 32", "00 00 01 00 00 00 00 01")), p), DecodeStatus::network_only);
  EXPECT_EQ(p.ip_proto, 50);
  EXPECT_EQ(d.decode(raw(v6("00 08 00", "3b 00 01 04 00 00 00 00")), p), DecodeStatus::network_only);
  EXPECT_EQ(p.ip_proto, 59);
  EXPECT_EQ(d.counters().other_ip, 2u);
}

TEST(Ipv6, ExtensionRunningPastPacket) {
  Decoder d;
  DecodedPacket p;
  // Hop-by-hop claims (10 + 1) * 8 bytes; the payload holds 8.
  EXPECT_EQ(d.decode(raw(v6("00 08 00", "06 0a 01 04 00 00 00 00")), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_ipv6_extension);
  // Payload too short for any extension header.
  EXPECT_EQ(d.decode(raw(v6("00 04 3c", "06 00 01 02")), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_ipv6_extension);
}

TEST(Ipv6, EndlessChainIsCut) {
  std::string chain;
  for (int i = 0; i < 20; ++i) chain += "3c 00 01 04 00 00 00 00 ";
  const ByteVec f = v6("00 a0 3c", chain.c_str());
  Decoder d;
  DecodedPacket p;
  EXPECT_EQ(d.decode(raw(f), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_ipv6_extension);
}

TEST(Ipv6, AtomicFragmentIsDecodedDirectly) {
  // Fragment header with offset 0 and M clear (RFC 6946): not a real fragment.
  const ByteVec f = v6("00 1e 2c", "06 00 00 00 00 00 00 2a  c3 50 01 f6 00 00 00 07 00 00 00 09 50 18 20 00 6d fd 00 00 01 02");
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_EQ(p.payload.size(), 2u);
  EXPECT_EQ(d.counters().fragments, 0u);
}

TEST(Ipv6, TruncatedAndOverlongPayloadLength) {
  Decoder d;
  DecodedPacket p;
  const ByteVec short_header = test::concat({test::ethernet(0x86dd), hex("60 00 00 00 00 16 06 40 20 01")});
  EXPECT_EQ(d.decode(raw(short_header), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::truncated_ipv6);
  EXPECT_EQ(d.decode(raw(v6("00 40 06", kTcpSegment)), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::truncated_ipv6);
}

TEST(Ipv6, WrongVersionNibble) {
  ByteVec f = v6("00 16 06", kTcpSegment);
  f[14] = std::byte{0x40};
  Decoder d;
  DecodedPacket p;
  EXPECT_EQ(d.decode(raw(f), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_ip_version);
}

TEST(Ipv6, UdpChecksumZeroIsAnAnomaly) {
  // RFC 8200 §8.1: a zero UDP checksum is not allowed over IPv6.
  const ByteVec f = v6("00 0e 11", "09 64 09 64 00 0e 00 00 68 04 43 00 00 00");
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_TRUE(p.has(DecodeAnomaly::bad_udp_checksum));
  const ByteVec good = v6("00 0e 11", "09 64 09 64 00 0e e6 90 68 04 43 00 00 00");
  ASSERT_EQ(d.decode(raw(good), p), DecodeStatus::transport);
  EXPECT_EQ(p.anomalies, 0u);
  EXPECT_EQ(p.dst_port, 2404);
}

}  // namespace
}  // namespace normwatch::decode
