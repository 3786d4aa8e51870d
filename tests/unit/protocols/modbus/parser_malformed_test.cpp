// Spec violations make a PDU malformed with a short reason while keeping its fields: quantity
// limits (§6.1-6.17), byte counts, coil values, sub-function data, MEI fields, exception codes,
// MBAP length; and every valid vector truncated at every length or extended by a byte.
#include <gtest/gtest.h>

#include "normwatch/protocols/modbus/parser.hpp"
#include "protocols/modbus/sink_helpers.hpp"

namespace normwatch::protocols::modbus {
namespace {

using testing::describe_text;
using testing::parse;
using testing::reason;

TEST(ModbusMalformed, ReadQuantityLimits) {
  EXPECT_EQ(reason(parse("01 00 00 00 00", Direction::request).pdu), "qty 0 not in 1..2000");
  EXPECT_EQ(reason(parse("01 00 00 07 D0", Direction::request).pdu), "");
  EXPECT_EQ(reason(parse("02 00 00 07 D1", Direction::request).pdu), "qty 2001 not in 1..2000");
  EXPECT_EQ(reason(parse("03 00 00 00 7D", Direction::request).pdu), "");
  EXPECT_EQ(reason(parse("03 00 00 00 7E", Direction::request).pdu), "qty 126 not in 1..125");
  EXPECT_EQ(reason(parse("04 00 00 00 7E", Direction::request).pdu), "qty 126 not in 1..125");
}

TEST(ModbusMalformed, MalformedPduKeepsItsFields) {
  const auto p = parse("03 00 10 00 7E", Direction::request);
  EXPECT_EQ(p.pdu.malformed.reason, Anomaly::bad_quantity);
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=3 response=false addr=16 qty=126");
}

TEST(ModbusMalformed, WriteQuantityLimits) {
  // FC15: 1968 coils in 246 bytes is the most; FC16: 123 registers.
  EXPECT_EQ(reason(parse("0F 00 00 07 B1 F7", Direction::request).pdu), "qty 1969 not in 1..1968");
  EXPECT_EQ(reason(parse("10 00 00 00 7C F8", Direction::request).pdu), "qty 124 not in 1..123");
  EXPECT_EQ(reason(parse("0F 00 00 00 00 00", Direction::request).pdu), "qty 0 not in 1..1968");
}

TEST(ModbusMalformed, ByteCountsMustMatchQuantities) {
  EXPECT_EQ(reason(parse("0F 00 13 00 0A 03 CD 01 00", Direction::request).pdu), "byte count 3 != 2");
  EXPECT_EQ(reason(parse("10 00 01 00 02 03 00 0A 01", Direction::request).pdu), "byte count 3 != 4");
  EXPECT_EQ(reason(parse("17 00 03 00 06 00 0E 00 03 04 00 FF 00 FF", Direction::request).pdu), "byte count 4 != 6");
  EXPECT_EQ(reason(parse("03 05 00 01 00 02 00", Direction::response).pdu), "byte count 5 invalid");
  EXPECT_EQ(reason(parse("01 00", Direction::response).pdu), "byte count 0 invalid");
  EXPECT_EQ(reason(parse("18 00 08 00 02 01 B8 12 84", Direction::response).pdu), "byte count 8 != 6");
}

TEST(ModbusMalformed, ReadWriteQuantityLimits) {
  EXPECT_EQ(reason(parse("17 00 00 00 00 00 DF 00 01 02 00 00", Direction::request).pdu), "qty 0 not in 1..125");
  EXPECT_EQ(reason(parse("17 00 00 00 01 00 DF 00 7A F4", Direction::request).pdu), "write qty 122 not in 1..121");
}

TEST(ModbusMalformed, CoilValueIsOnOrOff) {
  const auto p = parse("05 00 01 00 01", Direction::request);
  EXPECT_EQ(reason(p.pdu), "coil value 0x0001 not 0x0000/0xFF00");
  EXPECT_EQ(p.pdu.malformed.reason, Anomaly::bad_coil_value);
}

TEST(ModbusMalformed, DiagnosticDataPerSubFunction) {
  EXPECT_EQ(reason(parse("08 00 04 00 01", Direction::request).pdu), "diagnostic sub 4 data 0x0001 invalid");
  EXPECT_EQ(reason(parse("08 00 01 00 FF", Direction::request).pdu), "diagnostic sub 1 data 0x00FF invalid");
  EXPECT_EQ(reason(parse("08 00 0A", Direction::request).pdu), "truncated: 3 of 5 bytes");
  EXPECT_EQ(reason(parse("08 00 0A 00 00 00", Direction::request).pdu), "1 trailing bytes");
}

TEST(ModbusMalformed, ExceptionCodeMustBeDefined) {
  EXPECT_EQ(reason(parse("83 0C", Direction::response).pdu), "exception code 12 undefined");
  EXPECT_EQ(reason(parse("83 00", Direction::response).pdu), "exception code 0 undefined");
  EXPECT_EQ(reason(parse("83", Direction::response).pdu), "truncated: 1 of 2 bytes");
  // suricata-verify modbus.pcap frame 91: an exception with one byte too many.
  EXPECT_EQ(reason(parse("81 06 00", Direction::response).pdu), "1 trailing bytes");
}

TEST(ModbusMalformed, DeviceIdentificationFields) {
  EXPECT_EQ(reason(parse("2B 0E 05 00", Direction::request).pdu), "read device id code 5 not in 1..4");
  // zeek modbus-eit.pcap frame 2: conformity 0x00 and more-follows 0x4D.
  EXPECT_EQ(reason(parse("2B 0E 01 00 4D B7 00 00 00 00 00", Direction::response).pdu), "conformity level 0x00 invalid");
  EXPECT_EQ(reason(parse("2B 0E 01 01 4D B7 00", Direction::response).pdu), "more follows 0x4D not 0x00/0xFF");
  EXPECT_EQ(reason(parse("2B 0E 01 01 00 00 02 00 01 41", Direction::response).pdu), "1 objects, count says 2");
  EXPECT_EQ(reason(parse("2B 0E 01 01 00 00 01 00 05 41", Direction::response).pdu), "truncated: 10 of 14 bytes");
}

TEST(ModbusMalformed, FileRecordFields) {
  EXPECT_EQ(reason(parse("14 07 05 00 04 00 01 00 02", Direction::request).pdu), "file reference type 5 != 6");
  EXPECT_EQ(reason(parse("14 07 06 00 04 27 10 00 02", Direction::request).pdu), "record number 10000 > 9999");
  EXPECT_EQ(reason(parse("14 08 06 00 04 00 01 00 02 06", Direction::request).pdu), "byte count 8 invalid");
  EXPECT_EQ(reason(parse("15 0D 06 00 04 00 07 00 04 06 AF 04 BE 10 0D", Direction::request).pdu), "byte count 13 invalid");
}

TEST(ModbusMalformed, FifoCountAtMost31) {
  EXPECT_EQ(reason(parse("18 00 42 00 20", Direction::response).pdu), "fifo count 32 > 31");
}

TEST(ModbusMalformed, EventStatus) {
  EXPECT_EQ(reason(parse("0B 00 01 00 00", Direction::response).pdu), "status 0x0001 not 0x0000/0xFFFF");
}

TEST(ModbusMalformed, UmasStatusOnlyInResponses) {
  EXPECT_EQ(reason(parse("5A 00 FE", Direction::request).pdu), "umas code 0xFE invalid in this direction");
  EXPECT_EQ(reason(parse("5A 00 02", Direction::response).pdu), "umas code 0x02 invalid in this direction");
}

TEST(ModbusMalformed, MbapLengthBeyondTheSpec) {
  // Schneider UMAS sends MBAP length 255 (nDPI umas.pcap): parsed, but malformed.
  std::string pdu = "5A 00 0A 00";
  for (int i = 0; i < 250; ++i) pdu += " 54";
  const auto p = parse(pdu, Direction::request);
  EXPECT_EQ(p.pdu.mbap.length, 255);
  EXPECT_EQ(reason(p.pdu), "mbap length 255 > 254");
  EXPECT_EQ(p.pdu.sub, 0x0A);
}

TEST(ModbusMalformed, MbapLengthBelowTwo) {
  const auto bytes = testing::hex("00 01 00 00 00 01 01");
  EXPECT_EQ(reason(parse_adu(bytes, Direction::request)), "mbap length 1 < 2");
}

TEST(ModbusMalformed, AduShorterOrLongerThanItsLength) {
  const auto short_adu = testing::hex("00 01 00 00 00 06 01 03 00 00");
  EXPECT_EQ(reason(parse_adu(short_adu, Direction::request)), "truncated: 3 of 5 bytes");
  const auto long_adu = testing::hex("00 01 00 00 00 06 01 03 00 00 00 01 FF");
  EXPECT_EQ(reason(parse_adu(long_adu, Direction::request)), "1 trailing bytes");
}

struct Vector {
  const char* pdu;
  Direction direction;
};

// Well-formed PDUs of fixed or self-described size: any shorter prefix must be malformed, and
// one byte more must be too.
const Vector kSized[] = {
    {"01 00 13 00 13", Direction::request},
    {"03 00 6B 00 03", Direction::request},
    {"05 00 AC FF 00", Direction::request},
    {"06 00 01 00 03", Direction::request},
    {"08 00 04 00 00", Direction::request},
    {"0F 00 13 00 0A 02 CD 01", Direction::request},
    {"10 00 01 00 02 04 00 0A 01 02", Direction::request},
    {"14 0E 06 00 04 00 01 00 02 06 00 03 00 09 00 02", Direction::request},
    {"15 0D 06 00 04 00 07 00 03 06 AF 04 BE 10 0D", Direction::request},
    {"16 00 04 00 F2 00 25", Direction::request},
    {"17 00 03 00 06 00 0E 00 03 06 00 FF 00 FF 00 FF", Direction::request},
    {"18 04 DE", Direction::request},
    {"2B 0E 03 01", Direction::request},
    {"01 03 CD 6B 05", Direction::response},
    {"03 06 02 2B 00 00 00 64", Direction::response},
    {"07 6D", Direction::response},
    {"0B FF FF 01 08", Direction::response},
    {"0C 08 00 00 01 08 01 21 20 00", Direction::response},
    {"0F 00 13 00 0A", Direction::response},
    {"11 03 01 02 FF", Direction::response},
    {"14 0C 05 06 0D FE 00 20 05 06 33 CD 00 40", Direction::response},
    {"17 0C 00 FE 0A CD 00 01 00 03 00 0D 00 FF", Direction::response},
    {"18 00 06 00 02 01 B8 12 84", Direction::response},
    {"2B 0E 01 01 00 00 03 00 03 41 42 43 01 02 58 59 02 04 56 32 2E 31", Direction::response},
    {"83 02", Direction::response},
};

TEST(ModbusMalformed, EveryTruncationIsMalformedNeverACrash) {
  for (const auto& v : kSized) {
    const auto full = testing::hex(v.pdu);
    Pdu whole;
    parse_pdu(full, v.direction, whole);
    ASSERT_FALSE(whole.malformed.present()) << v.pdu << ": " << reason(whole);
    for (std::size_t n = 0; n < full.size(); ++n) {
      // An exactly-sized copy, so that the sanitizers see any read past the end.
      const std::vector<std::byte> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      Pdu p;
      parse_pdu(cut, v.direction, p);
      EXPECT_TRUE(p.malformed.present()) << v.pdu << " cut to " << n;
    }
  }
}

TEST(ModbusMalformed, EveryOversizeIsMalformed) {
  for (const auto& v : kSized) {
    auto longer = testing::hex(v.pdu);
    longer.push_back(std::byte{0x00});
    Pdu p;
    parse_pdu(longer, v.direction, p);
    EXPECT_TRUE(p.malformed.present()) << v.pdu;
  }
}

TEST(ModbusMalformed, WholeAduTruncatedAtEveryLength) {
  for (const auto& v : kSized) {
    const auto full = testing::adu(v.pdu);
    for (std::size_t n = 0; n < full.size(); ++n) {
      const std::vector<std::byte> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      EXPECT_TRUE(parse_adu(cut, v.direction).malformed.present()) << v.pdu << " cut to " << n;
    }
  }
}

}  // namespace
}  // namespace normwatch::protocols::modbus
