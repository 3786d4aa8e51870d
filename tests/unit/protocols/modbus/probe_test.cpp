// The Modbus content probe: accepts Modbus on any port from either side, refuses other
// protocols' first bytes (Zeek #3962, modbus-and-non-modbus-p502.pcap; sawp PR #1: spaces).
#include <gtest/gtest.h>

#include <string>

#include "normwatch/protocols/modbus/registration.hpp"
#include "protocols/modbus/sink_helpers.hpp"

namespace normwatch::protocols::modbus {
namespace {

ProbeResult probe_hex(std::string_view text, bool udp = false) {
  const auto bytes = testing::hex(text);
  return probe(bytes, udp);
}

ProbeResult probe_text(std::string_view text) {
  return probe(core::as_bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), false);
}

TEST(ModbusProbe, AcceptsRequestsResponsesAndExceptions) {
  EXPECT_EQ(probe_hex("00 01 00 00 00 06 0A 03 00 05 00 02"), ProbeResult::yes);
  EXPECT_EQ(probe_hex("00 01 00 00 00 07 0A 03 04 00 09 00 18"), ProbeResult::yes);
  EXPECT_EQ(probe_hex("00 01 00 00 00 03 0A 83 02"), ProbeResult::yes);
  EXPECT_EQ(probe_hex("00 00 00 00 00 04 00 5A 00 02"), ProbeResult::yes);
}

TEST(ModbusProbe, LenientAboutExceptionLength) {
  // suricata-verify modbus.pcap frame 91: an exception with one byte too many.
  EXPECT_EQ(probe_hex("00 01 00 00 00 04 0A 81 06 00"), ProbeResult::yes);
}

TEST(ModbusProbe, SeveralAdus) {
  EXPECT_EQ(probe_hex("00 01 00 00 00 06 0A 03 00 05 00 02 00 02 00 00 00 06 0A 03 00 07 00 01"), ProbeResult::yes);
  EXPECT_EQ(probe_hex("00 01 00 00 00 06 0A 03 00 05 00 02 00 02 00 05 00 06"), ProbeResult::no);
}

TEST(ModbusProbe, ExceptionHeaderWithoutItsCodeYet) {
  // Found by fuzzing: the code byte was read before checking it was there.
  EXPECT_EQ(probe_hex("FE 09 00 00 00 43 CE FF"), ProbeResult::maybe);
}

TEST(ModbusProbe, TooFewBytesIsMaybe) {
  EXPECT_EQ(probe_hex(""), ProbeResult::maybe);
  EXPECT_EQ(probe_hex("00 01 00 00"), ProbeResult::maybe);
  EXPECT_EQ(probe_hex("00 01 00 00 00 06 0A 03 00"), ProbeResult::maybe);
}

TEST(ModbusProbe, UnassignedFunctionAloneIsMaybe) {
  // Function-code scans start with 0 (arkime modbus.pcap frame 124) and its exception 0x80.
  EXPECT_EQ(probe_hex("00 00 00 00 00 06 01 00 00 00 00 00"), ProbeResult::maybe);
  EXPECT_EQ(probe_hex("00 00 00 00 00 03 01 80 01"), ProbeResult::maybe);
  EXPECT_EQ(probe_hex("00 00 00 00 00 06 01 1D 00 00 00 00"), ProbeResult::maybe);
  EXPECT_EQ(probe_hex("00 00 00 00 00 06 01 1D 00 00 00 00 00 01 00 00 00 06 01 03 00 00 00 01"), ProbeResult::yes);
}

TEST(ModbusProbe, RefusesOtherProtocolsOnPort502) {
  EXPECT_EQ(probe_text("GET / HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n"), ProbeResult::no);
  EXPECT_EQ(probe_hex("16 03 01 02 00 01 00 01 FC 03 03"), ProbeResult::no);                 // TLS ClientHello
  EXPECT_EQ(probe_hex("05 00 0b 03 10 00 00 00 48 00 00 00 01 00 00 00"), ProbeResult::no);  // DCE/RPC bind
  EXPECT_EQ(probe_hex("03 00 00 2b 26 e0 00 00 00 00 00 43 6f 6f 6b"), ProbeResult::no);     // RDP/TPKT
  EXPECT_EQ(probe_hex("16 03 01 00 00 03 00 80 01"), ProbeResult::no);
  EXPECT_EQ(probe_text("                "), ProbeResult::no);
  EXPECT_EQ(probe_hex("00 00 00 00 00 00 00 00 00 00 00 00"), ProbeResult::no);
  EXPECT_EQ(probe_hex("9F 3A 71 C2 08 55 E1 04 6B 2D 90 17"), ProbeResult::no);
}

TEST(ModbusProbe, RefusesImplausibleHeaders) {
  EXPECT_EQ(probe_hex("00 01 00 00 01 2C 0A 03"), ProbeResult::no);           // length 300
  EXPECT_EQ(probe_hex("00 01 00 00 00 04 0A 05 00 05"), ProbeResult::no);     // FC5 of 3 bytes
  EXPECT_EQ(probe_hex("00 01 00 00 00 03 0A 83 0C"), ProbeResult::no);        // undefined exception code
}

TEST(ModbusProbe, UdpDatagramHoldsWholeAdus) {
  EXPECT_EQ(probe_hex("00 01 00 00 00 06 0A 03 00 05 00 02", true), ProbeResult::yes);
  EXPECT_EQ(probe_hex("00 01 00 00 00 06 0A 03 00 05", true), ProbeResult::no);
  EXPECT_EQ(probe_hex("00 01 00 00 00 06 0A 03 00 05 00 02 00", true), ProbeResult::no);
}

TEST(ModbusRegistration, PortsAndFactory) {
  EXPECT_EQ(kTcpPorts[0], 502);
  testing::RecordingSink sink;
  const auto session = make_session(sink, SessionConfig{});
  ASSERT_NE(session, nullptr);
  const auto bytes = testing::hex("00 01 00 00 00 06 0A 03 00 05 00 02");
  session->on_stream(Side::client, bytes, false, SegmentContext{1, {}});
  EXPECT_EQ(sink.pdus.size(), 1U);
}

}  // namespace
}  // namespace normwatch::protocols::modbus
