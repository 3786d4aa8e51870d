// The Modbus probe on a function-code scan over unassigned codes (zeek/zeek#3211). Found while
// checking Zeek's fuzz-72.pcap (a scan of codes 29-71) against Wireshark: a clean scan of codes
// 29-59 on port 502 was called a foreign flow and none of its 62 ADUs decoded.
#include <gtest/gtest.h>

#include "normwatch/protocols/modbus/registration.hpp"
#include "protocols/modbus/sink_helpers.hpp"

namespace normwatch::protocols::modbus {
namespace {

ProbeResult probe_hex(std::string_view text) {
  const auto bytes = testing::hex(text);
  return probe(bytes, false);
}

TEST(ModbusProbeScan, ThreeFramedAdusOfUnassignedCodesAreModbus) {
  // FC29 and FC30 requests, then FC31 (each with 4 data bytes), as one side's first bytes.
  EXPECT_EQ(probe_hex("00 00 00 00 00 06 01 1D 00 00 00 00 00 00 00 00 00 06 01 1E 00 00 00 00"), ProbeResult::maybe);
  EXPECT_EQ(probe_hex("00 00 00 00 00 06 01 1D 00 00 00 00 00 00 00 00 00 06 01 1E 00 00 00 00 "
                      "00 00 00 00 00 06 01 1F 00 00 00 00"),
            ProbeResult::yes);
  // The server's side of the scan: illegal function exceptions to unassigned codes.
  EXPECT_EQ(probe_hex("00 00 00 00 00 03 01 9D 01 00 00 00 00 00 03 01 9E 01 00 00 00 00 00 03 01 9F 01"),
            ProbeResult::yes);
}

TEST(ModbusProbeScan, FramingMustHoldForEveryAdu) {
  // Two good headers, then one with a non-zero protocol id or an impossible length: not Modbus.
  EXPECT_EQ(probe_hex("00 00 00 00 00 06 01 1D 00 00 00 00 00 00 00 00 00 06 01 1E 00 00 00 00 "
                      "00 00 00 07 00 06 01 1F 00 00 00 00"),
            ProbeResult::no);
  EXPECT_EQ(probe_hex("00 00 00 00 00 06 01 1D 00 00 00 00 00 00 00 00 00 06 01 1E 00 00 00 00 "
                      "00 00 00 00 00 01 01"),
            ProbeResult::no);
  // A third header not yet whole is still only maybe.
  EXPECT_EQ(probe_hex("00 00 00 00 00 06 01 1D 00 00 00 00 00 00 00 00 00 06 01 1E 00 00 00 00 00 00 00 00 00 06 01"),
            ProbeResult::maybe);
}

}  // namespace
}  // namespace normwatch::protocols::modbus
