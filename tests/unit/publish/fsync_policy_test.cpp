#include "normwatch/publish/fsync_policy.hpp"

#include <gtest/gtest.h>

namespace normwatch::publish {
namespace {

TEST(FsyncPolicy, ParsesEveryForm) {
  EXPECT_EQ(parse_fsync_policy("always")->mode, FsyncPolicy::Mode::always);
  const auto batch = parse_fsync_policy("batch");
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->mode, FsyncPolicy::Mode::batch);
  EXPECT_EQ(batch->batch_events, 1000u);
  EXPECT_EQ(batch->interval_ms, 100u);
  const auto custom = parse_fsync_policy("batch:50:20");
  ASSERT_TRUE(custom);
  EXPECT_EQ(custom->batch_events, 50u);
  EXPECT_EQ(custom->interval_ms, 20u);
  const auto interval = parse_fsync_policy("interval:250");
  ASSERT_TRUE(interval);
  EXPECT_EQ(interval->mode, FsyncPolicy::Mode::interval);
  EXPECT_EQ(interval->interval_ms, 250u);
}

TEST(FsyncPolicy, RejectsNonsense) {
  for (const char* bad : {"", "sometimes", "batch:", "batch:10", "batch:0:5", "interval:", "interval:x", "interval:0",
                          "batch:-1:5", "interval:10ms"}) {
    EXPECT_FALSE(parse_fsync_policy(bad)) << bad;
  }
}

TEST(FsyncPolicy, PrintsWhatItParses) {
  for (const char* text : {"always", "batch:1000:100", "batch:7:9", "interval:30"}) {
    EXPECT_EQ(to_string(parse_fsync_policy(text).value()), text);
  }
}

}  // namespace
}  // namespace normwatch::publish
