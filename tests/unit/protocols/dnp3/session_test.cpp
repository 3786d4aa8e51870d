// Session: TCP framing through the FrameAssembler (many frames per segment, one frame across
// segments), UDP datagrams, link-only PDUs, the record's frame number, role from the DIR bit,
// request/response pairing, unsolicited and SA counting, and the anomalies each layer raises.
#include "normwatch/protocols/dnp3/session.hpp"

#include <gtest/gtest.h>

#include "protocols/dnp3/dnp3_test_helpers.hpp"

namespace normwatch::protocols::dnp3 {
namespace {

using test::ByteVec;
using test::hex;
using test::kMasterUserData;
using test::kOutstationUserData;

constexpr std::uint16_t kMaster = 1;
constexpr std::uint16_t kOutstation = 10;

ByteVec request(std::string_view app_hex, std::uint8_t tseq = 0) {
  const ByteVec app = hex(app_hex);
  return test::fragment_frames(kMasterUserData, kOutstation, kMaster, core::Bytes(app), tseq);
}
ByteVec response(std::string_view app_hex, std::uint8_t tseq = 0) {
  const ByteVec app = hex(app_hex);
  return test::fragment_frames(kOutstationUserData, kMaster, kOutstation, core::Bytes(app), tseq);
}

struct Harness {
  explicit Harness(const Limits& limits = {}) : session(sink, limits) {}
  void stream(Side from, const ByteVec& bytes, std::uint64_t frame, bool gap = false) {
    session.on_stream(from, core::Bytes(bytes), gap, SegmentContext{frame, core::Timestamp{static_cast<std::int64_t>(frame)}});
  }
  void datagram(Side from, const ByteVec& bytes, std::uint64_t frame) {
    session.on_datagram(from, core::Bytes(bytes), SegmentContext{frame, core::Timestamp{}});
  }
  void end(std::uint64_t frame = 99) { session.on_end(SegmentContext{frame, core::Timestamp{}}); }
  test::RecordingSink sink;
  Dnp3Session session;
};

TEST(Dnp3Session, ReadRequestDescribesLinkAndApplication) {
  Harness h;
  h.stream(Side::client, request("c0 01 3c 02 06 3c 03 06 3c 04 06 3c 01 06"), 4);
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  const auto& r = h.sink.pdus[0];
  EXPECT_EQ(r.frame_no, 4u);
  EXPECT_EQ(r.from, Side::client);
  EXPECT_TRUE(r.malformed.empty());
  EXPECT_EQ(r.json,
            R"({"link":{"src":1,"dst":10,"dir":true,"prm":true,"fc":4},)"
            R"("app":{"fc":1,"seq":0,"fir":true,"fin":true,"con":false,"uns":false,"objects":[)"
            R"({"g":60,"v":2,"q":6,"count":0},{"g":60,"v":3,"q":6,"count":0},)"
            R"({"g":60,"v":4,"q":6,"count":0},{"g":60,"v":1,"q":6,"count":0}]}})");
  EXPECT_TRUE(h.sink.anomalies.empty());
  EXPECT_EQ(h.session.counters().requests, 1u);
}

TEST(Dnp3Session, ResponseHasIinAndStartStop) {
  Harness h;
  h.stream(Side::server, response("c0 81 00 00 01 02 00 00 01 01 81"), 7);
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_EQ(h.sink.pdus[0].json,
            R"({"link":{"src":10,"dst":1,"dir":false,"prm":true,"fc":4},)"
            R"("app":{"fc":129,"seq":0,"fir":true,"fin":true,"con":false,"uns":false,"iin":0,"objects":[)"
            R"({"g":1,"v":2,"q":0,"count":2,"start":0,"stop":1}]}})");
  EXPECT_EQ(h.sink.pdus[0].from, Side::server);
}

TEST(Dnp3Session, LinkOnlyFramesArePdusWithoutApp) {
  Harness h;
  const ByteVec reset = test::link_frame(0xC0, kOutstation, kMaster, {});
  const ByteVec status = test::link_frame(0x0B, kMaster, kOutstation, {});  // secondary LINK_STATUS
  h.stream(Side::client, reset, 1);
  h.stream(Side::server, status, 2);
  ASSERT_EQ(h.sink.pdus.size(), 2u);
  EXPECT_EQ(h.sink.pdus[0].json, R"({"link":{"src":1,"dst":10,"dir":true,"prm":true,"fc":0}})");
  EXPECT_EQ(h.sink.pdus[1].json, R"({"link":{"src":10,"dst":1,"dir":false,"prm":false,"fc":11}})");
  EXPECT_FALSE(h.sink.pdus[0].pdu.has_app);
  EXPECT_EQ(h.session.counters().link_only_frames, 2u);
  EXPECT_TRUE(h.sink.anomalies.empty());
}

TEST(Dnp3Session, ManyFramesInOneSegment) {
  Harness h;
  const ByteVec bytes = test::concat({test::link_frame(0xC9, kOutstation, kMaster, {}),
                                      request("c1 01 3c 01 06"), request("c2 01 3c 02 06")});
  h.stream(Side::client, bytes, 3);
  ASSERT_EQ(h.sink.pdus.size(), 3u);
  for (const auto& r : h.sink.pdus) EXPECT_EQ(r.frame_no, 3u);
  EXPECT_EQ(h.sink.pdus[2].pdu.app.control.seq, 2);
}

TEST(Dnp3Session, OneFrameAcrossSegmentsReportsTheLastFrameNumber) {
  Harness h;
  const ByteVec bytes = request("c0 01 3c 02 06 3c 03 06 3c 04 06 3c 01 06");
  for (std::size_t i = 0; i < bytes.size(); ++i) h.stream(Side::client, ByteVec{bytes[i]}, 100 + i);
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_EQ(h.sink.pdus[0].frame_no, 100 + bytes.size() - 1);
  EXPECT_TRUE(h.sink.anomalies.empty());
}

TEST(Dnp3Session, MultiFrameFragmentIsOneRecordAtTheCompletingFrame) {
  Harness h;
  ByteVec app = hex("c0 81 00 00 1e 01 01 00 00 77 00");  // g30v1 0..119: 600 bytes of data
  app.resize(app.size() + 120 * 5, std::byte{0x01});
  const ByteVec frames = test::fragment_frames(kOutstationUserData, kMaster, kOutstation, core::Bytes(app), 62);
  ASSERT_EQ(frames.size(), 292u * 2 + 10 + 114 + 2 * 8);  // 611 bytes: 249 + 249 + 113
  h.stream(Side::server, ByteVec(frames.begin(), frames.begin() + 292), 1);
  h.stream(Side::server, ByteVec(frames.begin() + 292, frames.begin() + 584), 2);
  EXPECT_TRUE(h.sink.pdus.empty());
  h.stream(Side::server, ByteVec(frames.begin() + 584, frames.end()), 3);
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_EQ(h.sink.pdus[0].frame_no, 3u);
  EXPECT_EQ(h.sink.pdus[0].pdu.app.size, app.size());
  EXPECT_EQ(h.sink.pdus[0].pdu.app.objects.size(), 1u);
  EXPECT_TRUE(h.sink.anomalies.empty()) << h.sink.anomalies[0].name;
  EXPECT_EQ(h.session.counters().link_frames, 3u);
}

TEST(Dnp3Session, RoleComesFromTheDirBitNotTheFlowGuess) {
  // Midstream pickup: the flow took the outstation for the client (Suricata PR #5324).
  Harness h;
  h.stream(Side::client, response("c0 81 00 00"), 1);
  h.stream(Side::server, request("c1 00"), 2);
  ASSERT_EQ(h.sink.pdus.size(), 2u);
  EXPECT_EQ(h.sink.pdus[0].from, Side::server);
  EXPECT_EQ(h.sink.pdus[1].from, Side::client);
  EXPECT_EQ(h.session.counters().direction_corrections, 2u);
  EXPECT_TRUE(h.sink.anomalies.empty());
}

TEST(Dnp3Session, DirBitFlippingOnOneSideIsAnAnomaly) {
  Harness h;
  h.stream(Side::client, request("c0 01 3c 01 06"), 1);
  h.stream(Side::client, response("c0 81 00 00"), 2);
  EXPECT_EQ(h.sink.count("dnp3.dir_inconsistent"), 1u);
}

TEST(Dnp3Session, ResponsesArePairedBySequenceNumber) {
  Harness h;
  h.stream(Side::client, request("c3 01 3c 01 06"), 1);
  h.stream(Side::server, response("c3 81 00 00"), 2);
  ASSERT_EQ(h.sink.pdus.size(), 2u);
  EXPECT_EQ(h.sink.pdus[1].request_function, 1);
  EXPECT_EQ(h.session.counters().paired_responses, 1u);
  EXPECT_EQ(h.session.pending_requests(), 0u);
  // A response with another sequence number answers nothing.
  h.stream(Side::client, request("c4 01 3c 01 06"), 3);
  h.stream(Side::server, response("c9 81 00 00"), 4);
  EXPECT_EQ(h.sink.pdus[3].request_function, -1);
  EXPECT_EQ(h.session.counters().unmatched_responses, 1u);
}

TEST(Dnp3Session, MultiFragmentResponseFollowsTheSequence) {
  Harness h;
  h.stream(Side::client, request("c5 01 3c 01 06"), 1);
  h.stream(Side::server, response("a5 81 00 00"), 2);  // FIR, CON, seq 5
  h.stream(Side::client, request("c5 00"), 3);         // confirm
  h.stream(Side::server, response("46 81 00 00"), 4);  // FIN, seq 6
  ASSERT_EQ(h.sink.pdus.size(), 4u);
  EXPECT_EQ(h.sink.pdus[1].request_function, 1);
  EXPECT_EQ(h.sink.pdus[3].request_function, 1);
  EXPECT_EQ(h.session.counters().confirms, 1u);
  EXPECT_EQ(h.session.pending_requests(), 0u);
}

TEST(Dnp3Session, UnsolicitedAndSecureAuthAreCounted) {
  Harness h;
  h.stream(Side::server, response("f0 82 00 00"), 1);
  h.stream(Side::client, request("d0 00"), 2);
  h.stream(Side::client, request("c1 20 78 04 07 01 01 00"), 3);
  h.stream(Side::server, response("c1 83 90 00 78 05 5b 01 0f 00 01 00 00 00 01 00 01 02 00 04 00 73 74 65 76"), 4);
  EXPECT_EQ(h.session.counters().unsolicited, 1u);
  EXPECT_EQ(h.session.counters().confirms, 1u);
  EXPECT_EQ(h.session.counters().secure_auth, 2u);
  ASSERT_EQ(h.sink.pdus.size(), 4u);
  EXPECT_TRUE(h.sink.pdus[2].secure_auth);
  EXPECT_EQ(h.sink.pdus[3].request_function, 0x20);
  EXPECT_TRUE(h.sink.anomalies.empty());
}

TEST(Dnp3Session, ControlObjectsReachTheRecord) {
  Harness h;
  h.stream(Side::client, request("c3 05 0c 01 28 01 00 05 00 43 01 64 00 00 00 c8 00 00 00 00"), 1);
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_EQ(h.sink.pdus[0].controls, 1u);
}

TEST(Dnp3Session, BadHeaderCrcResynchronisesOnTheNextFrame) {
  Harness h;
  ByteVec bad = test::link_frame(0xC0, kOutstation, kMaster, {});
  bad[8] ^= std::byte{0xFF};
  h.stream(Side::client, test::concat({bad, request("c1 01 3c 01 06")}), 1);
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_EQ(h.sink.pdus[0].pdu.app.function, 1);
  EXPECT_EQ(h.sink.anomaly_names(), std::vector<std::string>{"dnp3.bad_link_crc"});
  EXPECT_EQ(h.sink.anomalies[0].detail, "skipped 10 bytes");
  EXPECT_EQ(h.session.counters().resyncs, 1u);
  EXPECT_EQ(h.session.counters().bytes_skipped, 10u);
}

TEST(Dnp3Session, GarbageBeforeAFrameIsOneNoSyncEpisode) {
  Harness h;
  h.stream(Side::client, test::concat({hex("00 01 02 05 05 64 01 ff"), request("c1 01 3c 01 06")}), 1);
  EXPECT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_EQ(h.sink.anomaly_names(), std::vector<std::string>{"dnp3.no_sync"});
}

TEST(Dnp3Session, BadDataCrcReportsAMalformedLinkRecordAndDropsTheData) {
  Harness h;
  ByteVec frame = request("c1 01 3c 01 06");
  frame.back() ^= std::byte{0x01};
  h.stream(Side::client, frame, 1);
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_FALSE(h.sink.pdus[0].pdu.has_app);
  EXPECT_EQ(h.sink.pdus[0].malformed, "bad data block crc");
  EXPECT_EQ(h.sink.anomaly_names(), std::vector<std::string>{"dnp3.bad_data_crc"});
  EXPECT_EQ(h.session.counters().fragments, 0u);
}

TEST(Dnp3Session, GapDropsPartialFrameAndPartialFragment) {
  Harness h;
  ByteVec app = hex("c0 81 00 00 1e 01 01 00 00 77 00");
  app.resize(app.size() + 600, std::byte{0x01});
  const ByteVec frames = test::fragment_frames(kOutstationUserData, kMaster, kOutstation, core::Bytes(app));
  h.stream(Side::server, ByteVec(frames.begin(), frames.begin() + 292 + 100), 1);  // 1 frame + part
  h.stream(Side::server, response("c1 81 00 00"), 2, /*gap=*/true);
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_EQ(h.sink.pdus[0].pdu.app.control.seq, 1);
  EXPECT_EQ(h.sink.anomaly_names(), (std::vector<std::string>{"dnp3.link_truncated", "dnp3.fragment_abandoned"}));
}

TEST(Dnp3Session, TransportProblemsReachTheSink) {
  Harness h;
  // A continuation without its FIR, then a fragment over the size cap.
  const ByteVec seg = test::segment(false, true, 3, core::Bytes(hex("c0 01")));
  h.stream(Side::client, test::link_frame(kMasterUserData, kOutstation, kMaster, core::Bytes(seg)), 1);
  ByteVec big(3000, std::byte{0});
  big[0] = std::byte{0xC0};
  big[1] = std::byte{0x02};
  h.stream(Side::client, test::fragment_frames(kMasterUserData, kOutstation, kMaster, core::Bytes(big)), 2);
  EXPECT_TRUE(h.sink.pdus.empty());
  EXPECT_EQ(h.sink.anomaly_names(),
            (std::vector<std::string>{"dnp3.transport_no_fir", "dnp3.fragment_too_long"}));
}

TEST(Dnp3Session, MalformedFragmentIsReportedAndNamed) {
  Harness h;
  h.stream(Side::server, response("c0 81 00 00 1e 01 00 00 09 01 02"), 1);
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_EQ(h.sink.pdus[0].malformed, "object data truncated");
  EXPECT_EQ(h.sink.anomaly_names(), std::vector<std::string>{"dnp3.object_truncated"});
  EXPECT_EQ(h.session.counters().malformed, 1u);
}

TEST(Dnp3Session, UnknownObjectIsAnAnomalyOnACleanRecord) {
  Harness h;
  h.stream(Side::server, response("c0 81 00 00 63 01 00 00 00 05"), 1);
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_TRUE(h.sink.pdus[0].malformed.empty());
  EXPECT_EQ(h.sink.anomaly_names(), std::vector<std::string>{"dnp3.unknown_object"});
}

TEST(Dnp3Session, FunctionCodeAgainstRoleIsAnAnomaly) {
  Harness h;
  const ByteVec app = hex("c0 81 00 00");
  h.stream(Side::client, test::fragment_frames(kMasterUserData, kOutstation, kMaster, core::Bytes(app)), 1);
  EXPECT_EQ(h.sink.anomaly_names(), std::vector<std::string>{"dnp3.role_mismatch"});
}

TEST(Dnp3Session, LinkFunctionProblems) {
  Harness h;
  h.stream(Side::client, test::link_frame(0xC3, kOutstation, kMaster, {}), 1);  // user data function, no data
  h.stream(Side::client, test::link_frame(0xC5, kOutstation, kMaster, {}), 2);  // reserved primary function 5
  ASSERT_EQ(h.sink.pdus.size(), 2u);
  EXPECT_EQ(h.sink.anomaly_names(),
            (std::vector<std::string>{"dnp3.link_function_mismatch", "dnp3.unknown_link_function"}));
  EXPECT_EQ(h.sink.pdus[1].malformed, "reserved link function");
}

TEST(Dnp3Session, EndReportsUnansweredAndPartialState) {
  Harness h;
  h.stream(Side::client, request("c1 01 3c 01 06"), 1);
  ByteVec app(400, std::byte{0x01});
  const ByteVec frames = test::fragment_frames(kOutstationUserData, kMaster, kOutstation, core::Bytes(app));
  h.stream(Side::server, ByteVec(frames.begin(), frames.begin() + 292 + 5), 2);
  h.end();
  EXPECT_EQ(h.session.counters().unanswered_requests, 1u);
  EXPECT_EQ(h.sink.anomaly_names(), (std::vector<std::string>{"dnp3.link_truncated", "dnp3.fragment_abandoned"}));
}

TEST(Dnp3Session, PairingTableIsBounded) {
  Limits limits;
  limits.max_outstanding_requests = 2;
  Harness h(limits);
  for (std::uint16_t outstation = 20; outstation < 23; ++outstation) {
    const ByteVec app = hex("c1 01 3c 01 06");
    h.stream(Side::client, test::fragment_frames(kMasterUserData, outstation, kMaster, core::Bytes(app)), outstation);
  }
  EXPECT_EQ(h.sink.anomaly_names(), std::vector<std::string>{"dnp3.too_many_outstanding"});
  EXPECT_EQ(h.session.pending_requests(), 2u);
}

TEST(Dnp3Session, DatagramWithSeveralFrames) {
  Harness h;
  h.datagram(Side::client, test::concat({test::link_frame(0xC9, kOutstation, kMaster, {}), request("c1 01 3c 01 06")}), 5);
  ASSERT_EQ(h.sink.pdus.size(), 2u);
  EXPECT_EQ(h.sink.pdus[1].frame_no, 5u);
  EXPECT_TRUE(h.sink.anomalies.empty());
}

TEST(Dnp3Session, DatagramEndingInsideAFrame) {
  Harness h;
  ByteVec d = request("c1 01 3c 01 06 3c 02 06");
  d.resize(14);
  h.datagram(Side::client, d, 1);
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_EQ(h.sink.pdus[0].malformed, "truncated link frame");
  EXPECT_EQ(h.sink.anomaly_names(), std::vector<std::string>{"dnp3.link_truncated"});
}

TEST(Dnp3Session, DatagramOfForeignBytes) {
  Harness h;
  h.datagram(Side::client, hex("00 01 00 00 00 06 01 03 00 00 00 0a"), 1);  // Modbus
  EXPECT_TRUE(h.sink.pdus.empty());
  EXPECT_EQ(h.sink.anomaly_names(), std::vector<std::string>{"dnp3.no_sync"});
  EXPECT_EQ(h.sink.anomalies[0].detail, "skipped 12 bytes");
}

TEST(Dnp3Session, EveryChunkingOfAConversationGivesTheSameRecords) {
  const ByteVec bytes = test::concat({request("c1 01 3c 02 06"), test::link_frame(0xC0, kOutstation, kMaster, {}),
                                      request("c2 05 0c 01 28 01 00 05 00 43 01 64 00 00 00 c8 00 00 00 00")});
  Harness whole;
  whole.stream(Side::client, bytes, 1);
  ASSERT_EQ(whole.sink.pdus.size(), 3u);
  for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
    Harness h;
    h.stream(Side::client, ByteVec(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut)), 1);
    h.stream(Side::client, ByteVec(bytes.begin() + static_cast<std::ptrdiff_t>(cut), bytes.end()), 2);
    ASSERT_EQ(h.sink.pdus.size(), 3u) << cut;
    for (std::size_t i = 0; i < 3; ++i) ASSERT_EQ(h.sink.pdus[i].json, whole.sink.pdus[i].json) << cut;
    ASSERT_TRUE(h.sink.anomalies.empty()) << cut;
  }
}

}  // namespace
}  // namespace normwatch::protocols::dnp3
