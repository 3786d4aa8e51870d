// Checksum verification against the tests' own byte-pair reference (decode_helpers.cpp), over
// every segment length from an empty payload to past three 32-byte blocks and every byte value
// pattern that makes carries: a right checksum is never reported, a wrong one always is.
#include <gtest/gtest.h>

#include <cstdint>

#include "decode/decode_helpers.hpp"
#include "normwatch/decode/decoder.hpp"

namespace normwatch::decode {
namespace {

using test::ByteVec;

constexpr std::uint8_t kTcp = 6;

// Ethernet + IPv4 + a TCP header and `payload_len` bytes filled by `fill`, checksums right.
ByteVec tcp_frame(std::size_t payload_len, std::uint8_t (*fill)(std::size_t)) {
  const auto src = test::ip("10.0.0.1");
  const auto dst = test::ip("10.0.0.2");
  ByteVec segment = test::hex("c3 50 01 f6 00 00 03 e9 00 00 07 d1 50 18 20 00 00 00 00 00");
  for (std::size_t i = 0; i < payload_len; ++i) segment.push_back(std::byte{fill(i)});
  test::fix_l4_checksum(segment, kTcp, src, dst);
  return test::concat({test::ethernet(0x0800), test::ipv4_header(src, dst, kTcp, segment.size()), segment});
}

bool reported_bad(const ByteVec& frame) {
  Decoder decoder;
  DecodedPacket p;
  decoder.decode(test::raw(frame), p);
  return p.has(DecodeAnomaly::bad_tcp_checksum) || p.has(DecodeAnomaly::bad_ipv4_checksum);
}

TEST(ChecksumTest, EveryLengthAndCarryPatternVerifies) {
  using Fill = std::uint8_t (*)(std::size_t);
  const Fill fills[] = {
      [](std::size_t) -> std::uint8_t { return 0xff; },  // every addition carries
      [](std::size_t) -> std::uint8_t { return 0x00; },
      [](std::size_t i) -> std::uint8_t { return static_cast<std::uint8_t>(i * 37 + 11); },
      [](std::size_t i) -> std::uint8_t { return static_cast<std::uint8_t>(i % 2 == 0 ? 0xff : 0x01); },
  };
  for (const Fill fill : fills) {
    for (std::size_t len = 0; len <= 131; ++len) {
      ByteVec frame = tcp_frame(len, fill);
      EXPECT_FALSE(reported_bad(frame)) << "payload length " << len;
      // One bit flipped in the last byte of the frame (payload, or the TCP header when empty).
      frame.back() ^= std::byte{0x04};
      EXPECT_TRUE(reported_bad(frame)) << "payload length " << len;
    }
  }
}

}  // namespace
}  // namespace normwatch::decode
