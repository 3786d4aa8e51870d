#include "normwatch/collector/gap_tracker.hpp"

#include <gtest/gtest.h>

namespace normwatch::collector {
namespace {

TEST(GapTracker, ContiguousArrivalHasNoGap) {
  GapTracker t;
  for (std::uint64_t s = 5; s <= 10; ++s) t.add(s);
  EXPECT_EQ(t.first(), 5u);
  EXPECT_EQ(t.last(), 10u);
  EXPECT_EQ(t.count(), 6u);
  EXPECT_EQ(t.missing(), 0u);
  EXPECT_TRUE(t.gaps().empty());
}

TEST(GapTracker, OpensAndClosesGapsForOutOfOrderArrival) {
  GapTracker t;
  t.add(1);
  t.add(2);
  t.add(6);  // 3..5 missing
  ASSERT_EQ(t.gaps().size(), 1u);
  EXPECT_EQ(t.gaps().begin()->first, 3u);
  EXPECT_EQ(t.gaps().begin()->second, 5u);
  EXPECT_EQ(t.missing(), 3u);
  t.add(4);  // splits it
  ASSERT_EQ(t.gaps().size(), 2u);
  EXPECT_EQ(t.missing(), 2u);
  t.add(3);
  t.add(5);
  EXPECT_TRUE(t.gaps().empty());
  EXPECT_EQ(t.missing(), 0u);
}

TEST(GapTracker, ArrivalBelowTheFirstOpensAGapBeneath) {
  GapTracker t;
  t.add(10);
  t.add(7);
  ASSERT_EQ(t.gaps().size(), 1u);
  EXPECT_EQ(t.gaps().at(8), 9u);
  EXPECT_EQ(t.first(), 7u);
  t.add(9);
  t.add(8);
  EXPECT_TRUE(t.gaps().empty());
}

TEST(GapTracker, CapsTheRangesKeptButStillCountsMissing) {
  GapTracker t;
  for (std::uint64_t i = 0; i <= GapTracker::kMaxGapRanges + 10; ++i) t.add(i * 2 + 1);
  EXPECT_TRUE(t.overflow());
  EXPECT_EQ(t.gaps().size(), GapTracker::kMaxGapRanges);
  EXPECT_EQ(t.missing(), GapTracker::kMaxGapRanges + 10);
}

}  // namespace
}  // namespace normwatch::collector
