// FrameRing (issue 10 §2): the last frames per conversation, in order, within a fixed slab.
#include "normwatch/evidence/frame_ring.hpp"

#include <gtest/gtest.h>

#include "slice_test_helpers.hpp"

namespace normwatch::evidence {
namespace {

using test::FrameSpec;
using test::make_frame;

ConversationKey key_of(const FrameSpec& s) {
  return make_conversation_key(core::IpAddress::v4(s.src_ip), s.src_port, core::IpAddress::v4(s.dst_ip), s.dst_port, 6);
}

std::vector<std::uint64_t> frames_of(const FrameRing& ring, const ConversationKey& key) {
  std::vector<std::uint64_t> out;
  ring.for_each(key, [&](const StoredFrame& f) { out.push_back(f.frame_no); });
  return out;
}

TEST(ConversationKey, IsTheSameBothWays) {
  const auto a = core::IpAddress::v4(0x0A000001);
  const auto b = core::IpAddress::v4(0x0A000002);
  EXPECT_EQ(make_conversation_key(a, 40000, b, 502, 6), make_conversation_key(b, 502, a, 40000, 6));
  EXPECT_FALSE(make_conversation_key(a, 40000, b, 502, 6) == make_conversation_key(a, 40000, b, 502, 17));
}

TEST(FrameRing, KeepsTheLastFramesOfEachConversationOldestFirst) {
  FrameRing ring(1 << 20, 1518, 4);
  FrameSpec a;
  FrameSpec b;
  b.src_port = 40001;
  for (std::uint64_t n = 1; n <= 10; ++n) {
    auto f = make_frame(n % 2 == 0 ? b : a, n, static_cast<std::int64_t>(n) * 1000);
    ring.add(key_of(n % 2 == 0 ? b : a), f.frame);
  }
  EXPECT_EQ(frames_of(ring, key_of(a)), (std::vector<std::uint64_t>{3, 5, 7, 9}));
  EXPECT_EQ(frames_of(ring, key_of(b)), (std::vector<std::uint64_t>{4, 6, 8, 10}));
  EXPECT_EQ(ring.counters().evicted, 0u);
  EXPECT_EQ(ring.counters().conversations, 2u);
}

TEST(FrameRing, CopiesTheBytesAndCutsAtTheSnapLength) {
  FrameRing ring(1 << 20, 64, 4);
  FrameSpec a;
  a.payload = 100;  // 154-byte frame
  auto f = make_frame(a, 1, 5);
  ring.add(key_of(a), f.frame);
  f.bytes.assign(f.bytes.size(), std::byte{0});  // the ring must not point into the caller's buffer
  std::size_t len = 0;
  std::uint32_t wire = 0;
  ring.for_each(key_of(a), [&](const StoredFrame& s) {
    len = s.bytes.size();
    wire = s.wire_len;
    EXPECT_EQ(s.bytes[12], std::byte{0x08});  // ethertype of the original
  });
  EXPECT_EQ(len, 64u);
  EXPECT_EQ(wire, 154u);
  EXPECT_EQ(ring.counters().frames_cut, 1u);
}

TEST(FrameRing, WhenTheSlabIsFullTheOldestFrameOfAllGoesAndIsCounted) {
  // Room for about 3 slots of 1518 bytes.
  FrameRing ring(3 * (1518 + 64), 1518, 8);
  ASSERT_EQ(ring.slots(), 3u);
  FrameSpec a;
  FrameSpec b;
  b.src_port = 40001;
  auto f1 = make_frame(a, 1, 1);
  auto f2 = make_frame(a, 2, 2);
  auto f3 = make_frame(b, 3, 3);
  auto f4 = make_frame(b, 4, 4);
  auto f5 = make_frame(b, 5, 5);
  ring.add(key_of(a), f1.frame);
  ring.add(key_of(a), f2.frame);
  ring.add(key_of(b), f3.frame);
  ring.add(key_of(b), f4.frame);  // takes frame 1 from a
  ring.add(key_of(b), f5.frame);  // takes frame 2: a is gone
  EXPECT_EQ(frames_of(ring, key_of(a)), std::vector<std::uint64_t>{});
  EXPECT_EQ(frames_of(ring, key_of(b)), (std::vector<std::uint64_t>{3, 4, 5}));
  EXPECT_EQ(ring.counters().evicted, 2u);
  EXPECT_EQ(ring.counters().conversations, 1u);
}

TEST(FrameRing, ManyConversationsStayWithinTheSlab) {
  FrameRing ring(64 * (256 + 64), 256, 2);
  for (std::uint64_t n = 1; n <= 5000; ++n) {
    FrameSpec s;
    s.src_port = static_cast<std::uint16_t>(1000 + n % 300);
    auto f = make_frame(s, n, static_cast<std::int64_t>(n));
    ring.add(key_of(s), f.frame);
  }
  EXPECT_LE(ring.counters().conversations, ring.slots());
  EXPECT_EQ(ring.counters().frames_kept, 5000u);
  // The newest conversation has its frame; its one before went with the older frames.
  FrameSpec last;
  last.src_port = static_cast<std::uint16_t>(1000 + 5000 % 300);
  EXPECT_EQ(frames_of(ring, key_of(last)), (std::vector<std::uint64_t>{5000}));
}

}  // namespace
}  // namespace normwatch::evidence
