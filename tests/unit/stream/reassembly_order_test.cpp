// Reassembly in every segment order (ARCHITECTURE.md "Tests": replay one payload in every segment
// order, with overlaps and duplicates): the consumer must get exactly the original bytes, in
// order, without gap markers; with one segment missing, exactly one gap marker in the right place.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "stream/stream_test_helpers.hpp"

namespace normwatch::stream::testing {
namespace {

constexpr std::uint32_t kClientIsn = 1000;
constexpr std::uint32_t kServerIsn = 90000;

void expect_contiguous(const Recorder& r, flow::Direction d) {
  std::uint64_t at = 0;
  for (const Chunk& c : r.of(d)) {
    EXPECT_EQ(c.offset, at);
    EXPECT_FALSE(c.gap_before);
    at += c.bytes.size();
  }
}

TEST(ReassemblyOrder, EveryPermutationOfFiveSegmentsDeliversThePayloadExactly) {
  const std::string payload = pattern(500);
  const auto segments = split(payload, kClientIsn + 1, 5, kServerIsn + 1);
  std::vector<std::size_t> order(segments.size());
  std::iota(order.begin(), order.end(), 0);
  int permutations = 0;
  do {
    Driver d;
    d.feed_all(handshake(kClientIsn, kServerIsn));
    std::uint64_t frame = 10;
    for (std::size_t i : order) d.feed(segments[i], frame++);
    SCOPED_TRACE(::testing::PrintToString(order));
    EXPECT_EQ(d.recorder.text(), payload);
    expect_contiguous(d.recorder, kC2S);
    ASSERT_FALSE(d.recorder.chunks.empty());
    EXPECT_EQ(d.recorder.chunks.back().frame_no, frame - 1) << "the last segment fed completes the stream";
    EXPECT_EQ(d.context.counters().buffered_bytes, 0u);
    EXPECT_EQ(d.context.counters().gaps, 0u);
    EXPECT_EQ(d.context.counters().bytes_delivered, payload.size());
    EXPECT_TRUE(d.recorder.anomalies.empty());
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 120);
}

TEST(ReassemblyOrder, InOrderSegmentsAreDeliveredFromThePacketWithoutCopy) {
  const std::string payload = pattern(300);
  const auto segments = split(payload, kClientIsn + 1, 5, kServerIsn + 1);
  Driver d;
  d.feed_all(handshake(kClientIsn, kServerIsn));
  d.feed_all(segments, 10);
  ASSERT_EQ(d.recorder.chunks.size(), segments.size());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    EXPECT_EQ(d.recorder.chunks[i].data, reinterpret_cast<const std::byte*>(segments[i].data.data()));
    EXPECT_EQ(d.recorder.chunks[i].frame_no, 10 + i);
  }
  EXPECT_EQ(d.context.counters().in_order_segments, segments.size());
  EXPECT_EQ(d.context.counters().peak_buffered_bytes, 0u);
}

TEST(ReassemblyOrder, RandomOrdersOfTenSegmentsWithDuplicatesAndOverlaps) {
  const std::string payload = pattern(1000, 5);
  const auto base = split(payload, kClientIsn + 1, 10, kServerIsn + 1);
  std::mt19937 rng(20240607);
  for (int round = 0; round < 400; ++round) {
    std::vector<Segment> segments = base;
    // Extra copies: duplicates of whole segments and re-segmented overlapping ranges.
    const int extras = static_cast<int>(rng() % 12);
    for (int i = 0; i < extras; ++i) {
      if (rng() % 2 == 0) {
        segments.push_back(base[rng() % base.size()]);
      } else {
        const std::size_t start = rng() % payload.size();
        const std::size_t n = 1 + rng() % std::min<std::size_t>(250, payload.size() - start);
        segments.push_back(Segment{kC2S, kClientIsn + 1 + static_cast<std::uint32_t>(start), kServerIsn + 1, tf::kAck,
                                   payload.substr(start, n)});
      }
    }
    std::shuffle(segments.begin(), segments.end(), rng);
    Driver d;
    d.feed_all(handshake(kClientIsn, kServerIsn));
    d.feed_all(segments, 10);
    SCOPED_TRACE(round);
    ASSERT_EQ(d.recorder.text(), payload);
    expect_contiguous(d.recorder, kC2S);
    EXPECT_EQ(d.anomaly(StreamAnomaly::conflicting_overlap), 0u);
    EXPECT_EQ(d.context.counters().buffered_bytes, 0u);
  }
}

// One segment never arrives; the rest come in every order, then the flow ends (finish) or the
// receiver's ACK passes the hole. Exactly one gap marker, after the hole, with its size.
void check_one_missing(bool end_by_ack) {
  const std::string payload = pattern(500, 3);
  const auto segments = split(payload, kClientIsn + 1, 5, kServerIsn + 1);
  for (std::size_t missing = 0; missing + 1 < segments.size(); ++missing) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (i != missing) order.push_back(i);
    }
    const std::uint64_t hole_start = segments[missing].seq - (kClientIsn + 1);
    const std::uint64_t hole_size = segments[missing].data.size();
    do {
      Driver d;
      d.feed_all(handshake(kClientIsn, kServerIsn));
      std::uint64_t frame = 10;
      for (std::size_t i : order) d.feed(segments[i], frame++);
      if (end_by_ack) {
        d.feed(Segment{kS2C, kServerIsn + 1, kClientIsn + 1 + static_cast<std::uint32_t>(payload.size()), tf::kAck, ""}, 77);
      } else {
        d.finish(88);
      }
      SCOPED_TRACE(::testing::Message() << "missing " << missing << " order " << ::testing::PrintToString(order));
      std::string expected = payload;
      expected.erase(hole_start, hole_size);
      EXPECT_EQ(d.recorder.text(), expected);
      const auto gaps = d.recorder.gap_markers();
      ASSERT_EQ(gaps.size(), 1u);
      EXPECT_EQ(gaps[0].offset, hole_start + hole_size);
      EXPECT_EQ(gaps[0].gap_bytes, hole_size);
      EXPECT_EQ(gaps[0].frame_no, end_by_ack ? 77u : 88u);
      EXPECT_EQ(d.context.counters().gaps, 1u);
      EXPECT_EQ(d.context.counters().gap_bytes, hole_size);
      EXPECT_EQ(d.context.counters().buffered_bytes, 0u);
    } while (std::next_permutation(order.begin(), order.end()));
  }
}

TEST(ReassemblyOrder, OneMissingSegmentGivesOneGapMarkerAtFinish) { check_one_missing(false); }
TEST(ReassemblyOrder, OneMissingSegmentGivesOneGapMarkerWhenAckedUnseen) { check_one_missing(true); }

TEST(ReassemblyOrder, MissingLastSegmentIsCountedWhenAckedButHasNoChunkToMark) {
  const std::string payload = pattern(200);
  const auto segments = split(payload, kClientIsn + 1, 4, kServerIsn + 1);
  Driver d;
  d.feed_all(handshake(kClientIsn, kServerIsn));
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) d.feed(segments[i], 10 + i);
  d.feed(Segment{kS2C, kServerIsn + 1, kClientIsn + 1 + static_cast<std::uint32_t>(payload.size()), tf::kAck, ""}, 20);
  EXPECT_TRUE(d.recorder.gap_markers().empty());
  EXPECT_EQ(d.context.counters().gap_bytes, segments.back().data.size());
  // Data after the skipped range carries the marker.
  d.feed(Segment{kC2S, kClientIsn + 1 + static_cast<std::uint32_t>(payload.size()), kServerIsn + 1, tf::kAck, "next"}, 21);
  const auto gaps = d.recorder.gap_markers();
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].offset, payload.size());
  EXPECT_EQ(gaps[0].gap_bytes, segments.back().data.size());
  EXPECT_EQ(gaps[0].bytes, "next");
}

}  // namespace
}  // namespace normwatch::stream::testing
