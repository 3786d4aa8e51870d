#include "normwatch/publish/sequence_store.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "normwatch/publish/durable_file.hpp"
#include "publish_test_helpers.hpp"

namespace normwatch::publish {
namespace {

using test::TempDir;

TEST(SequenceStore, FreshStoreStartsAtOneInAnEpochFromTheClock) {
  TempDir dir;
  auto store = SequenceStore::open(dir.path(), 16, 1'700'000'000);
  ASSERT_TRUE(store) << store.error();
  EXPECT_EQ(store->epoch(), 1'700'000'000u);
  EXPECT_EQ(store->next().value(), 1u);
  EXPECT_EQ(store->next().value(), 2u);
  EXPECT_EQ(store->reserved_limit(), 17u);
}

TEST(SequenceStore, ARestartNeverReusesANumberAndStartsANewEpoch) {
  TempDir dir;
  std::uint64_t last = 0;
  {
    auto store = SequenceStore::open(dir.path(), 16, 100).value();
    for (int i = 0; i < 5; ++i) last = store.next().value();
  }  // "crash": nothing persisted beyond the reservation
  auto again = SequenceStore::open(dir.path(), 16, 100);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->epoch(), 101u);  // clock did not move: previous + 1
  const std::uint64_t first = again->next().value();
  EXPECT_GT(first, last);
  EXPECT_EQ(first, 17u);  // the rest of the first block is skipped
}

TEST(SequenceStore, ReservesTheNextBlockDurablyBeforeUsingIt) {
  TempDir dir;
  auto store = SequenceStore::open(dir.path(), 4, 10).value();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(store.next().value(), static_cast<std::uint64_t>(i + 1));
  EXPECT_EQ(store.reserved_limit(), 5u);
  EXPECT_EQ(store.next().value(), 5u);  // crossed: a new block reserved first
  EXPECT_EQ(store.reserved_limit(), 9u);
  const auto text = read_small_file(dir / "sequence.state").value();
  EXPECT_NE(text.find("next 9"), std::string::npos) << text;
  auto reopened = SequenceStore::open(dir.path(), 4, 10).value();
  EXPECT_EQ(reopened.next().value(), 9u);
}

TEST(SequenceStore, EpochFollowsTheClockWhenItIsAhead) {
  TempDir dir;
  (void)SequenceStore::open(dir.path(), 4, 10).value();
  EXPECT_EQ(SequenceStore::open(dir.path(), 4, 5000).value().epoch(), 5000u);
  EXPECT_EQ(SequenceStore::open(dir.path(), 4, 10).value().epoch(), 5001u);  // clock went back
}

TEST(SequenceStore, RefusesACorruptStateFile) {
  TempDir dir;
  std::ofstream(dir / "sequence.state") << "garbage\n";
  auto store = SequenceStore::open(dir.path(), 4, 10);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().find("corrupt"), std::string::npos);
}

TEST(SequenceStore, AdvancePastSkipsNumbersAlreadySpooled) {
  TempDir dir;
  auto store = SequenceStore::open(dir.path(), 4, 10).value();
  ASSERT_TRUE(store.advance_past(100));
  EXPECT_EQ(store.next().value(), 101u);
  auto reopened = SequenceStore::open(dir.path(), 4, 10).value();
  EXPECT_GT(reopened.next().value(), 101u);
}

TEST(SequenceStore, EphemeralStoreIsDeterministic) {
  auto store = SequenceStore::ephemeral();
  EXPECT_EQ(store.epoch(), 0u);
  EXPECT_EQ(store.next().value(), 1u);
  EXPECT_EQ(store.next().value(), 2u);
}

}  // namespace
}  // namespace normwatch::publish
