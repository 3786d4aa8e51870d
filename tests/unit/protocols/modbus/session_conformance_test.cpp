// Session behaviours found by comparing `normwatch decode` with Wireshark over the public captures
// (tests/conformance/modbus_vs_tshark.py): each test is one case where normwatch was wrong.
#include <gtest/gtest.h>

#include "normwatch/protocols/modbus/session.hpp"
#include "protocols/modbus/sink_helpers.hpp"

namespace normwatch::protocols::modbus {
namespace {

using testing::adu;
using testing::RecordingSink;

class ModbusConformance : public ::testing::Test {
 protected:
  void send(Side from, std::string_view pdu, std::uint16_t tid, std::uint8_t unit = 1) {
    session.on_stream(from, adu(pdu, tid, unit), false, SegmentContext{++frame, core::Timestamp{}});
  }

  RecordingSink sink;
  ModbusSession session{sink};
  std::uint64_t frame = 0;
};

// Quickdraw modbus_test_data_part2.pcap frame 35 (and arkime modbus.pcap frame 153): in a flow
// whose roles are settled, the client sends FC11 Get Comm Event Counter with four extra zero
// bytes. As a response (status 0x0000, count 0) those bytes fit; as a request they are trailing
// bytes. The PDU comes from the client: it is a malformed request, and the server's exception
// that follows pairs with it.
TEST_F(ModbusConformance, SettledClientPduThatFitsOnlyAResponseStaysARequest) {
  for (std::uint16_t tid = 1; tid <= 4; ++tid) {
    send(Side::client, "03 00 05 00 02", tid);
    send(Side::server, "03 04 00 09 00 18", tid);
  }
  send(Side::client, "0B 00 00 00 00", 0);
  ASSERT_EQ(sink.pdus.size(), 9U);
  EXPECT_EQ(sink.pdus.back().fields, "tid=0 unit=1 fc=11 response=false");
  EXPECT_EQ(sink.pdus.back().malformed, "4 trailing bytes");
  EXPECT_EQ(sink.pdus.back().from, Side::client);
  send(Side::server, "8B 03", 0);
  EXPECT_EQ(sink.pdus.back().fields, "tid=0 unit=1 fc=11 response=true exception=3");
  EXPECT_EQ(session.counters().paired, 5U);
  EXPECT_EQ(sink.count("modbus.unsolicited_response"), 0U);
  EXPECT_EQ(sink.count("modbus.role_change"), 0U);
  EXPECT_EQ(session.client_side(), Side::client);
}

// Content still corrects settled roles when the evidence keeps coming: once the votes flip the
// roles, the PDUs are decoded in the new direction.
TEST_F(ModbusConformance, PersistentEvidenceStillFlipsSettledRoles) {
  for (std::uint16_t tid = 1; tid <= 3; ++tid) {
    send(Side::client, "03 00 05 00 02", tid);
    send(Side::server, "03 04 00 09 00 18", tid);
  }
  for (std::uint16_t tid = 10; tid <= 30 && session.client_side() == Side::client; ++tid) {
    send(Side::client, "03 04 00 09 00 18", tid);  // response shapes from the "client"
  }
  EXPECT_EQ(session.client_side(), Side::server);
  EXPECT_EQ(session.counters().role_corrections, 1U);
  EXPECT_NE(sink.pdus.back().fields.find("response=true"), std::string::npos);
  EXPECT_EQ(sink.pdus.back().from, Side::server);
}

}  // namespace
}  // namespace normwatch::protocols::modbus
