// Transport reassembly: single and multi-segment fragments, sequence roll-over 63 -> 0, missing
// FIR, out-of-sequence and duplicate segments, FIR in the middle, the size cap, per-pair and
// per-side separation, and the bounded context table.
#include "normwatch/protocols/dnp3/transport.hpp"

#include <gtest/gtest.h>

#include "protocols/dnp3/dnp3_test_helpers.hpp"

namespace normwatch::protocols::dnp3 {
namespace {

using test::ByteVec;
using test::segment;

const TransportKey kKey{Side::server, 10, 1};

ByteVec bytes(std::size_t n, std::uint8_t fill) { return ByteVec(n, static_cast<std::byte>(fill)); }

std::vector<Anomaly> anomalies(const SegmentOutcome& o) {
  return std::vector<Anomaly>(o.anomalies.begin(), o.anomalies.begin() + o.anomaly_count);
}

TEST(Dnp3Transport, SingleSegmentFragmentIsHandedOverWithoutCopy) {
  TransportReassembler t(TransportLimits{});
  const auto s = segment(true, true, 5, core::Bytes(test::hex("c0 01 3c 02 06")));
  const auto o = t.on_segment(kKey, core::Bytes(s));
  ASSERT_EQ(o.status, SegmentStatus::complete);
  EXPECT_EQ(o.fragment.data(), s.data() + 1);
  EXPECT_EQ(test::to_hex(o.fragment), "c0013c0206");
  EXPECT_TRUE(o.header.fir);
  EXPECT_TRUE(o.header.fin);
  EXPECT_EQ(o.header.seq, 5);
}

TEST(Dnp3Transport, MultiSegmentFragmentInOrder) {
  TransportReassembler t(TransportLimits{});
  const auto a = segment(true, false, 7, core::Bytes(bytes(249, 0xA1)));
  const auto b = segment(false, false, 8, core::Bytes(bytes(249, 0xB2)));
  const auto c = segment(false, true, 9, core::Bytes(bytes(10, 0xC3)));
  EXPECT_EQ(t.on_segment(kKey, core::Bytes(a)).status, SegmentStatus::partial);
  EXPECT_EQ(t.on_segment(kKey, core::Bytes(b)).status, SegmentStatus::partial);
  const auto o = t.on_segment(kKey, core::Bytes(c));
  ASSERT_EQ(o.status, SegmentStatus::complete);
  ASSERT_EQ(o.fragment.size(), 508u);
  EXPECT_EQ(o.fragment[0], std::byte{0xA1});
  EXPECT_EQ(o.fragment[249], std::byte{0xB2});
  EXPECT_EQ(o.fragment[507], std::byte{0xC3});
  EXPECT_EQ(t.counters().multi_segment_fragments, 1u);
}

TEST(Dnp3Transport, SequenceRollsOverFrom63To0) {
  TransportReassembler t(TransportLimits{});
  const auto a = segment(true, false, 62, core::Bytes(bytes(4, 1)));
  const auto b = segment(false, false, 63, core::Bytes(bytes(4, 2)));
  const auto c = segment(false, true, 0, core::Bytes(bytes(4, 3)));
  t.on_segment(kKey, core::Bytes(a));
  t.on_segment(kKey, core::Bytes(b));
  const auto o = t.on_segment(kKey, core::Bytes(c));
  EXPECT_EQ(o.status, SegmentStatus::complete);
  EXPECT_EQ(o.fragment.size(), 12u);
  EXPECT_EQ(o.anomaly_count, 0);
}

TEST(Dnp3Transport, MissingFirIsDiscardedWithOneAnomalyPerFragment) {
  TransportReassembler t(TransportLimits{});
  const auto b = segment(false, false, 3, core::Bytes(bytes(4, 2)));
  const auto c = segment(false, true, 4, core::Bytes(bytes(4, 3)));
  const auto o1 = t.on_segment(kKey, core::Bytes(b));
  EXPECT_EQ(o1.status, SegmentStatus::dropped);
  EXPECT_EQ(anomalies(o1), std::vector<Anomaly>{Anomaly::transport_no_fir});
  const auto o2 = t.on_segment(kKey, core::Bytes(c));  // rest of the same fragment: quiet
  EXPECT_EQ(o2.status, SegmentStatus::dropped);
  EXPECT_EQ(o2.anomaly_count, 0);
  // The next FIR starts cleanly.
  const auto d = segment(true, true, 5, core::Bytes(bytes(3, 9)));
  EXPECT_EQ(t.on_segment(kKey, core::Bytes(d)).status, SegmentStatus::complete);
}

TEST(Dnp3Transport, LostMiddleSegmentIsOutOfSequence) {
  TransportReassembler t(TransportLimits{});
  const auto a = segment(true, false, 1, core::Bytes(bytes(4, 1)));
  const auto c = segment(false, false, 3, core::Bytes(bytes(4, 3)));
  const auto d = segment(false, true, 4, core::Bytes(bytes(4, 4)));
  t.on_segment(kKey, core::Bytes(a));
  const auto o = t.on_segment(kKey, core::Bytes(c));
  EXPECT_EQ(o.status, SegmentStatus::dropped);
  EXPECT_EQ(anomalies(o), std::vector<Anomaly>{Anomaly::transport_out_of_sequence});
  const auto o2 = t.on_segment(kKey, core::Bytes(d));
  EXPECT_EQ(o2.status, SegmentStatus::dropped);
  EXPECT_EQ(o2.anomaly_count, 0);
  EXPECT_EQ(t.counters().abandoned_fragments, 1u);
}

TEST(Dnp3Transport, RepeatedSegmentIsADuplicateNotAnError) {
  TransportReassembler t(TransportLimits{});
  const auto a = segment(true, false, 1, core::Bytes(bytes(4, 1)));
  const auto b = segment(false, false, 2, core::Bytes(bytes(4, 2)));
  const auto c = segment(false, true, 3, core::Bytes(bytes(4, 3)));
  t.on_segment(kKey, core::Bytes(a));
  EXPECT_EQ(t.on_segment(kKey, core::Bytes(a)).status, SegmentStatus::duplicate);
  t.on_segment(kKey, core::Bytes(b));
  const auto dup = t.on_segment(kKey, core::Bytes(b));
  EXPECT_EQ(dup.status, SegmentStatus::duplicate);
  EXPECT_EQ(dup.anomaly_count, 0);
  const auto o = t.on_segment(kKey, core::Bytes(c));
  ASSERT_EQ(o.status, SegmentStatus::complete);
  EXPECT_EQ(o.fragment.size(), 12u);
  EXPECT_EQ(t.counters().duplicates, 2u);
}

TEST(Dnp3Transport, FirInTheMiddleRestartsAndReportsTheAbandonedFragment) {
  TransportReassembler t(TransportLimits{});
  const auto a = segment(true, false, 1, core::Bytes(bytes(4, 1)));
  const auto n = segment(true, true, 9, core::Bytes(bytes(5, 7)));
  t.on_segment(kKey, core::Bytes(a));
  const auto o = t.on_segment(kKey, core::Bytes(n));
  EXPECT_EQ(o.status, SegmentStatus::complete);
  EXPECT_EQ(o.fragment.size(), 5u);
  EXPECT_EQ(anomalies(o), std::vector<Anomaly>{Anomaly::transport_fir_restart});
}

TEST(Dnp3Transport, FragmentOverTheCapIsDiscardedUntilNextFir) {
  TransportLimits limits;
  limits.max_fragment_size = 300;
  TransportReassembler t(limits);
  const auto a = segment(true, false, 0, core::Bytes(bytes(249, 1)));
  const auto b = segment(false, false, 1, core::Bytes(bytes(249, 2)));
  const auto c = segment(false, true, 2, core::Bytes(bytes(10, 3)));
  EXPECT_EQ(t.on_segment(kKey, core::Bytes(a)).status, SegmentStatus::partial);
  const auto o = t.on_segment(kKey, core::Bytes(b));
  EXPECT_EQ(o.status, SegmentStatus::dropped);
  EXPECT_EQ(anomalies(o), std::vector<Anomaly>{Anomaly::fragment_too_long});
  const auto o2 = t.on_segment(kKey, core::Bytes(c));
  EXPECT_EQ(o2.status, SegmentStatus::dropped);
  EXPECT_EQ(o2.anomaly_count, 0);
  const auto d = segment(true, true, 3, core::Bytes(bytes(300, 4)));  // exactly the cap is fine
  EXPECT_EQ(t.on_segment(kKey, core::Bytes(d)).status, SegmentStatus::complete);
  const auto e = segment(true, true, 4, core::Bytes(bytes(301, 4)));
  const auto o3 = t.on_segment(kKey, core::Bytes(e));
  EXPECT_EQ(anomalies(o3), std::vector<Anomaly>{Anomaly::fragment_too_long});
}

TEST(Dnp3Transport, PairsAndSidesReassembleIndependently) {
  TransportReassembler t(TransportLimits{});
  const TransportKey other_pair{Side::server, 11, 1};
  const TransportKey other_side{Side::client, 10, 1};
  const auto a1 = segment(true, false, 1, core::Bytes(bytes(2, 0xA)));
  const auto b1 = segment(true, false, 40, core::Bytes(bytes(2, 0xB)));
  const auto c1 = segment(true, false, 20, core::Bytes(bytes(2, 0xC)));
  t.on_segment(kKey, core::Bytes(a1));
  t.on_segment(other_pair, core::Bytes(b1));
  t.on_segment(other_side, core::Bytes(c1));
  const auto a2 = segment(false, true, 2, core::Bytes(bytes(1, 0xA)));
  const auto b2 = segment(false, true, 41, core::Bytes(bytes(1, 0xB)));
  const auto c2 = segment(false, true, 21, core::Bytes(bytes(1, 0xC)));
  EXPECT_EQ(test::to_hex(t.on_segment(other_side, core::Bytes(c2)).fragment), "0c0c0c");
  EXPECT_EQ(test::to_hex(t.on_segment(kKey, core::Bytes(a2)).fragment), "0a0a0a");
  EXPECT_EQ(test::to_hex(t.on_segment(other_pair, core::Bytes(b2)).fragment), "0b0b0b");
  EXPECT_EQ(t.tracked_pairs(), 3u);
}

TEST(Dnp3Transport, ContextTableIsBoundedAndEvictsLeastRecentlyUsed) {
  TransportLimits limits;
  limits.max_link_pairs = 2;
  TransportReassembler t(limits);
  const auto first = segment(true, false, 0, core::Bytes(bytes(2, 1)));
  t.on_segment(TransportKey{Side::server, 1, 9}, core::Bytes(first));
  t.on_segment(TransportKey{Side::server, 2, 9}, core::Bytes(first));
  const auto o = t.on_segment(TransportKey{Side::server, 3, 9}, core::Bytes(first));
  EXPECT_EQ(anomalies(o), std::vector<Anomaly>{Anomaly::too_many_link_pairs});
  EXPECT_EQ(t.tracked_pairs(), 2u);
  EXPECT_EQ(t.counters().evictions, 1u);
  // Pair 1 was evicted: its continuation now has no FIR.
  const auto cont = segment(false, true, 1, core::Bytes(bytes(1, 1)));
  const auto o2 = t.on_segment(TransportKey{Side::server, 1, 9}, core::Bytes(cont));
  EXPECT_EQ(o2.status, SegmentStatus::dropped);
}

TEST(Dnp3Transport, AbandonDropsOneSidesPartialFragments) {
  TransportReassembler t(TransportLimits{});
  const auto a = segment(true, false, 0, core::Bytes(bytes(2, 1)));
  t.on_segment(TransportKey{Side::server, 1, 2}, core::Bytes(a));
  t.on_segment(TransportKey{Side::client, 2, 1}, core::Bytes(a));
  EXPECT_EQ(t.abandon(Side::server), 1u);
  EXPECT_EQ(t.abandon(Side::server), 0u);
  EXPECT_EQ(t.abandon_all(), 1u);
}

TEST(Dnp3Transport, HeaderOnlySegmentMakesAnEmptyFragment) {
  TransportReassembler t(TransportLimits{});
  const auto s = segment(true, true, 0, {});
  const auto o = t.on_segment(kKey, core::Bytes(s));
  EXPECT_EQ(o.status, SegmentStatus::complete);
  EXPECT_TRUE(o.fragment.empty());
  EXPECT_EQ(t.on_segment(kKey, {}).status, SegmentStatus::dropped);
}

}  // namespace
}  // namespace normwatch::protocols::dnp3
