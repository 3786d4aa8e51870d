// CRC-16/DNP: published check values, vectors from real captures, and agreement between the
// byte-wise table, the slicing-by-16 form and a bit-at-a-time reference.
#include "normwatch/protocols/dnp3/crc.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include "protocols/dnp3/dnp3_test_helpers.hpp"

namespace normwatch::protocols::dnp3 {
namespace {

using test::hex;

std::uint16_t bitwise_reference(core::Bytes bytes) {
  std::uint16_t crc = 0;
  for (std::byte b : bytes) {
    crc ^= static_cast<std::uint8_t>(b);
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA6BC) : static_cast<std::uint16_t>(crc >> 1);
  }
  return static_cast<std::uint16_t>(~crc);
}

core::Bytes text(std::string_view s) { return core::as_bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

TEST(Dnp3Crc, CatalogueCheckValue) {
  // CRC-16/DNP check value over "123456789" (reveng CRC catalogue).
  EXPECT_EQ(crc16_dnp(text("123456789")), 0xEA82);
  EXPECT_EQ(crc16_dnp_fast(text("123456789")), 0xEA82);
}

TEST(Dnp3Crc, TableIsCompileTimeAndStartsAsExpected) {
  static_assert(kCrcTable[0] == 0x0000);
  static_assert(kCrcTable[1] == 0x365E);  // one step of the reflected polynomial 0xA6BC
  static_assert(crc16_dnp(core::Bytes{}) == 0xFFFF);
  SUCCEED();
}

TEST(Dnp3Crc, LinkHeaderVectorStoredLittleEndian) {
  // Reset-link-states header from IEEE 1815 examples: 05 64 05 C0 01 00 00 04, CRC bytes E9 21.
  const auto h = hex("05 64 05 c0 01 00 00 04");
  EXPECT_EQ(crc16_dnp(core::Bytes(h)), 0x21E9);
  EXPECT_TRUE(crc_matches(core::Bytes(hex("05 64 05 c0 01 00 00 04 e9 21"))));
  EXPECT_FALSE(crc_matches(core::Bytes(hex("05 64 05 c0 01 00 00 04 21 e9"))));
}

TEST(Dnp3Crc, VectorsFromARealCapture) {
  // zeek auth_change_session_keys.pcap frame 4: header and its one data block.
  EXPECT_TRUE(crc_matches(core::Bytes(hex("05 64 0e c4 04 00 03 00 6d d3"))));
  EXPECT_TRUE(crc_matches(core::Bytes(hex("c0 c1 20 78 04 07 01 01 00 9e 40"))));
}

TEST(Dnp3Crc, FastFormAgreesWithTableAndReferenceForEveryLength) {
  std::vector<std::byte> data;
  std::uint32_t x = 12345;
  for (int i = 0; i < 300; ++i) {
    x = x * 1103515245u + 12345u;
    data.push_back(static_cast<std::byte>(x >> 16));
  }
  for (std::size_t n = 0; n <= data.size(); ++n) {
    const core::Bytes b(data.data(), n);
    const std::uint16_t ref = bitwise_reference(b);
    ASSERT_EQ(crc16_dnp(b), ref) << n;
    ASSERT_EQ(crc16_dnp_fast(b), ref) << n;
  }
}

TEST(Dnp3Crc, CrcMatchesNeedsTwoBytes) {
  EXPECT_FALSE(crc_matches(core::Bytes{}));
  EXPECT_FALSE(crc_matches(core::Bytes(hex("ff"))));
  EXPECT_TRUE(crc_matches(core::Bytes(hex("ff ff"))));  // empty data: CRC 0xFFFF
}

}  // namespace
}  // namespace normwatch::protocols::dnp3
