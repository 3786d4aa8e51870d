// SliceRecorder (issue 10 §2): the window before and after a violation on its conversation, when
// a held finding is released (frames after, time, connection end, capture end), the order of
// events, the limits, and that the file is a pcap libpcap reads back frame for frame.
#include "normwatch/evidence/slice_recorder.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <cstring>

#include "normwatch/events/slice_ref.hpp"
#include "normwatch/evidence/pcap_slice.hpp"
#include "slice_test_helpers.hpp"

namespace normwatch::evidence {
namespace {

using test::CollectingSink;
using test::FrameSpec;
using test::make_frame;
using test::TempDir;

constexpr std::int64_t kMs = 1'000'000;

class SliceRecorderTest : public ::testing::Test {
 protected:
  std::unique_ptr<SliceRecorder> open(SliceOptions o = {}) {
    o.dir = dir.path();
    o.sensor_id = "s1";
    return SliceRecorder::open(o, sink).value();
  }
  // Frames first..last on `spec`, 1 ms apart (frame n at n ms).
  void feed(SliceRecorder& r, const FrameSpec& spec, std::uint64_t first, std::uint64_t last) {
    for (std::uint64_t n = first; n <= last; ++n) {
      auto f = make_frame(spec, n, static_cast<std::int64_t>(n) * kMs);
      r.on_frame(f.frame);
    }
  }
  TempDir dir;
  CollectingSink sink;
  FrameSpec a;
};

TEST_F(SliceRecorderTest, SliceHoldsTheFramesBeforeAndAfterOnTheSameConversation) {
  auto r = open();
  FrameSpec other;
  other.src_port = 40001;
  for (std::uint64_t n = 1; n <= 20; ++n) {  // a and another conversation interleaved
    auto f = make_frame(n % 2 == 1 ? a : other, n, static_cast<std::int64_t>(n) * kMs);
    r->on_frame(f.frame);
  }
  // Frame 19 (on a) broke a rule: a's frames so far are 1, 3 ... 19.
  r->emit(test::finding(a, 19, 19 * kMs));
  EXPECT_TRUE(sink.events.empty()) << "held until the frames after it are seen";
  for (std::uint64_t n = 21; n <= 40; ++n) {
    auto f = make_frame(n % 2 == 1 ? a : other, n, static_cast<std::int64_t>(n) * kMs);
    r->on_frame(f.frame);
  }
  ASSERT_EQ(sink.events.size(), 1u);
  const events::Event& e = sink.events[0];
  ASSERT_TRUE(e.slice);
  EXPECT_TRUE(e.slice->dropped.empty());
  EXPECT_EQ(e.slice->frames, 16u);        // 8 before (5..19 odd) and 8 after (21..35 odd)
  EXPECT_EQ(e.slice->first_frame, 5u);
  EXPECT_EQ(e.slice->last_frame, 35u);
  const std::string bytes = test::read_file(dir.path() / e.slice->name);
  EXPECT_EQ(events::sha256_hex(bytes), e.slice->sha256);
  ASSERT_TRUE(e.slice_pcap);
  EXPECT_EQ(*e.slice_pcap, bytes);
  EXPECT_EQ(e.slice->name, slice_file_name("s1", 5, 35, e.slice->sha256));
  // In the canonical line, inside "evidence".
  const std::string line = events::to_json_line(e);
  EXPECT_NE(line.find("\"evidence\":{\"frames\":[19],\"slice\":{\"first_frame\":5,\"frames\":16,\"last_frame\":35,"
                      "\"name\":\"" + e.slice->name + "\",\"sha256\":\"" + e.slice->sha256 + "\"}}"),
            std::string::npos)
      << line;
  const auto back = events::read_slice_ref(line);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name, e.slice->name);
  EXPECT_EQ(back->sha256, e.slice->sha256);
  EXPECT_EQ(back->frames, 16u);
}

// Plants reuse address plans across VLANs: the same addresses and ports on two VLANs are two
// conversations, and a finding's slice holds only its own VLAN's frames.
TEST_F(SliceRecorderTest, TheSameAddressesOnAnotherVlanAreAnotherConversation) {
  auto r = open();
  FrameSpec cell1;
  cell1.vlan = 101;
  FrameSpec cell2;
  cell2.vlan = 102;  // same addresses and ports as cell1
  for (std::uint64_t n = 1; n <= 40; ++n) {
    auto f = make_frame(n % 2 == 1 ? cell1 : cell2, n, static_cast<std::int64_t>(n) * kMs);
    r->on_frame(f.frame);
    if (n == 20) r->emit(test::finding(cell2, 20, 20 * kMs));  // frame 20 is on cell2
  }
  ASSERT_EQ(sink.events.size(), 1u);
  const events::Event& e = sink.events[0];
  ASSERT_TRUE(e.slice);
  EXPECT_TRUE(e.slice->dropped.empty());
  EXPECT_EQ(e.slice->frames, 16u);  // cell2's even frames 6..20 and 22..36, none of cell1's
  EXPECT_EQ(e.slice->first_frame, 6u);
  EXPECT_EQ(e.slice->last_frame, 36u);
  // The event says which VLAN (ECS network.vlan.id).
  EXPECT_NE(events::to_json_line(e).find("\"vlan\":{\"id\":\"102\"}"), std::string::npos);
}

TEST_F(SliceRecorderTest, AFindingReportedLateIsSlicedAroundItsOwnFrame) {
  auto r = open();
  feed(*r, a, 1, 20);
  // Frame 12's finding arrives after frame 20 (the flow was classified late): the 8 frames up to
  // 12 and the 8 after it are in memory already, so the slice is complete at once.
  r->emit(test::finding(a, 12, 12 * kMs));
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].slice->first_frame, 5u);  // 5..12 and 13..20
  EXPECT_EQ(sink.events[0].slice->last_frame, 20u);
  EXPECT_EQ(sink.events[0].slice->frames, 16u);
}

TEST_F(SliceRecorderTest, LibpcapReadsTheSliceBackFrameForFrame) {
  auto r = open();
  feed(*r, a, 1, 4);
  r->emit(test::finding(a, 4, 4 * kMs));
  feed(*r, a, 5, 6);
  r->finish();
  ASSERT_EQ(sink.events.size(), 1u);
  const events::SliceRef ref = *sink.events[0].slice;
  EXPECT_EQ(ref.frames, 6u);
  char err[PCAP_ERRBUF_SIZE];
  const std::string path = (dir.path() / ref.name).string();
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  ASSERT_NE(p, nullptr) << err;
  EXPECT_EQ(pcap_datalink(p), 1);
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  std::uint64_t n = 0;
  while (pcap_next_ex(p, &h, &data) == 1) {
    ++n;
    const auto expected = test::tcp_frame(a, n);
    ASSERT_EQ(h->caplen, expected.size());
    EXPECT_EQ(h->len, expected.size());
    EXPECT_EQ(std::memcmp(data, expected.data(), expected.size()), 0) << "frame " << n;
    EXPECT_EQ(static_cast<std::int64_t>(h->ts.tv_sec) * 1'000'000'000 + h->ts.tv_usec,
              static_cast<std::int64_t>(n) * kMs);  // tv_usec holds nanoseconds at nano precision
  }
  pcap_close(p);
  EXPECT_EQ(n, 6u);
}

TEST_F(SliceRecorderTest, CaptureEndReleasesHeldFindingsWithWhatWasSeen) {
  auto r = open();
  feed(*r, a, 1, 3);
  r->emit(test::finding(a, 3, 3 * kMs));
  feed(*r, a, 4, 5);
  EXPECT_TRUE(sink.events.empty());
  r->flush();
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].slice->frames, 5u);
  EXPECT_EQ(sink.flushes, 1);
}

TEST_F(SliceRecorderTest, ConnectionResetOrFinBothWaysEndsTheSlice) {
  auto r = open();
  feed(*r, a, 1, 2);
  r->emit(test::finding(a, 2, 2 * kMs));
  FrameSpec rst = a;
  rst.tcp_flags = 0x14;  // RST ACK
  auto f = make_frame(rst, 3, 3 * kMs);
  r->on_frame(f.frame);
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].slice->last_frame, 3u);

  r->emit(test::finding(a, 3, 3 * kMs));
  FrameSpec fin = a;
  fin.tcp_flags = 0x11;
  FrameSpec fin_back = fin;
  std::swap(fin_back.src_ip, fin_back.dst_ip);
  std::swap(fin_back.src_port, fin_back.dst_port);
  auto f4 = make_frame(fin, 4, 4 * kMs);
  r->on_frame(f4.frame);
  EXPECT_EQ(sink.events.size(), 1u) << "one FIN is a half-close";
  auto f5 = make_frame(fin_back, 5, 5 * kMs);
  r->on_frame(f5.frame);
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[1].slice->last_frame, 5u);
}

TEST_F(SliceRecorderTest, ASilentConversationIsReleasedAfterTheCaptureTimeLimit) {
  SliceOptions o;
  o.after_seconds = 2;
  auto r = open(o);
  feed(*r, a, 1, 2);
  r->emit(test::finding(a, 2, 2 * kMs));
  FrameSpec other;
  other.src_port = 40001;
  auto f = make_frame(other, 3, 1'000 * kMs);
  r->on_frame(f.frame);
  EXPECT_TRUE(sink.events.empty());
  auto g = make_frame(other, 4, 2'100 * kMs);  // 2 s after the finding, on another conversation
  r->on_frame(g.frame);
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].slice->frames, 2u);
}

TEST_F(SliceRecorderTest, AnIdleLiveInterfaceStillReleasesAfterTheTimeLimit) {
  SliceOptions o;
  o.after_seconds = 1;
  auto r = open(o);
  feed(*r, a, 1, 2);
  r->emit(test::finding(a, 2, 2 * kMs));
  r->tick(core::Timestamp{500 * kMs});
  EXPECT_TRUE(sink.events.empty());
  r->tick(core::Timestamp{1'100 * kMs});
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].slice->frames, 2u);
}

TEST_F(SliceRecorderTest, EventsLeaveInTheOrderTheyCameIn) {
  auto r = open();
  feed(*r, a, 1, 2);
  r->emit(test::finding(a, 2, 2 * kMs));
  events::Event health;
  health.kind = events::EventKind::health;
  health.message = "behind the finding";
  r->emit(health);
  EXPECT_TRUE(sink.events.empty());
  feed(*r, a, 3, 10);
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[0].kind, events::EventKind::norm_violation);
  EXPECT_EQ(sink.events[1].message, "behind the finding");
  EXPECT_FALSE(sink.events[1].slice);
}

TEST_F(SliceRecorderTest, FindingsOnAnOpenSliceShareIt) {
  auto r = open();
  feed(*r, a, 1, 2);
  r->emit(test::finding(a, 2, 2 * kMs));
  feed(*r, a, 3, 5);
  r->emit(test::finding(a, 5, 5 * kMs));  // the window after restarts at frame 5
  feed(*r, a, 6, 20);
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[0].slice->name, sink.events[1].slice->name);
  EXPECT_EQ(sink.events[0].slice->first_frame, 1u);
  EXPECT_EQ(sink.events[0].slice->last_frame, 13u);
  EXPECT_EQ(r->counters().slices_written, 1u);
  EXPECT_EQ(r->counters().events_with_slice, 2u);
}

TEST_F(SliceRecorderTest, AFindingWithoutFramesInMemoryGoesOutWithSliceDropped) {
  auto r = open();
  r->emit(test::finding(a, 7, 7 * kMs));
  ASSERT_EQ(sink.events.size(), 1u);
  ASSERT_TRUE(sink.events[0].slice);
  EXPECT_EQ(sink.events[0].slice->dropped, "slice.no_frames");
  EXPECT_NE(events::to_json_line(sink.events[0]).find("\"slice_dropped\":\"slice.no_frames\""), std::string::npos);
  EXPECT_EQ(r->counters().events_slice_dropped, 1u);
}

TEST_F(SliceRecorderTest, OnlyFindingsOnTcpOrUdpConversationsAreHeld) {
  auto r = open();
  feed(*r, a, 1, 2);
  events::Event no_endpoints;
  no_endpoints.kind = events::EventKind::anomaly;
  r->emit(no_endpoints);
  events::Event loss = test::finding(a, 2, 2 * kMs, events::EventKind::loss);
  r->emit(loss);
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_FALSE(sink.events[0].slice);
  EXPECT_FALSE(sink.events[1].slice);
}

TEST_F(SliceRecorderTest, TooManyOpenSlicesCutTheOldestShort) {
  SliceOptions o;
  o.max_open_slices = 2;
  auto r = open(o);
  std::vector<FrameSpec> specs(3, a);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    specs[i].src_port = static_cast<std::uint16_t>(41000 + i);
    feed(*r, specs[i], 10 * i + 1, 10 * i + 2);
    r->emit(test::finding(specs[i], 10 * i + 2, static_cast<std::int64_t>(10 * i + 2) * kMs));
  }
  ASSERT_EQ(sink.events.size(), 1u);  // the first, cut short to make room for the third
  EXPECT_EQ(sink.events[0].slice->frames, 2u);
  EXPECT_EQ(r->counters().cut_short, 1u);
  r->finish();
  EXPECT_EQ(sink.events.size(), 3u);
}

TEST_F(SliceRecorderTest, TooManyHeldEventsReleaseTheOldestEarly) {
  SliceOptions o;
  o.max_held_events = 3;
  auto r = open(o);
  feed(*r, a, 1, 2);
  r->emit(test::finding(a, 2, 2 * kMs));
  for (int i = 0; i < 3; ++i) {
    events::Event e;
    e.kind = events::EventKind::health;
    r->emit(e);
  }
  EXPECT_EQ(sink.events.size(), 4u);
  EXPECT_EQ(r->counters().cut_short, 1u);
}

TEST_F(SliceRecorderTest, WithoutAttachTheBytesStayLocal) {
  SliceOptions o;
  o.attach = false;
  auto r = open(o);
  feed(*r, a, 1, 2);
  r->emit(test::finding(a, 2, 2 * kMs));
  r->finish();
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_FALSE(sink.events[0].slice_pcap);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / sink.events[0].slice->name));
}

}  // namespace
}  // namespace normwatch::evidence
