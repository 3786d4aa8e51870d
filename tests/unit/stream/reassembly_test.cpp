// TcpReassembler behaviours one by one: handshake offsets, overlaps and conflicts (first copy
// wins), sequence wrap, mid-stream pick-up, caps forcing gaps, FIN/RST ends, ACKed-unseen gaps,
// windows and anomalies.
#include <gtest/gtest.h>

#include "stream/stream_test_helpers.hpp"

namespace normwatch::stream::testing {
namespace {

constexpr std::uint32_t kCIsn = 5000;
constexpr std::uint32_t kSIsn = 700000;
constexpr std::uint32_t kC0 = kCIsn + 1;  // client's first data byte
constexpr std::uint32_t kS0 = kSIsn + 1;

Segment c2s(std::uint32_t rel, std::string data, std::uint8_t flags = tf::kAck) {
  return Segment{kC2S, kC0 + rel, kS0, flags, std::move(data)};
}
Segment s2c(std::uint32_t rel, std::string data, std::uint32_t ack_rel, std::uint8_t flags = tf::kAck) {
  return Segment{kS2C, kS0 + rel, kC0 + ack_rel, flags, std::move(data)};
}

Driver& opened(Driver& d) {
  d.feed_all(handshake(kCIsn, kSIsn));
  return d;
}

TEST(Reassembly, DataStartsAfterTheIsnInBothDirections) {
  Driver d;
  opened(d);
  d.feed(c2s(0, "hello"), 4);
  d.feed(s2c(0, "world!", 5), 5);
  ASSERT_EQ(d.recorder.chunks.size(), 2u);
  EXPECT_EQ(d.recorder.chunks[0].offset, 0u);
  EXPECT_EQ(d.recorder.text(kC2S), "hello");
  EXPECT_EQ(d.recorder.text(kS2C), "world!");
  EXPECT_EQ(d.recorder.chunks[1].dir, kS2C);
  EXPECT_EQ(d.recorder.chunks[1].ts_ns, 5000);
  EXPECT_EQ(d.context.counters().streams, 2u);
  EXPECT_EQ(d.context.counters().midstream_pickups, 0u);
}

TEST(Reassembly, IdenticalRetransmissionIsDroppedWithoutAnomaly) {
  Driver d;
  opened(d);
  d.feed(c2s(0, "abcdef"), 4);
  d.feed(c2s(0, "abcdef"), 5);
  EXPECT_EQ(d.recorder.text(), "abcdef");
  EXPECT_EQ(d.context.counters().retransmitted_segments, 1u);
  EXPECT_EQ(d.anomaly(StreamAnomaly::conflicting_overlap), 0u);
}

TEST(Reassembly, ConflictingRetransmissionOfDeliveredBytesIsCountedAndFirstCopyKept) {
  Driver d;
  opened(d);
  d.feed(c2s(0, "abcdef"), 4);
  d.feed(c2s(2, "XY"), 5);
  EXPECT_EQ(d.recorder.text(), "abcdef");
  EXPECT_EQ(d.anomaly(StreamAnomaly::conflicting_overlap), 1u);
  ASSERT_EQ(d.recorder.anomalies.size(), 1u);
  EXPECT_EQ(d.recorder.anomalies[0], StreamAnomaly::conflicting_overlap);
}

TEST(Reassembly, PartlyOldSegmentDeliversOnlyTheNewBytesAndComparesTheOld) {
  Driver d;
  opened(d);
  d.feed(c2s(0, "abcdef"), 4);
  d.feed(c2s(4, "efgh"), 5);   // agrees on "ef"
  d.feed(c2s(6, "Zhij"), 6);   // disagrees on "g"... at offset 6 it says Z; then hij new
  EXPECT_EQ(d.recorder.text(), "abcdefghij");
  EXPECT_EQ(d.context.counters().overlapping_segments, 2u);
  EXPECT_EQ(d.anomaly(StreamAnomaly::conflicting_overlap), 1u);
}

TEST(Reassembly, ConflictWithHeldCopyKeepsTheHeldBytes) {
  Driver d;
  opened(d);
  d.feed(c2s(4, "EFGH"), 4);        // held
  d.feed(c2s(4, "efgh"), 5);        // same range, other bytes: first copy (held) wins
  d.feed(c2s(0, "abcdEFxx"), 6);    // fills the hole; overlaps the held copy, differing at 6..7
  EXPECT_EQ(d.recorder.text(), "abcdEFGH");
  EXPECT_EQ(d.anomaly(StreamAnomaly::conflicting_overlap), 2u);
  EXPECT_EQ(d.context.counters().buffered_bytes, 0u);
}

TEST(Reassembly, KeepAliveProbeIsNotAConflict) {
  Driver d;
  opened(d);
  d.feed(c2s(0, "abcdef"), 4);
  d.feed(c2s(5, std::string(1, '\0')), 5);  // Windows-style keep-alive: one old garbage byte
  EXPECT_EQ(d.anomaly(StreamAnomaly::conflicting_overlap), 0u);
  EXPECT_EQ(d.recorder.text(), "abcdef");
}

TEST(Reassembly, ChunksCarryTheFrameThatCompletedThem) {
  Driver d;
  opened(d);
  d.feed(c2s(3, "def"), 10);
  d.feed(c2s(0, "abc"), 11);
  ASSERT_EQ(d.recorder.chunks.size(), 2u);
  EXPECT_EQ(d.recorder.chunks[0].frame_no, 11u);
  EXPECT_EQ(d.recorder.chunks[1].frame_no, 11u);
  EXPECT_EQ(d.recorder.chunks[1].offset, 3u);
  EXPECT_EQ(d.recorder.chunks[1].ts_ns, 11000);
}

TEST(Reassembly, SequenceNumbersWrapAcross2To32) {
  const std::uint32_t isn = 0xFFFFFF00u;  // data crosses 2^32 after 255 bytes
  const std::string payload = pattern(1000);
  auto segments = split(payload, isn + 1, 8, kS0);
  Driver d;
  d.feed_all(handshake(isn, kSIsn));
  std::swap(segments[1], segments[3]);  // a little reordering across the wrap
  std::swap(segments[5], segments[6]);
  d.feed_all(segments, 10);
  EXPECT_EQ(d.recorder.text(), payload);
  EXPECT_TRUE(d.recorder.gap_markers().empty());
  EXPECT_GT(segments[7].seq, 0u);
  EXPECT_LT(segments[7].seq, isn);  // the last segment's sequence number did wrap
  // The server's ACK for the whole payload (a wrapped number) causes no gap.
  d.feed(Segment{kS2C, kS0, isn + 1 + 1000u, tf::kAck, ""}, 30);
  EXPECT_EQ(d.context.counters().gaps, 0u);
}

TEST(Reassembly, MidStreamPickUpStartsAtTheFirstDataSegment) {
  Driver d;
  d.feed(Segment{kC2S, 123456789, 0, tf::kPsh, "poll"}, 1);  // no SYN seen, no ACK flag
  d.feed(Segment{kS2C, 987654321, 123456789 + 4, tf::kAck | tf::kPsh, "reply"}, 2);
  d.feed(Segment{kC2S, 123456789 + 4, 987654321 + 5, tf::kAck, "more"}, 3);
  EXPECT_EQ(d.recorder.text(kC2S), "pollmore");
  EXPECT_EQ(d.recorder.text(kS2C), "reply");
  EXPECT_EQ(d.recorder.chunks[0].offset, 0u);
  EXPECT_EQ(d.context.counters().midstream_pickups, 2u);
  EXPECT_TRUE(d.recorder.anomalies.empty());
}

TEST(Reassembly, PerDirectionByteCapForcesAGapInsteadOfDropping) {
  ReassemblyLimits limits;
  limits.max_buffered_per_direction = 10;
  Driver d(limits);
  opened(d);
  d.feed(c2s(0, "ab"), 4);
  d.feed(c2s(5, "fghij"), 5);   // hole 2..5 (3 bytes); 5 held
  d.feed(c2s(10, "klmno"), 6);  // 10 held: at the cap
  EXPECT_TRUE(d.recorder.gap_markers().empty());
  d.feed(c2s(20, "uv"), 7);     // over the cap: give up on the hole at 2
  EXPECT_EQ(d.anomaly(StreamAnomaly::stream_cap_reached), 1u);
  auto gaps = d.recorder.gap_markers();
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].offset, 5u);
  EXPECT_EQ(gaps[0].gap_bytes, 3u);
  EXPECT_EQ(gaps[0].frame_no, 7u);
  EXPECT_EQ(d.recorder.text(), "abfghijklmno");
  EXPECT_EQ(d.context.counters().buffered_bytes, 2u);  // "uv" now fits
  d.feed(c2s(2, "cde"), 8);     // the lost bytes arrive too late: old data now
  EXPECT_EQ(d.recorder.text(), "abfghijklmno");
  d.feed(c2s(15, "pqrst"), 9);
  EXPECT_EQ(d.recorder.text(), "abfghijklmnopqrstuv");
  EXPECT_EQ(d.recorder.gap_markers().size(), 1u);
}

TEST(Reassembly, SegmentLargerThanTheCapIsDeliveredAfterTheHole) {
  ReassemblyLimits limits;
  limits.max_buffered_per_direction = 4;
  Driver d(limits);
  opened(d);
  d.feed(c2s(3, "defghijk"), 4);
  EXPECT_EQ(d.anomaly(StreamAnomaly::stream_cap_reached), 1u);
  const auto gaps = d.recorder.gap_markers();
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].offset, 3u);
  EXPECT_EQ(gaps[0].gap_bytes, 3u);
  EXPECT_EQ(d.recorder.text(), "defghijk");
}

TEST(Reassembly, SegmentCountCapForcesAGap) {
  ReassemblyLimits limits;
  limits.max_segments_per_direction = 2;
  Driver d(limits);
  opened(d);
  d.feed(c2s(1, "b"), 4);
  d.feed(c2s(3, "d"), 5);
  d.feed(c2s(5, "f"), 6);
  EXPECT_EQ(d.anomaly(StreamAnomaly::stream_cap_reached), 1u);
  EXPECT_EQ(d.recorder.text(), "b");
  ASSERT_EQ(d.recorder.gap_markers().size(), 1u);
  EXPECT_EQ(d.recorder.gap_markers()[0].gap_bytes, 1u);
}

TEST(Reassembly, GlobalCapAcrossStreamsForcesAGap) {
  ReassemblyLimits limits;
  limits.max_buffered_global = 8;
  ReassemblyContext context(limits);
  TcpReassembler first(context);
  TcpReassembler second(context);
  Recorder r1;
  Recorder r2;
  for (const Segment& s : handshake(kCIsn, kSIsn)) {
    first.on_segment(s.dir, make_packet(s, 1), r1);
    second.on_segment(s.dir, make_packet(s, 1), r2);
  }
  const Segment a = c2s(2, "123456");
  first.on_segment(kC2S, make_packet(a, 5), r1);  // 6 held globally
  EXPECT_EQ(context.counters().buffered_bytes, 6u);
  const Segment b = c2s(2, "ABCD");
  second.on_segment(kC2S, make_packet(b, 6), r2);  // 6 + 4 > 8: the second stream gives up its hole
  EXPECT_EQ(context.counters().anomalies[static_cast<std::size_t>(StreamAnomaly::global_cap_reached)], 1u);
  EXPECT_EQ(r2.text(), "ABCD");
  ASSERT_EQ(r2.gap_markers().size(), 1u);
  EXPECT_EQ(r2.gap_markers()[0].gap_bytes, 2u);
  EXPECT_TRUE(r1.chunks.empty());
  EXPECT_EQ(context.counters().peak_buffered_bytes, 6u);
}

TEST(Reassembly, FinEndsTheDirectionOnceAllDataIsDelivered) {
  Driver d;
  opened(d);
  d.feed(c2s(3, "def", tf::kAck | tf::kFin), 4);  // FIN arrives before the data it follows
  EXPECT_TRUE(d.recorder.ends.empty());
  d.feed(c2s(0, "abc"), 5);
  EXPECT_EQ(d.recorder.text(), "abcdef");
  ASSERT_EQ(d.recorder.ends.size(), 1u);
  EXPECT_EQ(d.recorder.ends[0].dir, kC2S);
  EXPECT_EQ(d.recorder.ends[0].how, StreamEnd::fin);
  EXPECT_EQ(d.recorder.ends[0].frame_no, 5u);
  d.feed(c2s(6, "late"), 6);  // nothing after the FIN
  EXPECT_EQ(d.recorder.text(), "abcdef");
  d.feed(s2c(0, "", 7, tf::kAck | tf::kFin), 7);
  ASSERT_EQ(d.recorder.ends.size(), 2u);
  EXPECT_EQ(d.recorder.ends[1].dir, kS2C);
  d.finish();
  EXPECT_EQ(d.recorder.ends.size(), 2u) << "finish does not end a direction twice";
}

TEST(Reassembly, AckOfTheFinPastAHoleDeliversHeldDataWithAGapThenEnds) {
  Driver d;
  opened(d);
  d.feed(c2s(0, "abc"), 4);
  d.feed(c2s(6, "ghi", tf::kAck | tf::kFin), 5);  // "def" missed by the sensor
  EXPECT_TRUE(d.recorder.ends.empty());
  d.feed(s2c(0, "", 10, tf::kAck), 6);  // ACKs data and FIN (9 bytes + 1)
  EXPECT_EQ(d.recorder.text(), "abcghi");
  const auto gaps = d.recorder.gap_markers();
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].offset, 6u);
  EXPECT_EQ(gaps[0].gap_bytes, 3u);
  EXPECT_EQ(gaps[0].frame_no, 6u);
  ASSERT_EQ(d.recorder.ends.size(), 1u);
  EXPECT_EQ(d.recorder.ends[0].how, StreamEnd::fin);
}

TEST(Reassembly, AckPastAHoleWithNothingHeldMarksTheNextChunk) {
  Driver d;
  opened(d);
  d.feed(c2s(0, "abc"), 4);
  d.feed(s2c(0, "", 8, tf::kAck), 5);  // the server got 5 bytes the sensor did not see
  EXPECT_EQ(d.context.counters().gaps, 1u);
  EXPECT_EQ(d.context.counters().gap_bytes, 5u);
  d.feed(c2s(8, "ijk"), 6);
  EXPECT_EQ(d.recorder.text(), "abcijk");
  const auto gaps = d.recorder.gap_markers();
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].offset, 8u);
  EXPECT_EQ(gaps[0].gap_bytes, 5u);
  d.feed(c2s(3, "defgh"), 7);  // too late: the gap was reported
  EXPECT_EQ(d.recorder.text(), "abcijk");
}

TEST(Reassembly, DataOvertakenByItsAckIsTakenBackBeforeTheGapIsReported) {
  // A mirror port may forward the receiver's ACK before the data it acknowledges.
  Driver d;
  opened(d);
  d.feed(c2s(0, "abc"), 4);
  d.feed(s2c(0, "", 8, tf::kAck), 5);
  d.feed(c2s(3, "defgh"), 6);
  d.feed(c2s(8, "ijk"), 7);
  EXPECT_EQ(d.recorder.text(), "abcdefghijk");
  EXPECT_TRUE(d.recorder.gap_markers().empty());
  EXPECT_EQ(d.context.counters().gaps, 0u);
  EXPECT_EQ(d.context.counters().gap_bytes, 0u);
}

TEST(Reassembly, FinOvertakenByItsAckStillEndsTheStreamWithoutAGap) {
  Driver d;
  opened(d);
  d.feed(c2s(0, "abc"), 4);
  d.feed(s2c(0, "", 4, tf::kAck), 5);                 // ACKs "abc" and the FIN not seen yet
  d.feed(c2s(3, "", tf::kAck | tf::kFin), 6);
  ASSERT_EQ(d.recorder.ends.size(), 1u);
  EXPECT_EQ(d.recorder.ends[0].how, StreamEnd::fin);
  EXPECT_EQ(d.recorder.ends[0].frame_no, 6u);
  EXPECT_EQ(d.context.counters().gaps, 0u);
}

TEST(Reassembly, LateSegmentInsideAnUnreportedSkipReopensTheHole) {
  Driver d;
  opened(d);
  d.feed(c2s(0, "abc"), 4);
  d.feed(s2c(0, "", 8, tf::kAck), 5);   // skip 3..8, not reported yet
  d.feed(c2s(5, "fgh"), 6);             // bytes 5..8 arrive; 3..5 still missing: held again
  EXPECT_EQ(d.recorder.text(), "abc");
  EXPECT_EQ(d.context.counters().gaps, 0u);
  d.feed(s2c(0, "", 8, tf::kAck), 7);   // the next ACK gives up on 3..5 only
  EXPECT_EQ(d.recorder.text(), "abcfgh");
  const auto gaps = d.recorder.gap_markers();
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].offset, 5u);
  EXPECT_EQ(gaps[0].gap_bytes, 2u);
  EXPECT_EQ(d.context.counters().gap_bytes, 2u);
}

TEST(Reassembly, RstEndsBothDirectionsAfterDeliveringHeldData) {
  Driver d;
  opened(d);
  d.feed(c2s(0, "ab"), 4);
  d.feed(s2c(0, "xy", 2), 5);
  d.feed(c2s(4, "ef"), 6);  // held behind a hole
  d.feed(Segment{kS2C, kS0 + 2, kC0 + 2, tf::kRst | tf::kAck, ""}, 7);
  EXPECT_EQ(d.recorder.text(kC2S), "abef");
  ASSERT_EQ(d.recorder.gap_markers(kC2S).size(), 1u);
  ASSERT_EQ(d.recorder.ends.size(), 2u);
  EXPECT_EQ(d.recorder.ends[0].dir, kS2C);
  EXPECT_EQ(d.recorder.ends[0].how, StreamEnd::rst);
  EXPECT_EQ(d.recorder.ends[1].dir, kC2S);
  EXPECT_EQ(d.recorder.ends[1].how, StreamEnd::rst);
  EXPECT_EQ(d.recorder.ends[1].frame_no, 7u);
  d.feed(c2s(6, "gh"), 8);
  EXPECT_EQ(d.anomaly(StreamAnomaly::data_after_rst), 1u);
  EXPECT_EQ(d.recorder.text(kC2S), "abef");
  d.finish();
  EXPECT_EQ(d.recorder.ends.size(), 2u);
  EXPECT_EQ(d.context.counters().buffered_bytes, 0u);
}

TEST(Reassembly, RstFarOutsideTheSequenceSpaceIsIgnored) {
  Driver d;
  opened(d);
  d.feed(c2s(0, "ab"), 4);
  d.feed(Segment{kC2S, kC0 + 0x40000000u, 0, tf::kRst, ""}, 5);
  EXPECT_TRUE(d.recorder.ends.empty());
  EXPECT_EQ(d.anomaly(StreamAnomaly::seq_out_of_window), 1u);
  d.feed(c2s(2, "cd"), 6);
  EXPECT_EQ(d.recorder.text(), "abcd");
}

TEST(Reassembly, SegmentFarAheadIsIgnoredNotHeld) {
  Driver d;
  opened(d);
  d.feed(c2s(0, "ab"), 4);
  d.feed(c2s(100u << 20, "bogus"), 5);
  EXPECT_EQ(d.anomaly(StreamAnomaly::seq_out_of_window), 1u);
  EXPECT_EQ(d.context.counters().buffered_bytes, 0u);
  d.feed(s2c(0, "", 200u << 20), 6);  // a bogus ACK far ahead skips nothing either
  EXPECT_EQ(d.anomaly(StreamAnomaly::seq_out_of_window), 2u);
  EXPECT_EQ(d.context.counters().gaps, 0u);
}

TEST(Reassembly, DataBeforeSynAckIsAnAnomalyButStillDelivered) {
  Driver d;
  d.feed(Segment{kC2S, kCIsn, 0, tf::kSyn, ""}, 1);
  d.feed(c2s(0, "early"), 2);
  d.feed(c2s(5, "again"), 3);
  EXPECT_EQ(d.anomaly(StreamAnomaly::data_before_syn_ack), 1u);
  EXPECT_EQ(d.recorder.text(), "earlyagain");
}

TEST(Reassembly, DataOnTheSynFollowsTheIsn) {
  Driver d;
  d.feed(Segment{kC2S, kCIsn, 0, tf::kSyn, "tfo"}, 1);
  d.feed(Segment{kS2C, kSIsn, kC0 + 3, tf::kSyn | tf::kAck, ""}, 2);
  d.feed(c2s(3, "rest"), 3);
  EXPECT_EQ(d.recorder.text(), "tforest");
  EXPECT_EQ(d.context.counters().gaps, 0u);
}

TEST(Reassembly, FinishFlushesHeldDataWithGapMarkersAndEndsBothDirections) {
  Driver d;
  opened(d);
  d.feed(c2s(2, "cd"), 4);
  d.feed(c2s(6, "gh"), 5);
  d.feed(s2c(0, "srv", 0), 6);
  d.finish(42);
  EXPECT_EQ(d.recorder.text(kC2S), "cdgh");
  const auto gaps = d.recorder.gap_markers(kC2S);
  ASSERT_EQ(gaps.size(), 2u);
  EXPECT_EQ(gaps[0].offset, 2u);
  EXPECT_EQ(gaps[1].offset, 6u);
  EXPECT_EQ(gaps[1].gap_bytes, 2u);
  EXPECT_EQ(gaps[1].frame_no, 42u);
  ASSERT_EQ(d.recorder.ends.size(), 2u);
  EXPECT_EQ(d.recorder.ends[0].how, StreamEnd::flow_end);
  EXPECT_EQ(d.context.counters().buffered_bytes, 0u);
}

TEST(Reassembly, DestroyingAReassemblerReleasesItsHeldBytesAndWindows) {
  ReassemblyContext context;
  {
    TcpReassembler r(context);
    Recorder rec;
    for (const Segment& s : handshake(kCIsn, kSIsn)) r.on_segment(s.dir, make_packet(s, 1), rec);
    const Segment held = c2s(10, "later");
    r.on_segment(kC2S, make_packet(held, 2), rec);
    EXPECT_EQ(context.counters().buffered_bytes, 5u);
    EXPECT_GT(context.counters().window_bytes, 0u);
  }
  EXPECT_EQ(context.counters().buffered_bytes, 0u);
  EXPECT_EQ(context.counters().window_bytes, 0u);
}

TEST(Reassembly, PureAcksAndSynsAllocateNoWindow) {
  Driver d;
  opened(d);
  d.feed(s2c(0, "", 0), 4);
  EXPECT_EQ(d.context.counters().window_bytes, 0u);
  EXPECT_EQ(d.context.counters().streams, 0u);
}

TEST(Reassembly, OverlapWindowCapTurnsConflictChecksOffForNewStreams) {
  ReassemblyLimits limits;
  limits.overlap_window_bytes = 64;
  limits.max_overlap_window_global = 64;
  Driver d(limits);
  opened(d);
  d.feed(c2s(0, "abc"), 4);
  d.feed(s2c(0, "xyz", 3), 5);
  EXPECT_EQ(d.anomaly(StreamAnomaly::window_cap_reached), 1u);
  EXPECT_EQ(d.context.counters().window_bytes, 64u);
  d.feed(s2c(0, "XYZ", 3), 6);  // no window for this direction: the conflict goes unseen
  d.feed(c2s(0, "ABC"), 7);     // this one has a window
  EXPECT_EQ(d.anomaly(StreamAnomaly::conflicting_overlap), 1u);
  EXPECT_EQ(d.recorder.text(kS2C), "xyz");
}

TEST(StreamAnomalyNames, AreStableAndPrefixed) {
  EXPECT_EQ(name(StreamAnomaly::conflicting_overlap), "stream.conflicting_overlap");
  EXPECT_EQ(name(StreamAnomaly::stream_cap_reached), "stream.stream_cap_reached");
  EXPECT_EQ(name(StreamAnomaly::global_cap_reached), "stream.global_cap_reached");
  EXPECT_EQ(name(StreamAnomaly::data_after_rst), "stream.data_after_rst");
  EXPECT_EQ(name(StreamAnomaly::data_before_syn_ack), "stream.data_before_syn_ack");
  EXPECT_EQ(name(StreamAnomaly::seq_out_of_window), "stream.seq_out_of_window");
  EXPECT_EQ(name(StreamAnomaly::window_cap_reached), "stream.window_cap_reached");
  for (std::size_t i = 0; i < kStreamAnomalyCount; ++i) {
    EXPECT_NE(name(static_cast<StreamAnomaly>(i)), "stream.unknown") << i;
  }
}

}  // namespace
}  // namespace normwatch::stream::testing
