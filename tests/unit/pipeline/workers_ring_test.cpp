// SpscByteRing (spsc_ring.hpp): records come out whole and in order, wrap around the end of the
// buffer, a full ring refuses, and a two-thread stress run moves every record intact (bounded in
// size, no timing assertions; run under TSan by hand: -fsanitize=thread).
#include "normwatch/pipeline/spsc_ring.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <vector>

namespace normwatch::pipeline {
namespace {

void fill(std::span<std::byte> out, std::uint64_t seq) {
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::byte>((seq * 131 + i) & 0xFF);
}

bool check(std::span<const std::byte> in, std::uint64_t seq) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != static_cast<std::byte>((seq * 131 + i) & 0xFF)) return false;
  }
  return true;
}

TEST(WorkersRing, CapacityIsAPowerOfTwoAndEmptyRingHasNothing) {
  SpscByteRing ring(5000);
  EXPECT_EQ(ring.capacity(), 8192u);
  EXPECT_TRUE(ring.try_peek().empty());
  EXPECT_TRUE(ring.try_reserve(0).empty());
  EXPECT_TRUE(ring.try_reserve(ring.max_record() + 1).empty());
}

TEST(WorkersRing, RecordsComeOutInOrderAndWhole) {
  SpscByteRing ring(4096);
  for (std::uint64_t i = 0; i < 3; ++i) {
    auto room = ring.try_reserve(10 + i);
    ASSERT_EQ(room.size(), 10 + i);
    fill(room, i);
    ring.commit();
  }
  for (std::uint64_t i = 0; i < 3; ++i) {
    auto rec = ring.try_peek();
    ASSERT_EQ(rec.size(), 10 + i);
    EXPECT_TRUE(check(rec, i));
    ring.release();
  }
  EXPECT_TRUE(ring.try_peek().empty());
}

TEST(WorkersRing, UncommittedRecordIsInvisible) {
  SpscByteRing ring(4096);
  ASSERT_FALSE(ring.try_reserve(100).empty());
  EXPECT_TRUE(ring.try_peek().empty());
  ring.commit();
  EXPECT_EQ(ring.try_peek().size(), 100u);
}

TEST(WorkersRing, FullRingRefusesUntilReleased) {
  SpscByteRing ring(4096);
  int pushed = 0;
  while (!ring.try_reserve(1000).empty()) {
    ring.commit();
    ++pushed;
  }
  EXPECT_GE(pushed, 3);
  EXPECT_LE(pushed, 4);
  ASSERT_FALSE(ring.try_peek().empty());
  ring.release();
  EXPECT_FALSE(ring.try_reserve(1000).empty());
}

TEST(WorkersRing, WrapsAroundTheEndWithASkipMarker) {
  SpscByteRing ring(4096);
  // Sizes that do not divide the buffer, many times round it.
  for (std::uint64_t i = 0; i < 1000; ++i) {
    const std::size_t n = 1 + (i * 37) % 1500;
    auto room = ring.try_reserve(n);
    ASSERT_EQ(room.size(), n) << i;
    fill(room, i);
    ring.commit();
    auto rec = ring.try_peek();
    ASSERT_EQ(rec.size(), n) << i;
    ASSERT_TRUE(check(rec, i)) << i;
    ring.release();
  }
}

TEST(WorkersRing, TwoThreadStressMovesEveryRecordIntact) {
  SpscByteRing ring(1 << 16);
  constexpr std::uint64_t kRecords = 200'000;
  std::thread producer([&ring] {
    for (std::uint64_t i = 0; i < kRecords; ++i) {
      const std::size_t n = 8 + (i * 7919) % 2000;
      auto room = ring.reserve_wait(n);
      std::memcpy(room.data(), &i, sizeof i);
      fill(room.subspan(sizeof i), i);
      ring.commit();
    }
  });
  std::uint64_t bad = 0;
  for (std::uint64_t i = 0; i < kRecords; ++i) {
    auto rec = ring.peek_wait();
    std::uint64_t seq = 0;
    std::memcpy(&seq, rec.data(), sizeof seq);
    if (seq != i || rec.size() != 8 + (i * 7919) % 2000 || !check(rec.subspan(sizeof seq), i)) ++bad;
    ring.release();
  }
  producer.join();
  EXPECT_EQ(bad, 0u);
  EXPECT_TRUE(ring.try_peek().empty());
}

}  // namespace
}  // namespace normwatch::pipeline
