#include "normwatch/core/byte_reader.hpp"

#include <gtest/gtest.h>

#include "normwatch/core/hex.hpp"

namespace normwatch::core {
namespace {

std::vector<std::byte> hex(std::string_view text) { return parse_hex(text).value(); }

TEST(ByteReader, ReadsBigAndLittleEndian) {
  const auto bytes = hex("01 02 03 04 05 06 07 08");
  ByteReader r{Bytes(bytes)};
  EXPECT_EQ(r.u16be(), 0x0102);
  EXPECT_EQ(r.u16le(), 0x0403);
  EXPECT_EQ(r.u24le(), 0x070605u);
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(ByteReader, ReadPastEndFailsAndKeepsPosition) {
  EXPECT_FALSE(parse_hex("aa bb c").has_value());
  const auto two = hex("aa bb");
  ByteReader r{Bytes(two)};
  EXPECT_EQ(r.u32be(), std::nullopt);
  EXPECT_EQ(r.position(), 0u);
  EXPECT_EQ(r.u8(), 0xaa);
  EXPECT_FALSE(r.skip(2));
  EXPECT_EQ(r.position(), 1u);
  EXPECT_FALSE(r.take(2).has_value());
  EXPECT_EQ(r.take(1)->size(), 1u);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.u8(), std::nullopt);
}

TEST(ByteReader, VariableWidthIntegers) {
  const auto bytes = hex("01 02 03 01 02 03");
  ByteReader r{Bytes(bytes)};
  EXPECT_EQ(r.uint_le(3), 0x030201u);
  EXPECT_EQ(r.uint_be(3), 0x010203u);
  EXPECT_EQ(r.uint_le(1), std::nullopt);
  ByteReader z{Bytes(bytes)};
  EXPECT_EQ(z.uint_le(0), std::nullopt);
  EXPECT_EQ(z.uint_le(9), std::nullopt);
}

TEST(Hex, RoundTrips) {
  const auto bytes = hex("de:ad be\nef");
  EXPECT_EQ(to_hex(Bytes(bytes)), "deadbeef");
  EXPECT_FALSE(parse_hex("zz").has_value());
}

}  // namespace
}  // namespace normwatch::core
