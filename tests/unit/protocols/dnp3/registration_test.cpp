// probe(): DNP3 is recognised by content on any port, foreign payload is refused (Zeek #3962),
// and a short prefix of a header is "maybe".
#include "normwatch/protocols/dnp3/registration.hpp"

#include <gtest/gtest.h>

#include "protocols/dnp3/dnp3_test_helpers.hpp"

namespace normwatch::protocols::dnp3 {
namespace {

using test::hex;

TEST(Dnp3Probe, ValidHeaderIsYesOverTcpAndUdp) {
  const auto f = hex("05 64 05 c0 01 00 00 04 e9 21");
  EXPECT_EQ(probe(core::Bytes(f), false), ProbeResult::yes);
  EXPECT_EQ(probe(core::Bytes(f), true), ProbeResult::yes);
}

TEST(Dnp3Probe, ShortPrefixIsMaybe) {
  const auto f = hex("05 64 05 c0 01 00 00 04 e9 21");
  for (std::size_t n = 0; n < 10; ++n) EXPECT_EQ(probe(core::Bytes(f.data(), n), false), ProbeResult::maybe) << n;
}

TEST(Dnp3Probe, ForeignPayloadIsRefused) {
  EXPECT_EQ(probe(core::Bytes(hex("00 01 00 00 00 06 01 03 00 00 00 0a")), false), ProbeResult::no);  // Modbus
  EXPECT_EQ(probe(core::Bytes(hex("47 45 54 20 2f 20 48 54 54 50")), false), ProbeResult::no);      // "GET / HTTP"
  EXPECT_EQ(probe(core::Bytes(hex("68 04 07 00 00 00")), false), ProbeResult::no);                  // IEC 104 STARTDT
  EXPECT_EQ(probe(core::Bytes(hex("05 64 05 c0 01 00 00 04 e9 22")), false), ProbeResult::no);     // bad CRC
  EXPECT_EQ(probe(core::Bytes(hex("05 64 04")), false), ProbeResult::no);                           // LEN < 5
  EXPECT_EQ(probe(core::Bytes(hex("05 65")), false), ProbeResult::no);
}

TEST(Dnp3Probe, PortsAreTheWellKnownOnes) {
  EXPECT_EQ(kTcpPorts[0], 20000);
  EXPECT_EQ(kUdpPorts[0], 20000);
}

TEST(Dnp3Registration, MakeSessionUsesTheSharedPairingLimit) {
  test::RecordingSink sink;
  SessionConfig config;
  config.max_outstanding_requests = 1;
  auto session = make_session(sink, config);
  ASSERT_NE(session, nullptr);
  const auto a = hex("c1 01 3c 01 06");
  session->on_stream(Side::client, core::Bytes(test::fragment_frames(0xC4, 10, 1, core::Bytes(a))), false, {});
  session->on_stream(Side::client, core::Bytes(test::fragment_frames(0xC4, 11, 1, core::Bytes(a))), false, {});
  EXPECT_EQ(sink.count("dnp3.too_many_outstanding"), 1u);
}

}  // namespace
}  // namespace normwatch::protocols::dnp3
