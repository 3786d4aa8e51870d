// Fixes found with the iec104-catalogue capture: a command to the global common address is
// confirmed by each station with its own address (IEC 60870-5-101 §7.2.4), and C_CD_NA_1 with
// cause spont travels in control direction (101 §7.3.4, type 106), so neither is an anomaly.
#include <gtest/gtest.h>

#include "session_harness.hpp"

namespace normwatch::protocols::iec104 {
namespace {

using test::Harness;
using test::i_frame;

using Names = std::vector<std::string>;

TEST(BroadcastCommand, ConfirmedByEachUnitWithItsOwnAddressIsAnswered) {
  Harness h;
  h.start();
  h.client(i_frame(0, 0, "64 01 06 03 ff ff 00 00 00 14"));  // C_IC_NA_1 act to CA 0xFFFF
  h.server(i_frame(0, 1, "64 01 07 03 01 00 00 00 00 14"));  // actcon from unit 1
  h.server(i_frame(1, 1, "64 01 07 03 02 00 00 00 00 14"));  // actcon from unit 2
  h.server(i_frame(2, 1, "64 01 0a 03 01 00 00 00 00 14"));  // actterm from unit 1
  h.server(i_frame(3, 1, "64 01 0a 03 02 00 00 00 00 14"));  // actterm from unit 2
  h.end();
  EXPECT_EQ(h.sink.anomaly_names(), Names{});
  EXPECT_EQ(h.session().counters().responses, 2u);
  EXPECT_EQ(h.session().counters().unmatched_confirmations, 0u);
  EXPECT_EQ(h.session().counters().unanswered, 0u);
}

TEST(BroadcastCommand, MirroredWithTheGlobalAddressIsAnswered) {
  Harness h;
  h.start();
  h.client(i_frame(0, 0, "67 01 06 00 ff ff 00 00 00 00 00 00 00 01 01 1a"));  // C_CS_NA_1 act, broadcast
  h.server(i_frame(0, 1, "67 01 07 00 ff ff 00 00 00 00 00 00 00 01 01 1a"));
  h.end();
  EXPECT_EQ(h.sink.anomaly_names(), Names{});
  EXPECT_EQ(h.session().counters().responses, 1u);
}

TEST(BroadcastCommand, NeverConfirmedIsStillUnanswered) {
  Harness h;
  h.start();
  h.client(i_frame(0, 0, "64 01 06 00 ff ff 00 00 00 14"));
  h.end();
  ASSERT_EQ(h.sink.anomaly_names(), Names{"iec104.unanswered_command"});
  EXPECT_EQ(h.sink.anomalies[0].detail,
            "C_IC_NA_1 act ca 65535 ioa 0 (frame 3) not confirmed before the end of the flow");
}

TEST(BroadcastCommand, ConfirmedBroadcastDoesNotSwallowALaterUnitCommand) {
  Harness h;
  h.start();
  h.client(i_frame(0, 0, "64 01 06 00 ff ff 00 00 00 14"));  // broadcast act
  h.server(i_frame(0, 1, "64 01 07 00 01 00 00 00 00 14"));  // unit 1 confirms it
  h.client(i_frame(1, 1, "64 01 06 00 01 00 00 00 00 14"));  // then an act to unit 1 alone
  h.server(i_frame(1, 2, "64 01 07 00 01 00 00 00 00 14"));  // its confirmation
  h.end();
  EXPECT_EQ(h.sink.anomaly_names(), Names{});
  EXPECT_EQ(h.session().counters().responses, 2u);
}

TEST(BroadcastCommand, OneOctetCommonAddressUsesItsOwnGlobalAddress) {
  Config config;
  config.widths.ca = 1;
  Harness h(config);
  h.start();
  h.client(i_frame(0, 0, "64 01 06 00 ff 00 00 00 14"));  // C_IC_NA_1 act to CA 0xFF
  h.server(i_frame(0, 1, "64 01 07 00 05 00 00 00 14"));  // actcon from unit 5
  h.end();
  EXPECT_EQ(h.sink.anomaly_names(), Names{});
}

TEST(Roles, DelayAcquisitionSpontaneousFromTheControllingStationIsNoConflict) {
  Harness h;
  h.start();
  h.client(i_frame(0, 0, "6a 01 06 00 01 00 00 00 00 fa 00"));  // C_CD_NA_1 act, SDT 250 ms
  h.server(i_frame(0, 1, "6a 01 07 00 01 00 00 00 00 fa 00"));  // actcon
  h.client(i_frame(1, 1, "6a 01 03 00 01 00 00 00 00 b4 00"));  // spont: the delay, 180 ms
  EXPECT_EQ(h.sink.count("iec104.role_conflict"), 0u);
  EXPECT_EQ(h.session().controlling_side(), Side::client);
}

TEST(Roles, ClockSpontaneousFromTheControlledStationIsNoConflict) {
  Harness h;
  h.start();
  h.server(i_frame(0, 0, "67 01 03 00 01 00 00 00 00 00 00 00 00 01 01 1a"));  // C_CS_NA_1 spont
  EXPECT_EQ(h.sink.count("iec104.role_conflict"), 0u);
  EXPECT_EQ(h.session().controlling_side(), Side::client);
}

}  // namespace
}  // namespace normwatch::protocols::iec104
