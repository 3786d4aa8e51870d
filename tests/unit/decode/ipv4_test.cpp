// IPv4 header: options, total length (padding, TSO), header checksum, version/IHL checks,
// snaplen truncation, other transports.
#include <gtest/gtest.h>

#include "decode/decode_helpers.hpp"
#include "normwatch/decode/decoder.hpp"

namespace normwatch::decode {
namespace {

using test::ByteVec;
using test::hex;
using test::raw;

const char* const kTcpSegment = "c3 50 01 f6 00 00 03 e9 00 00 07 d1 50 18 20 00 fe f9 00 00 ab cd";

ByteVec eth_ip(const char* ip_header, const char* rest = kTcpSegment) {
  return test::concat({test::ethernet(0x0800), hex(ip_header), hex(rest)});
}

TEST(Ipv4, HeaderWithOptions) {
  // IHL 6: a router-alert option (94 04 00 00) before the TCP header.
  const ByteVec f = eth_ip("46 00 00 2e 12 34 40 00 40 06 7f 8f 0a 00 00 01 0a 00 00 02  94 04 00 00");
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_EQ(p.dst_port, 502);
  EXPECT_EQ(p.payload.size(), 2u);
  EXPECT_EQ(p.ttl, 64);
  EXPECT_EQ(p.ip_proto, 6);
  EXPECT_EQ(p.anomalies, 0u);
}

TEST(Ipv4, HeaderLengthBelowFive) {
  const ByteVec f = eth_ip("44 00 00 2a 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02");
  Decoder d;
  DecodedPacket p;
  EXPECT_EQ(d.decode(raw(f), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_ipv4_header_length);
}

TEST(Ipv4, HeaderLengthPastFrame) {
  const ByteVec f = eth_ip("4f 00 00 2a 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02", "");
  Decoder d;
  DecodedPacket p;
  EXPECT_EQ(d.decode(raw(f), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::truncated_ipv4);
}

TEST(Ipv4, ShorterThanMinimumHeader) {
  const ByteVec f = test::concat({test::ethernet(0x0800), hex("45 00 00 2a 12 34 40 00 40 06")});
  Decoder d;
  DecodedPacket p;
  EXPECT_EQ(d.decode(raw(f), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::truncated_ipv4);
}

TEST(Ipv4, TotalLengthBelowHeaderOrPastFrame) {
  Decoder d;
  DecodedPacket p;
  const ByteVec small = eth_ip("45 00 00 10 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02");
  EXPECT_EQ(d.decode(raw(small), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_ipv4_total_length);
  const ByteVec big = eth_ip("45 00 00 50 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02");
  EXPECT_EQ(d.decode(raw(big), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_ipv4_total_length);
}

TEST(Ipv4, TotalLengthZeroIsSegmentationOffload) {
  const ByteVec f = eth_ip("45 00 00 00 12 34 40 00 40 06 14 c2 0a 00 00 01 0a 00 00 02");
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_EQ(p.payload.size(), 2u);
}

TEST(Ipv4, BadHeaderChecksumIsCountedNotFatal) {
  const ByteVec f = eth_ip("45 00 00 2a 12 34 40 00 40 06 00 00 0a 00 00 01 0a 00 00 02");
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_TRUE(p.has(DecodeAnomaly::bad_ipv4_checksum));
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_ipv4_checksum);
  EXPECT_EQ(d.counters().anomalies[static_cast<std::size_t>(DecodeAnomaly::bad_ipv4_checksum)], 1u);

  Decoder quiet(DecoderLimits{.verify_checksums = false});
  ASSERT_EQ(quiet.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_EQ(p.anomalies, 0u);
}

TEST(Ipv4, SnaplenCutPayload) {
  // Captured 14 + 20 + 20 + 1 bytes of a 60-byte frame: one payload byte is missing.
  const ByteVec full = eth_ip("45 00 00 2a 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02");
  const ByteVec cut(full.begin(), full.begin() + 55);
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(cut, 1, 0, 1, 60), p), DecodeStatus::transport);
  EXPECT_TRUE(p.payload_truncated);
  EXPECT_EQ(p.payload.size(), 1u);
  EXPECT_TRUE(p.has(DecodeAnomaly::snaplen_truncated));
  EXPECT_FALSE(p.has(DecodeAnomaly::bad_tcp_checksum));  // not verifiable, so not verified
  EXPECT_EQ(d.counters().anomalies[static_cast<std::size_t>(DecodeAnomaly::snaplen_truncated)], 1u);
}

TEST(Ipv4, SnaplenCutInsideTcpHeaderBlamesTheCapture) {
  const ByteVec full = eth_ip("45 00 00 2a 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02");
  const ByteVec cut(full.begin(), full.begin() + 40);
  Decoder d;
  DecodedPacket p;
  EXPECT_EQ(d.decode(raw(cut, 1, 0, 1, 60), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::snaplen_truncated);
  EXPECT_EQ(d.counters().anomalies[static_cast<std::size_t>(DecodeAnomaly::truncated_tcp)], 0u);
  EXPECT_EQ(p.src_ip.to_string(), "10.0.0.1");  // what was decoded stays set
}

TEST(Ipv4, OtherTransportIsNetworkOnly) {
  const ByteVec f = eth_ip("45 00 00 1c 12 34 40 00 40 01 14 ab 0a 00 00 01 0a 00 00 02", "08 00 f7 fd 00 01 00 01");
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::network_only);
  EXPECT_EQ(p.ip_proto, 1);
  EXPECT_EQ(p.transport, Transport::other);
  EXPECT_EQ(p.src_port, 0);
  EXPECT_EQ(d.counters().other_ip, 1u);
}

}  // namespace
}  // namespace normwatch::decode
