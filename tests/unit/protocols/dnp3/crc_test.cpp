// CRC-16/DNP: published check values, vectors from real captures, and agreement between the
// byte-wise table, the slicing-by-16 form and a bit-at-a-time reference.
#include "normwatch/protocols/dnp3/crc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>
#include <vector>

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

TEST(Dnp3Crc, BlockFormsAgreeWithTheTableOnRandomBlocks) {
  std::uint32_t x = 777;
  std::array<std::byte, 16> block{};
  for (int round = 0; round < 20000; ++round) {
    for (auto& b : block) {
      x = x * 1664525u + 1013904223u;
      b = static_cast<std::byte>(x >> 24);
    }
    const std::uint16_t ref = crc16_dnp(core::Bytes(block));
    ASSERT_EQ(crc16_dnp_block_table(block.data()), ref);
    if (crc_clmul_available()) {
      ASSERT_EQ(crc16_dnp_block_clmul(block.data()), ref);
    }
  }
  if (!crc_clmul_available()) GTEST_SKIP() << "no PCLMULQDQ on this CPU: only the table form was checked";
}

TEST(Dnp3Crc, CheckAndCopyStopsAtTheFirstBadBlock) {
  std::vector<std::byte> in;
  std::vector<std::byte> expected;
  for (int blk = 0; blk < 5; ++blk) {
    std::array<std::byte, 16> data{};
    for (int i = 0; i < 16; ++i) data[static_cast<std::size_t>(i)] = static_cast<std::byte>(blk * 16 + i);
    const std::uint16_t crc = crc16_dnp(core::Bytes(data));
    in.insert(in.end(), data.begin(), data.end());
    in.push_back(static_cast<std::byte>(crc & 0xFF));
    in.push_back(static_cast<std::byte>(crc >> 8));
    expected.insert(expected.end(), data.begin(), data.end());
  }
  std::vector<std::byte> out(5 * 16);
  EXPECT_EQ(check_and_copy_blocks(in.data(), 5, out.data()), 5u);
  EXPECT_EQ(out, expected);
  in[3 * 18 + 16] ^= std::byte{0x40};  // block 3's CRC
  EXPECT_EQ(check_and_copy_blocks(in.data(), 5, out.data()), 3u);
  in[3 * 18 + 16] ^= std::byte{0x40};
  in[1 * 18 + 7] ^= std::byte{0x01};  // block 1's data
  EXPECT_EQ(check_and_copy_blocks(in.data(), 5, out.data()), 1u);
  EXPECT_EQ(check_and_copy_blocks(in.data(), 0, out.data()), 0u);
}

TEST(Dnp3Crc, EveryBlockPathAgreesOnRandomRunsWithOneBadBlock) {
  std::uint32_t x = 4242;
  auto next = [&] {
    x = x * 1664525u + 1013904223u;
    return x >> 24;
  };
  for (int round = 0; round < 3000; ++round) {
    const std::size_t blocks = next() % 16;
    std::vector<std::byte> in;
    for (std::size_t b = 0; b < blocks; ++b) {
      std::array<std::byte, 16> data{};
      for (auto& d : data) d = static_cast<std::byte>(next());
      const std::uint16_t crc = crc16_dnp(core::Bytes(data));
      in.insert(in.end(), data.begin(), data.end());
      in.push_back(static_cast<std::byte>(crc & 0xFF));
      in.push_back(static_cast<std::byte>(crc >> 8));
    }
    std::size_t expected = blocks;
    if (blocks > 0 && round % 2 == 1) {
      expected = next() % blocks;
      in[expected * 18 + next() % 18] ^= static_cast<std::byte>(1u << (next() % 8));
    }
    for (CrcPath path : {CrcPath::table, CrcPath::clmul, CrcPath::vclmul}) {
      std::vector<std::byte> out(blocks * 16 + 1);
      ASSERT_EQ(check_and_copy_blocks_with(path, in.data(), blocks, out.data()), expected)
          << static_cast<int>(path) << " round " << round;
      for (std::size_t b = 0; b < expected; ++b) {
        ASSERT_TRUE(std::equal(out.begin() + static_cast<std::ptrdiff_t>(b * 16), out.begin() + static_cast<std::ptrdiff_t>(b * 16 + 16),
                               in.begin() + static_cast<std::ptrdiff_t>(b * 18)));
      }
    }
  }
  std::printf("block CRC paths available: table clmul=%d vclmul=%d\n", crc_path_available(CrcPath::clmul),
              crc_path_available(CrcPath::vclmul));
}

TEST(Dnp3Crc, HeaderCheck) {
  EXPECT_TRUE(header_crc_matches(hex("05 64 05 c0 01 00 00 04 e9 21").data()));
  EXPECT_FALSE(header_crc_matches(hex("05 64 05 c0 01 00 00 04 e9 20").data()));
  EXPECT_FALSE(header_crc_matches(hex("05 64 05 c0 01 00 00 05 e9 21").data()));
  EXPECT_TRUE(header_crc_matches(hex("05 64 0e c4 04 00 03 00 6d d3").data()));
}

TEST(Dnp3Crc, TailCheckForEveryLengthWithAndWithoutBytesBefore) {
  for (std::size_t n = 0; n < 16; ++n) {
    for (std::size_t before : {std::size_t{0}, std::size_t{3}, std::size_t{16}}) {
      std::vector<std::byte> buf(before, std::byte{0xEE});  // bytes before the tail must not matter
      for (std::size_t i = 0; i < n; ++i) buf.push_back(static_cast<std::byte>(0x30 + i));
      const std::uint16_t crc = crc16_dnp(core::Bytes(buf).subspan(before, n));
      buf.push_back(static_cast<std::byte>(crc & 0xFF));
      buf.push_back(static_cast<std::byte>(crc >> 8));
      std::array<std::byte, 16> out{};
      ASSERT_TRUE(check_and_copy_tail(buf.data() + before, n, before, out.data())) << n << " " << before;
      ASSERT_TRUE(std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), buf.begin() + static_cast<std::ptrdiff_t>(before)));
      if (n > 0) {
        buf[before + n] ^= std::byte{0x01};
        ASSERT_FALSE(check_and_copy_tail(buf.data() + before, n, before, out.data())) << n << " " << before;
      }
    }
  }
}

TEST(Dnp3Crc, CrcMatchesNeedsTwoBytes) {
  EXPECT_FALSE(crc_matches(core::Bytes{}));
  EXPECT_FALSE(crc_matches(core::Bytes(hex("ff"))));
  EXPECT_TRUE(crc_matches(core::Bytes(hex("ff ff"))));  // empty data: CRC 0xFFFF
}

}  // namespace
}  // namespace normwatch::protocols::dnp3
