// Link layer: framing verdicts (complete / need_more / invalid with the right skip), frame size
// formula, data-block CRCs, every truncation of a frame and oversized LEN claims.
#include "normwatch/protocols/dnp3/link_framer.hpp"

#include <gtest/gtest.h>

#include "protocols/dnp3/dnp3_test_helpers.hpp"

namespace normwatch::protocols::dnp3 {
namespace {

using test::hex;
using test::link_frame;

TEST(Dnp3LinkFramer, FrameSizeFormula) {
  EXPECT_EQ(link_frame_size(5), 10u);       // no user data
  EXPECT_EQ(link_frame_size(6), 13u);       // 1 byte + 1 CRC
  EXPECT_EQ(link_frame_size(21), 28u);      // 16 bytes: one full block
  EXPECT_EQ(link_frame_size(22), 31u);      // 17 bytes: two blocks
  EXPECT_EQ(link_frame_size(255), kMaxLinkFrameSize);
  static_assert(link_frame_size(255) == 292);
}

TEST(Dnp3LinkFramer, ResetLinkIsCompleteAtTenBytes) {
  const auto f = hex("05 64 05 c0 01 00 00 04 e9 21");
  const FrameVerdict v = frame_link(core::Bytes(f));
  EXPECT_EQ(v.status, FrameStatus::complete);
  EXPECT_EQ(v.size, 10u);
  UserDataBuffer scratch;
  LinkFrame lf;
  ASSERT_EQ(decode_link_frame(core::Bytes(f), scratch, lf), Anomaly::none);
  EXPECT_EQ(lf.header.control, 0xC0);
  EXPECT_TRUE(lf.header.dir());
  EXPECT_TRUE(lf.header.prm());
  EXPECT_EQ(lf.header.function(), 0);
  EXPECT_EQ(lf.header.destination, 1);
  EXPECT_EQ(lf.header.source, 0x0400);  // little-endian
  EXPECT_TRUE(lf.user_data.empty());
}

TEST(Dnp3LinkFramer, ControlBits) {
  LinkHeader h;
  h.control = 0x73;  // DIR=0 PRM=1 FCB=1 FCV=1 fc 3
  EXPECT_FALSE(h.dir());
  EXPECT_TRUE(h.prm());
  EXPECT_TRUE(h.fcb());
  EXPECT_TRUE(h.fcv());
  EXPECT_FALSE(h.dfc());
  EXPECT_EQ(h.function(), 3);
  h.control = 0x9B;  // DIR=1 PRM=0 DFC=1 fc 11 (link status)
  EXPECT_TRUE(h.dir());
  EXPECT_FALSE(h.prm());
  EXPECT_TRUE(h.dfc());
  EXPECT_FALSE(h.fcb());
  EXPECT_EQ(h.function(), 11);
}

TEST(Dnp3LinkFramer, UserDataAcrossBlocksHasCrcsRemoved) {
  test::ByteVec data;
  for (int i = 0; i < 40; ++i) data.push_back(static_cast<std::byte>(i));
  const auto f = link_frame(0x44, 0x0102, 0x0304, core::Bytes(data));
  ASSERT_EQ(f.size(), 10u + 40 + 2 * 3);
  EXPECT_EQ(frame_link(core::Bytes(f)).status, FrameStatus::complete);
  UserDataBuffer scratch;
  LinkFrame lf;
  ASSERT_EQ(decode_link_frame(core::Bytes(f), scratch, lf), Anomaly::none);
  EXPECT_EQ(test::to_hex(lf.user_data), test::to_hex(core::Bytes(data)));
  EXPECT_EQ(lf.header.destination, 0x0102);
  EXPECT_EQ(lf.header.source, 0x0304);
}

TEST(Dnp3LinkFramer, MaximumFrame) {
  test::ByteVec data(250, std::byte{0xAB});
  const auto f = link_frame(0x44, 1, 2, core::Bytes(data));
  ASSERT_EQ(f.size(), kMaxLinkFrameSize);
  EXPECT_EQ(frame_link(core::Bytes(f)).size, kMaxLinkFrameSize);
  UserDataBuffer scratch;
  LinkFrame lf;
  EXPECT_EQ(decode_link_frame(core::Bytes(f), scratch, lf), Anomaly::none);
  EXPECT_EQ(lf.user_data.size(), 250u);
}

TEST(Dnp3LinkFramer, EveryUserDataSizeDecodesAndEveryBlockCrcIsChecked) {
  UserDataBuffer scratch;
  for (std::size_t size = 0; size <= kMaxUserData; ++size) {
    test::ByteVec data(size);
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<std::byte>(i * 7 + size);
    auto f = link_frame(0x44, 7, 9, core::Bytes(data));
    ASSERT_EQ(frame_link(core::Bytes(f)).size, f.size()) << size;
    LinkFrame lf;
    ASSERT_EQ(decode_link_frame(core::Bytes(f), scratch, lf), Anomaly::none) << size;
    ASSERT_EQ(test::to_hex(lf.user_data), test::to_hex(core::Bytes(data))) << size;
    // Corrupt each block's CRC in turn: block b's data starts at 10 + 18 b.
    for (std::size_t b = 0; b * 16 < size; ++b) {
      const std::size_t crc_at = 10 + 18 * b + std::min<std::size_t>(16, size - 16 * b);
      f[crc_at + 1] ^= std::byte{0x80};
      ASSERT_EQ(decode_link_frame(core::Bytes(f), scratch, lf), Anomaly::bad_data_crc) << size << " block " << b;
      f[crc_at + 1] ^= std::byte{0x80};
    }
  }
}

TEST(Dnp3LinkFramer, EveryTruncationAsksForMoreOrRefuses) {
  test::ByteVec data(37, std::byte{0x11});
  const auto f = link_frame(0xC4, 10, 1, core::Bytes(data));
  UserDataBuffer scratch;
  for (std::size_t n = 0; n < f.size(); ++n) {
    const core::Bytes part(f.data(), n);
    const FrameVerdict v = frame_link(part);
    ASSERT_EQ(v.status, FrameStatus::need_more) << n;
    ASSERT_GT(v.size, n) << n;
    ASSERT_LE(v.size, f.size()) << n;
    LinkFrame lf;
    ASSERT_NE(decode_link_frame(part, scratch, lf), Anomaly::none) << n;
  }
}

TEST(Dnp3LinkFramer, GarbageSkipsToNextStartByte) {
  const auto g = hex("00 11 22 05 64");
  const FrameVerdict v = frame_link(core::Bytes(g));
  EXPECT_EQ(v.status, FrameStatus::invalid);
  EXPECT_EQ(v.reason, "dnp3.no_sync");
  EXPECT_EQ(v.size, 3u);
  const FrameVerdict none = frame_link(core::Bytes(hex("01 02 03")));
  EXPECT_EQ(none.size, 3u);
  const FrameVerdict wrong_second = frame_link(core::Bytes(hex("05 65 05 05")));
  EXPECT_EQ(wrong_second.reason, "dnp3.no_sync");
  EXPECT_EQ(wrong_second.size, 2u);  // the next 0x05 is two bytes on
}

TEST(Dnp3LinkFramer, LengthBelowFiveIsInvalid) {
  const FrameVerdict v = frame_link(core::Bytes(hex("05 64 04 c0")));
  EXPECT_EQ(v.status, FrameStatus::invalid);
  EXPECT_EQ(v.reason, "dnp3.bad_link_length");
  EXPECT_EQ(v.size, 1u);
}

TEST(Dnp3LinkFramer, BadHeaderCrcIsInvalidAndSkipsOneByte) {
  const auto f = hex("05 64 05 c0 01 00 00 04 e9 22");
  const FrameVerdict v = frame_link(core::Bytes(f));
  EXPECT_EQ(v.status, FrameStatus::invalid);
  EXPECT_EQ(v.reason, "dnp3.bad_link_crc");
  EXPECT_EQ(v.size, 1u);
  UserDataBuffer scratch;
  LinkFrame lf;
  EXPECT_EQ(decode_link_frame(core::Bytes(f), scratch, lf), Anomaly::bad_link_crc);
}

TEST(Dnp3LinkFramer, BadDataCrcKeepsHeaderDropsData) {
  test::ByteVec data(20, std::byte{0x33});
  auto f = link_frame(0x44, 3, 4, core::Bytes(data));
  f[f.size() - 1] ^= std::byte{0x01};  // last block's CRC
  EXPECT_EQ(frame_link(core::Bytes(f)).status, FrameStatus::complete);  // the header is fine
  UserDataBuffer scratch;
  LinkFrame lf;
  EXPECT_EQ(decode_link_frame(core::Bytes(f), scratch, lf), Anomaly::bad_data_crc);
  EXPECT_EQ(lf.header.source, 4);
  EXPECT_TRUE(lf.user_data.empty());
}

TEST(Dnp3LinkFramer, OversizedLengthClaimWaitsForWholeFrame) {
  // LEN 255 with a valid header CRC but only a few data bytes: never complete until 292 bytes.
  test::ByteVec data(250, std::byte{0});
  auto f = link_frame(0x44, 1, 1, core::Bytes(data));
  f.resize(50);
  const FrameVerdict v = frame_link(core::Bytes(f));
  EXPECT_EQ(v.status, FrameStatus::need_more);
  EXPECT_EQ(v.size, 292u);
}

TEST(Dnp3LinkFramer, ExtraBytesAfterFrameAreNotPartOfIt) {
  auto f = link_frame(0xC0, 1, 2, {});
  f.push_back(std::byte{0x05});
  const FrameVerdict v = frame_link(core::Bytes(f));
  EXPECT_EQ(v.status, FrameStatus::complete);
  EXPECT_EQ(v.size, 10u);
}

}  // namespace
}  // namespace normwatch::protocols::dnp3
