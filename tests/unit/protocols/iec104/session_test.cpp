// The session's link procedures (IEC 60870-5-104 §5.2–5.5): STARTDT/STOPDT/TESTFR, N(S)/N(R)
// tracking with gaps, duplicates, unsent acknowledgements, the k/w window and 15-bit wrap; framing
// resynchronisation; TCP gaps; roles; command pairing.
#include <gtest/gtest.h>

#include "session_harness.hpp"

namespace normwatch::protocols::iec104 {
namespace {

using test::Harness;
using test::i_frame;
using test::s_frame;

using Names = std::vector<std::string>;

TEST(Session, StartupAndInterrogationAreCleanAndDescribed) {
  Harness h;
  h.start();
  h.client(i_frame(0, 0));                                            // C_IC_NA_1 act
  h.server(i_frame(0, 1, "64 01 07 00 01 00 00 00 00 14"));           // actcon
  h.server(i_frame(1, 1, "01 01 14 00 01 00 05 00 00 01"));           // M_SP_NA_1 inrogen
  h.server(i_frame(2, 1, "64 01 0a 00 01 00 00 00 00 14"));           // actterm
  h.client(s_frame(3));
  EXPECT_EQ(h.sink.anomaly_names(), Names{});
  ASSERT_EQ(h.sink.pdus.size(), 7u);
  EXPECT_EQ(h.sink.pdus[0].json, R"({"apci":"U","u":"STARTDT_ACT"})");
  EXPECT_EQ(h.sink.pdus[1].json, R"({"apci":"U","u":"STARTDT_CON"})");
  EXPECT_EQ(h.sink.pdus[2].json,
            R"({"apci":"I","tx":0,"rx":0,"asdu":{"type":100,"sq":false,"num":1,"cot":6,"neg":false,"test":false,"oa":0,"ca":1,"ioa":[0]}})");
  EXPECT_EQ(h.sink.pdus[6].json, R"({"apci":"S","rx":3})");
  EXPECT_EQ(h.sink.pdus[0].from, Side::client);
  EXPECT_EQ(h.sink.pdus[1].from, Side::server);
  const auto& c = h.session().counters();
  EXPECT_EQ(c.apdus, 7u);
  EXPECT_EQ(c.requests, 1u);
  EXPECT_EQ(c.responses, 1u);
  EXPECT_EQ(c.terminations, 1u);
  EXPECT_EQ(c.interrogated, 1u);
  EXPECT_EQ(h.session().data_transfer(), DataTransfer::started);
}

TEST(Session, SequenceGapIsNamedWithExpectedAndSeen) {
  Harness h;
  h.start();
  h.server(i_frame(0, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"));
  h.server(i_frame(2, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"));
  ASSERT_EQ(h.sink.anomaly_names(), Names{"iec104.sequence_gap"});
  EXPECT_EQ(h.sink.anomalies[0].detail, "expected N(S) 1, got 2");
  EXPECT_EQ(h.sink.anomalies[0].from, Side::server);
}

TEST(Session, DuplicateSendSequenceNumber) {
  Harness h;
  h.start();
  h.server(i_frame(0, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"));
  h.server(i_frame(1, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"));
  h.server(i_frame(1, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"));
  EXPECT_EQ(h.sink.anomaly_names(), Names{"iec104.sequence_duplicate"});
}

TEST(Session, AcknowledgementOfUnsentFrames) {
  Harness h;
  h.start();
  h.server(i_frame(0, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"));
  h.server(i_frame(1, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"));
  h.client(s_frame(5));
  ASSERT_EQ(h.sink.anomaly_names(), Names{"iec104.ack_of_unsent"});
  EXPECT_EQ(h.sink.anomalies[0].detail, "N(R) 5 but the peer's next N(S) is 2");
  EXPECT_EQ(h.sink.anomalies[0].from, Side::client);
}

TEST(Session, AcknowledgementGoingBack) {
  Harness h;
  h.start();
  for (int i = 0; i < 4; ++i) h.server(i_frame(i, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"));
  h.client(s_frame(4));
  h.client(s_frame(2));
  EXPECT_EQ(h.sink.anomaly_names(), Names{"iec104.ack_regressed"});
}

TEST(Session, IFrameBeforeStartdtConfirmation) {
  Harness h;
  h.client(test::kStartdtAct);
  h.client(i_frame(0, 0));
  h.client(i_frame(1, 0));  // same episode: reported once
  ASSERT_EQ(h.sink.anomaly_names(), Names{"iec104.i_frame_before_startdt"});
  EXPECT_EQ(h.sink.anomalies[0].detail, "data transfer STARTDT not confirmed");
  h.server(test::kStartdtCon);
  h.client(i_frame(2, 0));
  EXPECT_EQ(h.sink.anomalies.size(), 1u);
}

TEST(Session, IFrameAfterStopdtConfirmation) {
  Harness h;
  h.start();
  h.client(test::kStopdtAct);
  h.server(test::kStopdtCon);
  EXPECT_EQ(h.session().data_transfer(), DataTransfer::stopped);
  h.server(i_frame(0, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"));
  EXPECT_EQ(h.sink.anomaly_names(), Names{"iec104.i_frame_before_startdt"});
}

TEST(Session, MidStreamIFramesAreNotBlamedForAMissingStartdt) {
  Harness h;
  h.server(i_frame(40, 7, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"));
  h.client(s_frame(41));
  EXPECT_EQ(h.sink.anomaly_names(), Names{});
}

TEST(Session, KWindowExceededOncePerEpisode) {
  Harness h;
  h.start();
  for (int i = 0; i < 14; ++i) h.server(i_frame(i, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"), false, 0);
  ASSERT_EQ(h.sink.anomaly_names(), Names{"iec104.k_exceeded"});
  EXPECT_EQ(h.sink.anomalies[0].detail, "13 unacknowledged I-frames outstanding, k=12");
  h.client(s_frame(14), false, 0);  // acknowledges all: 14 at once, but all arrived in one burst
  h.server(i_frame(14, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"), false, 0);
  EXPECT_EQ(h.sink.anomaly_names(), Names{"iec104.k_exceeded"});
}

TEST(Session, KIsConfigurable) {
  Config config;
  config.k = 2;
  config.w = 1;
  Harness h(config);
  h.start();
  for (int i = 0; i < 3; ++i) h.server(i_frame(i, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"), false, 0);
  EXPECT_EQ(h.sink.anomaly_names(), Names{"iec104.k_exceeded"});
}

TEST(Session, WExceededWhenTheReceiverWaitsAcrossSeparateArrivals) {
  Harness h;
  h.start();
  for (int i = 0; i < 10; ++i) h.server(i_frame(i, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"), false, 1000 + i * 200);
  h.client(s_frame(10), false, 3000);
  ASSERT_EQ(h.sink.anomaly_names(), Names{"iec104.w_exceeded"});
  EXPECT_EQ(h.sink.anomalies[0].detail, "10 I-frames acknowledged at once, w=8");
}

TEST(Session, NoWViolationForABurstTheReceiverSawAtOnce) {
  Harness h;
  h.start();
  std::string burst;
  for (int i = 0; i < 10; ++i) burst += i_frame(i, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00") + " ";
  h.server(burst, false, 1000);
  h.client(s_frame(10), false, 1005);
  EXPECT_EQ(h.sink.anomaly_names(), Names{});
  EXPECT_EQ(h.sink.pdus.size(), 13u);
}

TEST(Session, NoWViolationWhenTheAckComesAfterW) {
  Harness h;
  h.start();
  for (int i = 0; i < 8; ++i) h.server(i_frame(i, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"), false, 1000 + i * 200);
  h.client(s_frame(8), false, 3000);
  for (int i = 8; i < 16; ++i) h.server(i_frame(i, 0, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"), false, 4000 + i * 200);
  h.client(s_frame(16), false, 8000);
  EXPECT_EQ(h.sink.anomaly_names(), Names{});
}

TEST(Session, FifteenBitWrapIsSeamless) {
  Harness h;
  h.start();
  const char* asdu = "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00";
  h.server(i_frame(32766, 100, asdu));
  h.server(i_frame(32767, 100, asdu));
  h.client(s_frame(0));
  h.server(i_frame(0, 100, asdu));
  h.server(i_frame(1, 100, asdu));
  h.client(s_frame(2));
  EXPECT_EQ(h.sink.anomaly_names(), Names{});
  h.server(i_frame(3, 100, asdu));  // 2 missing
  EXPECT_EQ(h.sink.anomaly_names(), Names{"iec104.sequence_gap"});
}

TEST(Session, TcpGapResetsTrackingWithOneAnomaly) {
  Harness h;
  h.start();
  const char* asdu = "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00";
  h.server(i_frame(0, 0, asdu));
  h.server(i_frame(1, 0, asdu) + " " + i_frame(2, 0, asdu).substr(0, 20));  // then bytes are lost
  h.server(i_frame(9, 0, asdu).substr(9) + " " + i_frame(10, 0, asdu), true);  // resumes mid-APDU
  h.client(s_frame(11));
  ASSERT_EQ(h.sink.anomaly_names(), Names{"iec104.gap"});
  EXPECT_EQ(h.sink.anomalies[0].from, Side::server);
  EXPECT_EQ(h.sink.pdus.back().json, R"({"apci":"S","rx":11})");
  const auto& c = h.session().counters();
  EXPECT_EQ(c.gaps, 1u);
  EXPECT_EQ(c.partial_discarded, 1u);
  EXPECT_GT(c.bytes_skipped, 0u);
}

TEST(Session, BadStartResynchronisesOnTheNextApdu) {
  Harness h;
  h.client("00 11 22 68 04 07 00 00 00");
  ASSERT_EQ(h.sink.anomaly_names(), Names{"iec104.bad_start"});
  EXPECT_EQ(h.sink.anomalies[0].detail, "skipped 3 bytes before resynchronising");
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_EQ(h.sink.pdus[0].json, R"({"apci":"U","u":"STARTDT_ACT"})");
  EXPECT_EQ(h.session().counters().resyncs, 1u);
}

TEST(Session, BadLengthResynchronises) {
  Harness h;
  h.client("68 02 01 00 68 04 43 00 00 00");
  EXPECT_EQ(h.sink.anomaly_names(), Names{"iec104.bad_length"});
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_EQ(h.sink.pdus[0].json, R"({"apci":"U","u":"TESTFR_ACT"})");
}

TEST(Session, WhileResynchronisingImplausibleHeadersAreSkipped) {
  Harness h;
  // Noise, then a U-frame with two function bits, an S-frame of length 6, then a real TESTFR act.
  h.client("ff 68 04 17 00 00 00 68 06 01 00 00 00 00 00 68 04 43 00 00 00");
  EXPECT_EQ(h.sink.anomaly_names(), Names{"iec104.bad_start"});
  ASSERT_EQ(h.sink.pdus.size(), 1u);
  EXPECT_EQ(h.sink.pdus[0].json, R"({"apci":"U","u":"TESTFR_ACT"})");
}

TEST(Session, InStepMalformedApdusAreReportedNotSkipped) {
  Harness h;
  h.start();
  h.client("68 04 17 00 00 00");
  ASSERT_EQ(h.sink.pdus.size(), 3u);
  EXPECT_EQ(h.sink.pdus[2].malformed, "u-format control 0x17: 2 function bits");
  EXPECT_EQ(h.sink.pdus[2].json, R"({"apci":"U"})");
  EXPECT_EQ(h.sink.anomaly_names(), Names{"iec104.bad_u_function"});
}

TEST(Session, LengthMismatchIsMalformedWithHeaderStillDescribed) {
  Harness h;
  h.start();
  h.server(i_frame(0, 0, "0d 03 03 00 01 00 01 00 00 00 00 80 3f 00"));
  ASSERT_EQ(h.sink.pdus.size(), 3u);
  EXPECT_EQ(h.sink.pdus[2].malformed, "asdu length 14 != 3*8+6");
  EXPECT_EQ(h.sink.pdus[2].json,
            R"({"apci":"I","tx":0,"rx":0,"asdu":{"type":13,"sq":false,"num":3,"cot":3,"neg":false,"test":false,"oa":0,"ca":1,"ioa":[1]}})");
  EXPECT_EQ(h.sink.anomaly_names(), Names{"iec104.asdu_length_mismatch"});
  EXPECT_EQ(h.session().counters().malformed, 1u);
}

TEST(Session, ApdusSplitAtEveryByteGiveTheSameRecords) {
  const std::string stream = std::string(test::kStartdtAct) + " " + i_frame(0, 0) + " " + s_frame(0);
  Harness whole;
  whole.client(stream);
  const auto bytes = test::hex(stream);
  for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
    Harness split;
    split.client(core::to_hex(core::Bytes(bytes).first(cut)));
    split.client(core::to_hex(core::Bytes(bytes).subspan(cut)));
    ASSERT_EQ(split.sink.pdus.size(), whole.sink.pdus.size()) << cut;
    for (std::size_t i = 0; i < split.sink.pdus.size(); ++i) EXPECT_EQ(split.sink.pdus[i].json, whole.sink.pdus[i].json);
    EXPECT_EQ(split.sink.anomaly_names(), whole.sink.anomaly_names());
  }
}

TEST(Session, RolesAreCorrectedFromStartdt) {
  Harness h;
  h.client(test::kStartdtCon);  // the flow guessed wrong: the "client" is the controlled station
  h.server(test::kTestfrAct);
  EXPECT_EQ(h.session().controlling_side(), Side::server);
  EXPECT_EQ(h.sink.pdus[0].from, Side::server);
  EXPECT_EQ(h.sink.pdus[1].from, Side::client);
  EXPECT_EQ(h.session().counters().role_corrections, 1u);
}

TEST(Session, RolesAreCorrectedFromMonitorData) {
  Harness h;
  h.client(i_frame(5, 3, "0d 01 03 00 01 00 01 00 00 00 00 80 3f 00"));
  EXPECT_EQ(h.session().controlling_side(), Side::server);
  EXPECT_EQ(h.sink.pdus[0].from, Side::server);
}

TEST(Session, ConflictingRoleEvidenceIsReportedOnce) {
  Harness h;
  h.client(test::kStartdtAct);
  h.client(test::kStartdtCon);
  h.client(test::kStartdtCon);
  EXPECT_EQ(h.sink.count("iec104.role_conflict"), 1u);
  EXPECT_EQ(h.session().counters().by_anomaly[static_cast<std::size_t>(Anomaly::role_conflict)], 2u);
}

TEST(Session, ConfirmationWithoutActivation) {
  Harness h;
  h.start();
  h.server(test::kTestfrCon);
  EXPECT_EQ(h.sink.anomaly_names(), Names{"iec104.unexpected_confirmation"});
  EXPECT_EQ(h.sink.anomalies[0].detail, "TESTFR_CON without a pending act");
}

TEST(Session, TestframesBothWaysAreClean) {
  Harness h;
  h.start();
  h.client(test::kTestfrAct);
  h.server(test::kTestfrCon);
  h.server(test::kTestfrAct);
  h.client(test::kTestfrCon);
  EXPECT_EQ(h.sink.anomaly_names(), Names{});
  EXPECT_EQ(h.session().counters().u_frames, 6u);
}

TEST(Session, CommandConfirmedIsAnswered) {
  Harness h;
  h.start();
  h.client(i_frame(0, 0, "2d 01 06 00 01 00 10 27 00 81"));  // C_SC_NA_1 select ON
  h.server(i_frame(0, 1, "2d 01 07 00 01 00 10 27 00 81"));
  h.end();
  EXPECT_EQ(h.sink.anomaly_names(), Names{});
  EXPECT_EQ(h.session().counters().responses, 1u);
  EXPECT_EQ(h.session().counters().unanswered, 0u);
}

TEST(Session, CommandWithoutConfirmationIsUnansweredAtTheEnd) {
  Harness h;
  h.start();
  h.client(i_frame(0, 0, "2e 01 06 00 01 00 10 27 00 02"));  // C_DC_NA_1 execute ON
  h.end();
  ASSERT_EQ(h.sink.anomaly_names(), Names{"iec104.unanswered_command"});
  EXPECT_EQ(h.sink.anomalies[0].detail, "C_DC_NA_1 act ca 1 ioa 10000 (frame 3) not confirmed before the end of the flow");
}

TEST(Session, CommandUnconfirmedWithinT1) {
  Harness h;
  h.start();
  h.client(i_frame(0, 0, "2e 01 06 00 01 00 10 27 00 02"), false, 1000);
  h.server(test::kTestfrAct, false, 20000);
  h.client(i_frame(1, 0, "2e 01 06 00 01 00 11 27 00 02"), false, 20001);
  EXPECT_EQ(h.sink.count("iec104.unanswered_command"), 1u);
}

TEST(Session, NegativeConfirmationIsCounted) {
  Harness h;
  h.start();
  h.client(i_frame(0, 0, "2d 01 06 00 01 00 10 27 00 01"));
  h.server(i_frame(0, 1, "2d 01 47 00 01 00 10 27 00 01"));
  EXPECT_EQ(h.session().counters().negative_confirmations, 1u);
  EXPECT_EQ(h.session().counters().responses, 1u);
}

TEST(Session, OutstandingCommandLimit) {
  Config config;
  config.limits.max_outstanding_commands = 1;
  Harness h(config);
  h.start();
  h.client(i_frame(0, 0, "2d 01 06 00 01 00 01 00 00 01"));
  h.client(i_frame(1, 0, "2d 01 06 00 01 00 02 00 00 01"));
  h.client(i_frame(2, 0, "2d 01 06 00 01 00 03 00 00 01"));
  EXPECT_EQ(h.sink.count("iec104.outstanding_limit"), 1u);
  EXPECT_EQ(h.session().counters().by_anomaly[static_cast<std::size_t>(Anomaly::outstanding_limit)], 2u);
}

TEST(Session, ConfigurableWidthsInTheSession) {
  Config config;
  config.widths = Widths{1, 1, 2};
  Harness h(config);
  h.start();
  h.client(i_frame(0, 0, "2d 01 06 07 34 12 81"));
  ASSERT_EQ(h.sink.pdus.size(), 3u);
  EXPECT_EQ(h.sink.pdus[2].json,
            R"({"apci":"I","tx":0,"rx":0,"asdu":{"type":45,"sq":false,"num":1,"cot":6,"neg":false,"test":false,"ca":7,"ioa":[4660]}})");
  EXPECT_EQ(h.sink.anomaly_names(), Names{});
}

TEST(Session, FrameCapIsAnObservableLimit) {
  Harness h(Config{}, 64);  // SessionConfig::max_frame_bytes below the 255-byte APDU maximum: an
                            // APDU that must be buffered across segments beyond it is dropped
  std::string asdu = "0d 0a 03 00 01 00";
  for (int i = 0; i < 10; ++i) asdu += " 0" + std::to_string(i) + " 00 00 00 00 80 3f 00";
  const std::string apdu = i_frame(0, 0, asdu);  // 92 bytes, split over two segments
  h.server(apdu.substr(0, 60));
  h.server(apdu.substr(60) + " " + std::string(test::kTestfrAct));
  ASSERT_FALSE(h.sink.anomalies.empty());
  EXPECT_EQ(h.sink.anomalies[0].name, "iec104.frame_too_large");
  ASSERT_EQ(h.sink.pdus.size(), 1u);  // the TESTFR act after it
  EXPECT_EQ(h.sink.pdus[0].json, R"({"apci":"U","u":"TESTFR_ACT"})");
}

TEST(Session, DatagramsAreFramedLikeStreamBytes) {
  test::RecordingSink sink;
  Iec104Session s(sink, Config{}, 4096);
  const auto bytes = test::hex(test::kTestfrAct);
  s.on_datagram(Side::client, core::Bytes(bytes), SegmentContext{});
  EXPECT_EQ(sink.pdus.size(), 1u);
}

}  // namespace
}  // namespace normwatch::protocols::iec104
