#include "normwatch/publish/spool.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "normwatch/publish/spool_format.hpp"
#include "publish_test_helpers.hpp"

namespace normwatch::publish {
namespace {

using test::TempDir;
using Clock = Spool::Clock;

std::unique_ptr<Spool> open_spool(const TempDir& dir, SpoolLimits limits = {},
                                  FsyncPolicy policy = parse_fsync_policy("batch").value()) {
  auto spool = Spool::open(dir.path(), limits, policy);
  EXPECT_TRUE(spool) << (spool ? "" : spool.error());
  return std::move(*spool);
}

std::string line_for(std::uint64_t seq) { return R"({"seq":)" + std::to_string(seq) + "}"; }

void append_range(Spool& spool, std::uint64_t first, std::uint64_t last) {
  const auto now = Clock::now();
  for (std::uint64_t s = first; s <= last; ++s) ASSERT_TRUE(spool.append(s, line_for(s), now));
  ASSERT_TRUE(spool.write_pending(now));
}

std::vector<std::uint64_t> read_all(Spool& spool, std::uint64_t after) {
  std::vector<std::uint64_t> seqs;
  std::vector<SpoolRecord> records;
  for (;;) {
    auto n = spool.read_after(after, 7, 1 << 20, records);
    EXPECT_TRUE(n);
    if (!n || *n == 0) break;
    for (const SpoolRecord& r : records) {
      EXPECT_EQ(r.line, line_for(r.seq));
      seqs.push_back(r.seq);
    }
    after = records.back().seq;
  }
  return seqs;
}

std::size_t segment_files(const TempDir& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (parse_segment_file_name(e.path().filename().string())) ++n;
  }
  return n;
}

TEST(Spool, ReadsBackWhatWasWrittenInOrderAcrossSegments) {
  TempDir dir;
  SpoolLimits limits;
  limits.segment_bytes = 200;  // a few records per segment
  auto spool = open_spool(dir, limits);
  append_range(*spool, 1, 40);
  EXPECT_GT(segment_files(dir), 3u);
  const auto seqs = read_all(*spool, 0);
  ASSERT_EQ(seqs.size(), 40u);
  for (std::uint64_t i = 0; i < 40; ++i) EXPECT_EQ(seqs[i], i + 1);
  EXPECT_EQ(read_all(*spool, 25).front(), 26u);  // from anywhere
  EXPECT_EQ(spool->unacked_records(), 40u);
}

TEST(Spool, QueuedRecordsAreNotReadableBeforeTheyAreWritten) {
  TempDir dir;
  auto spool = open_spool(dir);
  ASSERT_TRUE(spool->append(1, line_for(1), Clock::now()));
  EXPECT_TRUE(read_all(*spool, 0).empty());
  ASSERT_TRUE(spool->write_pending(Clock::now()));
  EXPECT_EQ(read_all(*spool, 0).size(), 1u);
}

TEST(Spool, DeletesSegmentsOnceEveryRecordIsAcknowledged) {
  TempDir dir;
  SpoolLimits limits;
  limits.segment_bytes = 200;
  auto spool = open_spool(dir, limits);
  append_range(*spool, 1, 40);
  const std::size_t before = segment_files(dir);
  spool->acknowledge(20, 20);
  EXPECT_LT(segment_files(dir), before);
  EXPECT_EQ(spool->unacked_records(), 20u);
  EXPECT_EQ(read_all(*spool, 20).size(), 20u);
  spool->acknowledge(40, 20);
  EXPECT_EQ(segment_files(dir), 0u);
  EXPECT_EQ(spool->bytes(), 0u);
  append_range(*spool, 41, 42);  // a fresh segment after everything was delivered
  EXPECT_EQ(read_all(*spool, 40).size(), 2u);
}

TEST(Spool, ARestartFindsTheUnacknowledgedRecords) {
  TempDir dir;
  {
    auto spool = open_spool(dir);
    append_range(*spool, 1, 10);
    spool->acknowledge(4, 4);
    spool->persist_acked();
  }
  auto spool = open_spool(dir);
  EXPECT_EQ(spool->recovery().records, 10u);
  EXPECT_EQ(spool->recovery().unacked, 6u);
  EXPECT_EQ(spool->acked_through(), 4u);
  EXPECT_EQ(spool->last_seq(), 10u);
  const auto seqs = read_all(*spool, spool->acked_through());
  ASSERT_EQ(seqs.size(), 6u);
  EXPECT_EQ(seqs.front(), 5u);
}

TEST(Spool, CutsATornTailAndKeepsEverythingBeforeIt) {
  TempDir dir;
  {
    auto spool = open_spool(dir);
    append_range(*spool, 1, 5);
  }
  std::filesystem::path segment;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (parse_segment_file_name(e.path().filename().string())) segment = e.path();
  }
  const auto good_size = std::filesystem::file_size(segment);
  {
    std::string partial;
    encode_record(partial, 6, line_for(6));
    std::ofstream(segment, std::ios::app | std::ios::binary) << partial.substr(0, partial.size() - 3);
  }
  auto spool = open_spool(dir);
  EXPECT_EQ(spool->recovery().records, 5u);
  EXPECT_GT(spool->recovery().discarded_bytes, 0u);
  EXPECT_EQ(std::filesystem::file_size(segment), good_size);
  append_range(*spool, 6, 7);  // appends continue right after the valid prefix
  EXPECT_EQ(read_all(*spool, 0).size(), 7u);
}

TEST(Spool, ZeroFilledTailAfterAPowerCutIsCut) {
  TempDir dir;
  {
    auto spool = open_spool(dir);
    append_range(*spool, 1, 3);
  }
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (parse_segment_file_name(e.path().filename().string())) {
      std::ofstream(e.path(), std::ios::app | std::ios::binary) << std::string(4096, '\0');
    }
  }
  auto spool = open_spool(dir);
  EXPECT_EQ(spool->recovery().records, 3u);
  EXPECT_EQ(spool->recovery().discarded_bytes, 4096u);
}

TEST(Spool, AdmissionShedsTelemetryFirstAndFindingsOnlyAtTheCap) {
  TempDir dir;
  SpoolLimits limits;
  limits.max_bytes = 1000;
  limits.telemetry_percent = 50;
  auto spool = open_spool(dir, limits);
  EXPECT_EQ(spool->admit(100, true), Spool::Admission::accept);
  append_range(*spool, 1, 16);  // 16 * (16 + 10) = 416 bytes
  EXPECT_EQ(spool->admit(100, true), Spool::Admission::refuse_telemetry);
  EXPECT_EQ(spool->admit(100, false), Spool::Admission::accept);
  append_range(*spool, 17, 36);  // 936 bytes
  EXPECT_EQ(spool->admit(100, false), Spool::Admission::refuse_full);
  spool->acknowledge(36, 36);
  EXPECT_EQ(spool->admit(100, true), Spool::Admission::accept);
}

TEST(Spool, FsyncPolicyAlwaysSyncsEveryWrite) {
  TempDir dir;
  auto spool = open_spool(dir, {}, parse_fsync_policy("always").value());
  append_range(*spool, 1, 3);
  append_range(*spool, 4, 4);
  EXPECT_EQ(spool->fsyncs(), 2u);
  EXPECT_FALSE(spool->sync_deadline());
}

TEST(Spool, FsyncPolicyBatchSyncsByCountOrAge) {
  TempDir dir;
  auto spool = open_spool(dir, {}, parse_fsync_policy("batch:5:1000").value());
  const auto t0 = Clock::now();
  for (std::uint64_t s = 1; s <= 4; ++s) ASSERT_TRUE(spool->append(s, line_for(s), t0));
  ASSERT_TRUE(spool->write_pending(t0));
  EXPECT_EQ(spool->fsyncs(), 0u);
  ASSERT_TRUE(spool->sync_deadline());
  EXPECT_EQ(*spool->sync_deadline(), t0 + std::chrono::milliseconds(1000));
  ASSERT_TRUE(spool->append(5, line_for(5), t0));
  ASSERT_TRUE(spool->write_pending(t0));
  EXPECT_EQ(spool->fsyncs(), 1u);  // the 5th event
  ASSERT_TRUE(spool->append(6, line_for(6), t0));
  ASSERT_TRUE(spool->write_pending(t0));
  EXPECT_EQ(spool->fsyncs(), 1u);
  ASSERT_TRUE(spool->write_pending(t0 + std::chrono::milliseconds(1000)));
  EXPECT_EQ(spool->fsyncs(), 2u);  // old enough
}

TEST(Spool, FsyncPolicyIntervalSyncsOnAPeriod) {
  TempDir dir;
  auto spool = open_spool(dir, {}, parse_fsync_policy("interval:50").value());
  const auto t0 = Clock::now();
  ASSERT_TRUE(spool->append(1, line_for(1), t0));
  ASSERT_TRUE(spool->write_pending(t0));
  EXPECT_EQ(spool->fsyncs(), 0u);
  ASSERT_TRUE(spool->write_pending(t0 + std::chrono::milliseconds(60)));
  EXPECT_EQ(spool->fsyncs(), 1u);
}

TEST(Spool, RefusesAnOversizedRecord) {
  TempDir dir;
  auto spool = open_spool(dir);
  EXPECT_FALSE(spool->append(1, std::string(kMaxRecordPayload + 1, 'x'), Clock::now()));
}

}  // namespace
}  // namespace normwatch::publish
