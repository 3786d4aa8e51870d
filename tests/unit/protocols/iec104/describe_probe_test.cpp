// describe() writes exactly the IEC 104 keys of decode-jsonl.md (absent keys stay absent);
// describe_objects() writes decoded values; probe() recognises APDUs on any port and refuses
// other payload.
#include <gtest/gtest.h>

#include "iec104_test_support.hpp"
#include "normwatch/protocols/iec104/registration.hpp"

namespace normwatch::protocols::iec104 {
namespace {

using test::hex;

std::string describe_hex(std::string_view text, const Widths& widths = {}) {
  const auto bytes = hex(text);
  auto pdu = parse_apdu(core::Bytes(bytes), widths);
  EXPECT_TRUE(pdu.has_value());
  return test::describe_json(*pdu);
}

TEST(Describe, SqOneListsEveryIncrementedAddress) {
  EXPECT_EQ(describe_hex("68 11 02 00 04 00 01 84 14 00 01 00 0a 00 00 01 00 01 00"),
            R"({"apci":"I","tx":1,"rx":2,"asdu":{"type":1,"sq":true,"num":4,"cot":20,"neg":false,"test":false,"oa":0,"ca":1,"ioa":[10,11,12,13]}})");
}

TEST(Describe, NegativeAndTestBits) {
  EXPECT_EQ(describe_hex("68 0e 00 00 00 00 2d 01 c7 00 01 00 10 27 00 01"),
            R"({"apci":"I","tx":0,"rx":0,"asdu":{"type":45,"sq":false,"num":1,"cot":7,"neg":true,"test":true,"oa":0,"ca":1,"ioa":[10000]}})");
}

TEST(Describe, AsduAbsentWhenTheHeaderIsIncomplete) {
  EXPECT_EQ(describe_hex("68 06 00 00 00 00 64 01"), R"({"apci":"I","tx":0,"rx":0})");
}

TEST(Describe, OriginatorAbsentWithOneOctetCot) {
  EXPECT_EQ(describe_hex("68 0a 00 00 00 00 64 01 06 01 00 14", Widths{1, 1, 1}),
            R"({"apci":"I","tx":0,"rx":0,"asdu":{"type":100,"sq":false,"num":1,"cot":6,"neg":false,"test":false,"ca":1,"ioa":[0]}})");
}

TEST(Describe, ObjectsWithValues) {
  const auto bytes = hex("68 19 00 00 00 00 24 01 03 00 01 00 05 00 00 00 00 20 41 00 c8 32 39 08 1d 08 08");
  auto pdu = parse_apdu(core::Bytes(bytes));
  ASSERT_TRUE(pdu.has_value());
  test::JsonWriter w;
  describe_objects(*pdu, w);
  EXPECT_EQ(w.str(), R"({"objects":[{"ioa":5,"value":10,"time":"2008-08-29T08:57:13.000"}]})");
}

TEST(Describe, CommandValues) {
  const auto bytes = hex("68 0e 00 00 00 00 2e 01 06 00 01 00 10 27 00 86");
  auto pdu = parse_apdu(core::Bytes(bytes));
  ASSERT_TRUE(pdu.has_value());
  test::JsonWriter w;
  describe_objects(*pdu, w);
  EXPECT_EQ(w.str(), R"({"objects":[{"ioa":10000,"state":2,"qu":1,"select":true}]})");
}

TEST(Probe, RecognisesTypicalOpeners) {
  EXPECT_EQ(probe(core::Bytes(hex("68 04 07 00 00 00")), false), ProbeResult::yes);
  EXPECT_EQ(probe(core::Bytes(hex("68 04 43 00 00 00 68 04 07 00 00 00")), false), ProbeResult::yes);
  EXPECT_EQ(probe(core::Bytes(hex("68 0e 00 00 00 00 64 01 06 00 01 00 00 00 00 14")), false), ProbeResult::yes);
  EXPECT_EQ(probe(core::Bytes(hex("68 04 01 00 02 00")), false), ProbeResult::yes);
}

TEST(Probe, TooFewBytesIsMaybe) {
  EXPECT_EQ(probe(core::Bytes(hex("68")), false), ProbeResult::maybe);
  EXPECT_EQ(probe(core::Bytes(hex("68 04 07")), false), ProbeResult::maybe);
  EXPECT_EQ(probe(core::Bytes(), false), ProbeResult::maybe);
}

TEST(Probe, RefusesOtherPayload) {
  const std::string http = "GET / HTTP/1.1\r\n";
  EXPECT_EQ(probe(core::as_bytes(reinterpret_cast<const std::uint8_t*>(http.data()), http.size()), false), ProbeResult::no);
  EXPECT_EQ(probe(core::Bytes(hex("00 01 00 00 00 06 01 03 00 00 00 0a")), false), ProbeResult::no);  // Modbus
  EXPECT_EQ(probe(core::Bytes(hex("05 64 05 c9 01 00 00 04 e9 21")), false), ProbeResult::no);      // DNP3
  EXPECT_EQ(probe(core::Bytes(hex("68 04 17 00 00 00")), false), ProbeResult::no);  // two U functions
  EXPECT_EQ(probe(core::Bytes(hex("68 02 07 00")), false), ProbeResult::no);
  EXPECT_EQ(probe(core::Bytes(hex("68 0e 00 00 00 00 16 01 06 00 01 00 00 00 00 14")), false), ProbeResult::no);
  EXPECT_EQ(probe(core::Bytes(hex("68 04 07 00 00 00")), true), ProbeResult::no);  // not over UDP
  EXPECT_EQ(probe(core::Bytes(hex("68 04 07 00 00 00 ff ff")), false), ProbeResult::no);
}

TEST(Registration, PortsAndFactory) {
  EXPECT_EQ(kTcpPorts[0], 2404);
  EXPECT_TRUE(kUdpPorts.empty());
  test::RecordingSink sink;
  auto session = make_session(sink, SessionConfig{});
  ASSERT_NE(session, nullptr);
  Config bad;
  bad.widths.ioa = 4;
  EXPECT_THROW(make_session(sink, SessionConfig{}, bad), std::invalid_argument);
}

}  // namespace
}  // namespace normwatch::protocols::iec104
