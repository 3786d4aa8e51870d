// Request/response pairing by transaction and unit id (TCP implementation guide §4.4.1), the
// bounded outstanding table, unanswered and unsolicited PDUs, and client/server roles decided
// from content rather than from the flow layer's guess (Suricata PR #1727: to-client starts).
#include <gtest/gtest.h>

#include "normwatch/protocols/modbus/session.hpp"
#include "protocols/modbus/sink_helpers.hpp"

namespace normwatch::protocols::modbus {
namespace {

using testing::adu;
using testing::RecordingSink;

class ModbusPairing : public ::testing::Test {
 protected:
  void send(Side from, std::string_view pdu, std::uint16_t tid, std::uint8_t unit = 10) {
    session->on_stream(from, adu(pdu, tid, unit), false, SegmentContext{++frame, core::Timestamp{}});
  }
  void end() { session->on_end(SegmentContext{++frame, core::Timestamp{}}); }
  void make(Config config) { session = std::make_unique<ModbusSession>(sink, config); }

  RecordingSink sink;
  std::unique_ptr<ModbusSession> session = std::make_unique<ModbusSession>(sink);
  std::uint64_t frame = 0;
};

TEST_F(ModbusPairing, ResponseCarriesTheRequestsAddressAndQuantity) {
  // suricata-verify modbus.pcap frames 57/58.
  send(Side::client, "03 00 05 00 02", 1);
  send(Side::server, "03 04 00 09 00 18", 1);
  ASSERT_EQ(sink.pdus.size(), 2U);
  EXPECT_EQ(sink.pdus[1].fields, "tid=1 unit=10 fc=3 response=true addr=5 qty=2");
  EXPECT_EQ(sink.pdus[1].registers, (std::vector<std::uint16_t>{9, 24}));
  EXPECT_EQ(sink.pdus[1].from, Side::server);
  EXPECT_TRUE(sink.anomalies.empty());
  EXPECT_EQ(session->counters().paired, 1U);
  EXPECT_EQ(session->outstanding(), 0U);
}

TEST_F(ModbusPairing, ReadCoilsResponseHasTheRequestedNumberOfBits) {
  send(Side::client, "01 00 00 00 0A", 1);
  send(Side::server, "01 02 FF 01", 1);
  ASSERT_EQ(sink.pdus.size(), 2U);
  EXPECT_EQ(sink.pdus[1].bits.size(), 10U);
  EXPECT_EQ(sink.pdus[1].fields, "tid=1 unit=10 fc=1 response=true addr=0 qty=10");
}

TEST_F(ModbusPairing, ReadWriteResponseGetsBothRanges) {
  send(Side::client, "17 00 03 00 02 00 0E 00 01 02 00 FF", 4);
  send(Side::server, "17 04 00 01 00 02", 4);
  EXPECT_EQ(sink.pdus[1].fields, "tid=4 unit=10 fc=23 response=true addr=3 qty=2 waddr=14 wqty=1");
}

TEST_F(ModbusPairing, ExceptionGetsTheRequestsFieldsAndCode) {
  send(Side::client, "08 00 04 00 00", 0);  // force listen only: no response expected
  send(Side::client, "03 01 00 00 01", 2);
  send(Side::server, "83 02", 2);
  EXPECT_EQ(sink.pdus[2].fields, "tid=2 unit=10 fc=3 response=true exception=2 addr=256 qty=1");
  send(Side::client, "08 00 01 00 00", 3);
  send(Side::server, "88 0B", 3);
  EXPECT_EQ(sink.pdus[4].fields, "tid=3 unit=10 fc=8 response=true exception=11 sub=1");
  end();
  EXPECT_EQ(sink.count("modbus.unanswered_request"), 0U);
}

TEST_F(ModbusPairing, UmasResponseTakesTheRequestsSubCode) {
  send(Side::client, "5A 00 02", 1, 0);
  send(Side::server, "5A 00 FE 10 FF", 1, 0);
  EXPECT_EQ(sink.pdus[1].fields, "tid=1 unit=0 fc=90 response=true sub=2");
}

TEST_F(ModbusPairing, PairingNeedsTheSameUnit) {
  send(Side::client, "03 00 05 00 02", 1, 1);
  send(Side::server, "03 04 00 09 00 18", 1, 2);
  EXPECT_EQ(sink.count("modbus.unsolicited_response"), 1U);
  end();
  EXPECT_EQ(sink.count("modbus.unanswered_request"), 1U);
}

TEST_F(ModbusPairing, UnsolicitedResponse) {
  // suricata-verify modbus.pcap frames 91-99: exceptions with no request in the capture.
  send(Side::server, "83 06", 1);
  ASSERT_EQ(sink.anomaly_names(), std::vector<std::string>{"modbus.unsolicited_response"});
  EXPECT_EQ(sink.anomalies[0].detail, "no outstanding request with tid 1 unit 10");
  EXPECT_EQ(sink.anomalies[0].from, Side::server);
  EXPECT_EQ(session->counters().unsolicited, 1U);
  EXPECT_EQ(sink.pdus[0].fields, "tid=1 unit=10 fc=3 response=true exception=6");
}

TEST_F(ModbusPairing, UnansweredAtTheEnd) {
  send(Side::client, "03 00 05 00 02", 1);
  send(Side::client, "03 00 07 00 02", 2);
  send(Side::server, "03 04 00 09 00 18", 1);
  end();
  ASSERT_EQ(sink.anomaly_names(), std::vector<std::string>{"modbus.unanswered_request"});
  EXPECT_EQ(sink.anomalies[0].detail, "tid 2 unit 10 fc 3 (frame 2): flow ended");
  EXPECT_EQ(sink.anomalies[0].from, Side::client);
  EXPECT_EQ(session->counters().unanswered, 1U);
}

TEST_F(ModbusPairing, FullTableEvictsTheOldest) {
  make(Config{2, kDefaultToleratedLength});
  send(Side::client, "03 00 00 00 01", 1);
  send(Side::client, "03 00 00 00 01", 2);
  send(Side::client, "03 00 00 00 01", 3);
  EXPECT_EQ(sink.anomaly_names(), (std::vector<std::string>{"modbus.outstanding_limit", "modbus.unanswered_request"}));
  EXPECT_EQ(session->counters().evicted, 1U);
  EXPECT_EQ(session->counters().unanswered, 1U);
  EXPECT_EQ(session->outstanding(), 2U);
  send(Side::server, "03 02 00 07", 1);  // its request was evicted
  EXPECT_EQ(sink.count("modbus.unsolicited_response"), 1U);
  send(Side::server, "03 02 00 07", 3);
  EXPECT_EQ(session->counters().paired, 1U);
}

TEST_F(ModbusPairing, ReusedTransactionIdSupersedesTheOldRequest) {
  send(Side::client, "03 00 00 00 01", 0);
  send(Side::client, "04 00 00 00 01", 0);
  EXPECT_EQ(sink.count("modbus.unanswered_request"), 1U);
  send(Side::server, "04 02 00 07", 0);
  EXPECT_EQ(session->counters().paired, 1U);
}

TEST_F(ModbusPairing, FunctionMismatch) {
  send(Side::client, "03 00 00 00 01", 5);
  send(Side::server, "04 02 00 07", 5);
  EXPECT_EQ(sink.anomaly_names(), std::vector<std::string>{"modbus.function_mismatch"});
  EXPECT_EQ(sink.pdus[1].fields, "tid=5 unit=10 fc=4 response=true");
}

TEST_F(ModbusPairing, ResponseSizeMustMatchTheRequest) {
  send(Side::client, "03 00 00 00 03", 1);
  send(Side::server, "03 04 00 01 00 02", 1);
  EXPECT_EQ(sink.pdus[1].malformed, "byte count 4 != 6 for the request's qty");
  EXPECT_EQ(sink.anomaly_names(), std::vector<std::string>{"modbus.response_size_mismatch"});
}

TEST_F(ModbusPairing, MidStreamPickupStartingWithAResponse) {
  send(Side::server, "03 04 00 09 00 18", 1);
  send(Side::client, "03 00 05 00 02", 2);
  send(Side::server, "03 04 00 09 00 18", 2);
  EXPECT_EQ(sink.count("modbus.unsolicited_response"), 1U);
  EXPECT_EQ(session->counters().paired, 1U);
  EXPECT_EQ(session->client_side(), Side::client);
  EXPECT_EQ(session->counters().role_corrections, 0U);
}

TEST_F(ModbusPairing, WrongClientGuessIsCorrectedFromContent) {
  // The flow layer took the server for the client (e.g. it saw the server's bytes first).
  send(Side::client, "03 04 00 09 00 18", 1);   // a response shape from the "client"
  send(Side::server, "03 00 05 00 02", 2);      // a request shape from the "server"
  send(Side::client, "03 04 00 09 00 18", 2);
  EXPECT_EQ(session->client_side(), Side::server);
  EXPECT_EQ(session->counters().role_corrections, 1U);
  ASSERT_EQ(sink.pdus.size(), 3U);
  EXPECT_EQ(sink.pdus[1].from, Side::client);    // the request, from the real client
  EXPECT_EQ(sink.pdus[2].from, Side::server);
  EXPECT_EQ(sink.pdus[2].fields, "tid=2 unit=10 fc=3 response=true addr=5 qty=2");
  EXPECT_EQ(session->counters().paired, 1U);
}

TEST_F(ModbusPairing, AmbiguousEchoesFollowTheRoles) {
  send(Side::client, "06 00 05 00 0B", 1);
  send(Side::server, "06 00 05 00 0B", 1);
  EXPECT_EQ(sink.pdus[0].fields, "tid=1 unit=10 fc=6 response=false addr=5");
  EXPECT_EQ(sink.pdus[1].fields, "tid=1 unit=10 fc=6 response=true addr=5");
  EXPECT_EQ(session->counters().paired, 1U);
}

TEST_F(ModbusPairing, OneOddPduDoesNotFlipASettledFlow) {
  for (std::uint16_t tid = 1; tid <= 5; ++tid) {
    send(Side::client, "03 00 05 00 02", tid);
    send(Side::server, "03 04 00 09 00 18", tid);
  }
  send(Side::client, "83 01", 9);  // a client sending an exception-shaped PDU (fuzzer)
  EXPECT_EQ(session->client_side(), Side::client);
  EXPECT_EQ(sink.pdus.back().from, Side::client);
  EXPECT_EQ(sink.count("modbus.role_change"), 0U);
  send(Side::client, "03 00 05 00 02", 10);
  EXPECT_EQ(sink.pdus.back().fields, "tid=10 unit=10 fc=3 response=false addr=5 qty=2");
}

}  // namespace
}  // namespace normwatch::protocols::modbus
