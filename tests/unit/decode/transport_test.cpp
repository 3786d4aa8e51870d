// TCP (data offset, options, window scale, checksum) and UDP (length, checksum) over IPv4.
#include <gtest/gtest.h>

#include "decode/decode_helpers.hpp"
#include "normwatch/decode/decoder.hpp"

namespace normwatch::decode {
namespace {

using test::ByteVec;
using test::hex;
using test::raw;

const core::IpAddress kA = test::ip("10.0.0.1");
const core::IpAddress kB = test::ip("10.0.0.2");

// Ethernet + IPv4 + `segment`, with the segment's checksum made valid unless told otherwise.
ByteVec frame(std::uint8_t proto, ByteVec segment, bool fix = true, std::size_t ip_payload = 0) {
  if (fix) test::fix_l4_checksum(segment, proto, kA, kB);
  const std::size_t len = ip_payload != 0 ? ip_payload : segment.size();
  return test::concat({test::ethernet(0x0800), test::ipv4_header(kA, kB, proto, len), segment});
}

std::size_t count(const Decoder& d, DecodeAnomaly a) { return d.counters().anomalies[static_cast<std::size_t>(a)]; }

TEST(Tcp, SynOptionsGiveWindowScale) {
  // SYN, data offset 10: MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
  const ByteVec f = frame(6, hex("c3 50 01 f6 00 00 03 e8 00 00 00 00 a0 02 20 00 00 00 00 00"
                                 "02 04 05 b4 04 02 08 0a 00 00 00 01 00 00 00 00 01 03 03 07"));
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_EQ(p.tcp.flags, tcp_flags::kSyn);
  EXPECT_EQ(p.tcp.seq, 1000u);
  EXPECT_EQ(p.tcp.window, 8192);
  EXPECT_TRUE(p.tcp.has_window_scale);
  EXPECT_EQ(p.tcp.window_scale, 7);
  EXPECT_TRUE(p.payload.empty());
  EXPECT_EQ(p.anomalies, 0u);
}

TEST(Tcp, WindowScaleOutsideSynIsIgnored) {
  const ByteVec f = frame(6, hex("c3 50 01 f6 00 00 03 e8 00 00 00 01 60 10 20 00 00 00 00 00  01 03 03 07"));
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_FALSE(p.tcp.has_window_scale);
  EXPECT_EQ(p.tcp.ack, 1u);
}

TEST(Tcp, WindowScaleAbove14IsCapped) {
  const ByteVec f = frame(6, hex("c3 50 01 f6 00 00 03 e8 00 00 00 00 60 02 20 00 00 00 00 00  03 03 1e 00"));
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_EQ(p.tcp.window_scale, 14);
  EXPECT_TRUE(p.has(DecodeAnomaly::bad_tcp_option));
}

TEST(Tcp, BadOptionLengths) {
  Decoder d;
  DecodedPacket p;
  for (const char* options : {"02 00 00 00", "02 04 05 b4 08 0a 00 00", "01 01 01 02"}) {
    std::string seg = std::string("c3 50 01 f6 00 00 03 e8 00 00 00 00 ") + (std::string(options).size() > 12 ? "70" : "60") +
                      " 02 20 00 00 00 00 00 " + options;
    const ByteVec f = frame(6, hex(seg));
    ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport) << options;
    EXPECT_TRUE(p.has(DecodeAnomaly::bad_tcp_option)) << options;
  }
}

TEST(Tcp, DataOffsetChecks) {
  Decoder d;
  DecodedPacket p;
  const ByteVec small = frame(6, hex("c3 50 01 f6 00 00 03 e8 00 00 00 00 40 02 20 00 00 00 00 00"));
  EXPECT_EQ(d.decode(raw(small), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_tcp_data_offset);
  const ByteVec past = frame(6, hex("c3 50 01 f6 00 00 03 e8 00 00 00 00 f0 02 20 00 00 00 00 00 01 01 01 01"));
  EXPECT_EQ(d.decode(raw(past), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_tcp_data_offset);
}

TEST(Tcp, SegmentShorterThanHeader) {
  const ByteVec f = frame(6, hex("c3 50 01 f6 00 00 03 e8 00 00"), false);
  Decoder d;
  DecodedPacket p;
  EXPECT_EQ(d.decode(raw(f), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::truncated_tcp);
}

TEST(Tcp, BadChecksumCountedOnly) {
  const ByteVec f = frame(6, hex("c3 50 01 f6 00 00 03 e9 00 00 07 d1 50 18 20 00 12 34 00 00 ab cd"), false);
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_EQ(p.payload.size(), 2u);
  EXPECT_TRUE(p.has(DecodeAnomaly::bad_tcp_checksum));
  EXPECT_EQ(count(d, DecodeAnomaly::bad_tcp_checksum), 1u);
}

TEST(Udp, DatagramAndPayload) {
  const ByteVec f = frame(17, hex("4e 20 4e 20 00 0a 00 00  05 64"));
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_EQ(p.transport, Transport::udp);
  EXPECT_EQ(p.src_port, 20000);
  ASSERT_EQ(p.payload.size(), 2u);
  EXPECT_EQ(p.payload[1], std::byte{0x64});
  EXPECT_EQ(p.anomalies, 0u);
  EXPECT_EQ(d.counters().udp, 1u);
}

TEST(Udp, ZeroChecksumOverIpv4MeansNone) {
  const ByteVec f = frame(17, hex("4e 20 4e 20 00 0a 00 00  05 64"), false);
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_EQ(p.anomalies, 0u);
}

TEST(Udp, BadChecksumCountedOnly) {
  const ByteVec f = frame(17, hex("4e 20 4e 20 00 0a 12 34  05 64"), false);
  Decoder d;
  DecodedPacket p;
  ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport);
  EXPECT_TRUE(p.has(DecodeAnomaly::bad_udp_checksum));
}

TEST(Udp, LengthChecks) {
  Decoder d;
  DecodedPacket p;
  const ByteVec below_header = frame(17, hex("4e 20 4e 20 00 04 00 00  05 64"), false);
  EXPECT_EQ(d.decode(raw(below_header), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_udp_length);
  const ByteVec past_ip = frame(17, hex("4e 20 4e 20 00 20 00 00  05 64"), false);
  EXPECT_EQ(d.decode(raw(past_ip), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::bad_udp_length);
  // UDP length shorter than the IP payload: the UDP length wins (trailing bytes ignored).
  const ByteVec shorter = frame(17, hex("4e 20 4e 20 00 09 00 00  05 64"), false);
  ASSERT_EQ(d.decode(raw(shorter), p), DecodeStatus::transport);
  EXPECT_EQ(p.payload.size(), 1u);
  const ByteVec tiny = frame(17, hex("4e 20 4e 20"), false);
  EXPECT_EQ(d.decode(raw(tiny), p), DecodeStatus::anomaly);
  EXPECT_EQ(d.last_anomaly(), DecodeAnomaly::truncated_udp);
}

}  // namespace
}  // namespace normwatch::decode

namespace normwatch::decode {
namespace {

// The checksum code takes 32-, 16-, 8-, 4-, 2- and 1-byte steps: every UDP length from 8 to 200
// bytes verifies when right (reference sum from the test helper) and fails when one bit is off.
TEST(Udp, ChecksumVerifiedAtEveryLength) {
  Decoder d;
  DecodedPacket p;
  for (std::size_t payload = 0; payload <= 192; ++payload) {
    ByteVec segment = hex("4e 20 4e 20 00 00 00 00");
    segment[4] = static_cast<std::byte>((8 + payload) >> 8);
    segment[5] = static_cast<std::byte>(8 + payload);
    for (std::size_t i = 0; i < payload; ++i) segment.push_back(static_cast<std::byte>(0xa5 ^ (i * 37)));
    ByteVec f = frame(17, segment);
    ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport) << payload;
    EXPECT_FALSE(p.has(DecodeAnomaly::bad_udp_checksum)) << payload;
    if (payload > 0) {
      f.back() ^= std::byte{0x01};
      ASSERT_EQ(d.decode(raw(f), p), DecodeStatus::transport) << payload;
      EXPECT_TRUE(p.has(DecodeAnomaly::bad_udp_checksum)) << payload;
    }
  }
}

}  // namespace
}  // namespace normwatch::decode
