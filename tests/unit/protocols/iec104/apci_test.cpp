// APCI parsing (IEC 60870-5-104 §5.1–5.4): I/S/U formats, 15-bit sequence numbers, every U
// function, reserved bits, truncated and oversized APDUs.
#include <gtest/gtest.h>

#include "iec104_test_support.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"

namespace normwatch::protocols::iec104 {
namespace {

using test::hex;

Pdu parse_ok(std::string_view text) {
  const auto bytes = hex(text);
  auto r = parse_apdu(core::Bytes(bytes));
  EXPECT_TRUE(r.has_value());
  Pdu pdu = r.value_or(Pdu{});
  pdu.bytes = {};  // the vector dies here; tests look at the fields only
  pdu.asdu.bytes = {};
  pdu.asdu.body = {};
  return pdu;
}

TEST(Apci, IFormatCarriesBothSequenceNumbers) {
  const auto bytes = hex("68 0e 4e 14 7c 00 65 01 0a 00 0c 00 00 00 00 05");
  auto r = parse_apdu(core::Bytes(bytes));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->apci.format, ApciFormat::i);
  EXPECT_EQ(r->apci.tx, (0x144e >> 1));
  EXPECT_EQ(r->apci.rx, 0x7c >> 1);
  EXPECT_TRUE(r->has_asdu);
  EXPECT_FALSE(r->malformed());
}

TEST(Apci, SequenceNumbersUseAll15Bits) {
  const Pdu p = parse_ok(test::i_frame(32767, 32767));
  EXPECT_EQ(p.apci.tx, 32767);
  EXPECT_EQ(p.apci.rx, 32767);
  const Pdu s = parse_ok(test::s_frame(32767));
  EXPECT_EQ(s.apci.format, ApciFormat::s);
  EXPECT_EQ(s.apci.rx, 32767);
}

TEST(Apci, SFormatHasReceiveSequenceOnly) {
  const Pdu p = parse_ok("68 04 01 00 7e 14");
  EXPECT_EQ(p.apci.format, ApciFormat::s);
  EXPECT_EQ(p.apci.rx, 0x147e >> 1);
  EXPECT_FALSE(p.has_asdu);
  EXPECT_FALSE(p.malformed());
  EXPECT_FALSE(p.apci.reserved_bits);
}

TEST(Apci, EveryUFunction) {
  const std::pair<std::string_view, UFunction> cases[] = {
      {"68 04 07 00 00 00", UFunction::startdt_act}, {"68 04 0b 00 00 00", UFunction::startdt_con},
      {"68 04 13 00 00 00", UFunction::stopdt_act},  {"68 04 23 00 00 00", UFunction::stopdt_con},
      {"68 04 43 00 00 00", UFunction::testfr_act},  {"68 04 83 00 00 00", UFunction::testfr_con},
  };
  for (const auto& [text, function] : cases) {
    const Pdu p = parse_ok(text);
    EXPECT_EQ(p.apci.format, ApciFormat::u) << text;
    EXPECT_EQ(p.apci.u, function) << text;
    EXPECT_FALSE(p.malformed()) << text;
  }
  EXPECT_EQ(name(UFunction::startdt_act), "STARTDT_ACT");
  EXPECT_EQ(name(UFunction::testfr_con), "TESTFR_CON");
}

TEST(Apci, UFormatWithTwoFunctionBitsIsMalformed) {
  const Pdu p = parse_ok("68 04 17 00 00 00");  // STARTDT act + STOPDT act
  EXPECT_EQ(p.apci.u, UFunction::none);
  EXPECT_EQ(p.defect.code, ParseErrorCode::bad_u_function);
  std::array<char, 64> buf{};
  EXPECT_EQ(format_reason(p.defect, buf), "u-format control 0x17: 2 function bits");
}

TEST(Apci, UFormatWithoutFunctionIsMalformed) {
  const Pdu p = parse_ok("68 04 03 00 00 00");
  EXPECT_EQ(p.defect.code, ParseErrorCode::bad_u_function);
}

TEST(Apci, SAndUFormatsMustHaveLengthFour) {
  const Pdu s = parse_ok("68 06 01 00 02 00 aa bb");
  EXPECT_EQ(s.defect.code, ParseErrorCode::bad_apdu_length);
  std::array<char, 64> buf{};
  EXPECT_EQ(format_reason(s.defect, buf), "S-format length 6 != 4");
  const Pdu u = parse_ok("68 05 07 00 00 00 00");
  EXPECT_EQ(format_reason(u.defect, buf), "U-format length 5 != 4");
}

TEST(Apci, ReservedControlBitsAreFlagged) {
  EXPECT_TRUE(parse_ok("68 04 05 00 00 00").apci.reserved_bits);  // S-format with bit 2 set
  EXPECT_TRUE(parse_ok("68 04 01 00 03 00").apci.reserved_bits);  // S-format N(R) octet bit 0
  EXPECT_TRUE(parse_ok("68 04 07 00 01 00").apci.reserved_bits);  // U-format octet 3
  EXPECT_TRUE(parse_ok("68 0e 00 00 01 00 64 01 06 00 01 00 00 00 00 14").apci.reserved_bits);
  EXPECT_FALSE(parse_ok(test::kTestfrAct).apci.reserved_bits);
}

TEST(Apci, IFormatWithoutAsduIsMalformed) {
  const Pdu p = parse_ok("68 04 00 00 00 00");
  EXPECT_FALSE(p.has_asdu);
  EXPECT_EQ(p.defect.code, ParseErrorCode::asdu_too_short);
  std::array<char, 64> buf{};
  EXPECT_EQ(format_reason(p.defect, buf), "asdu length 0 < 6 header bytes");
}

TEST(Apci, BadStartAndLengthAreErrors) {
  const auto bad_start = hex("69 04 07 00 00 00");
  EXPECT_EQ(parse_apdu(core::Bytes(bad_start)).error().code, ParseErrorCode::bad_start);
  for (const char* text : {"68 03 07 00 00", "68 00", "68 fe", "68 ff"}) {
    const auto b = hex(text);
    EXPECT_EQ(parse_apdu(core::Bytes(b)).error().code, ParseErrorCode::bad_length) << text;
  }
}

TEST(Apci, TruncatedAtEveryLengthIsAnErrorNeverACrash) {
  const auto full = hex("68 14 0c 00 16 00 67 01 06 04 0d 91 00 00 00 c8 32 39 08 1d 08 08");
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto r = parse_apdu(core::Bytes(full).first(n));
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_EQ(r.error().code, ParseErrorCode::truncated) << n;
  }
  EXPECT_TRUE(parse_apdu(core::Bytes(full)).has_value());
}

TEST(Apci, OversizedInputIsAnError) {
  auto bytes = hex("68 04 43 00 00 00 68");
  auto r = parse_apdu(core::Bytes(bytes));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ParseErrorCode::trailing_bytes);
  std::array<char, 64> buf{};
  EXPECT_EQ(format_reason(r.error(), buf), "apdu of 7 bytes > 6 announced");
}

TEST(Apci, LargestApduParses) {
  // Length octet 253 (a 255-byte APDU) carrying a private type id, whose content stays opaque.
  std::string text = "68 fd 00 00 00 00 88 01 03 00 01 00";
  for (int i = 0; i < 253 - 10; ++i) text += " 00";
  const Pdu p = parse_ok(text);
  EXPECT_EQ(p.apci.length, 253);
  EXPECT_TRUE(p.has_asdu);
}

}  // namespace
}  // namespace normwatch::protocols::iec104
