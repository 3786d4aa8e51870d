// ASDU data unit identifier and object layout (IEC 60870-5-101 §7.2): type, SQ and number of
// objects, COT with P/N and test bits, originator and common address, IOAs, configurable widths,
// length mismatches and unknown types.
#include <gtest/gtest.h>

#include "iec104_test_support.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"

namespace normwatch::protocols::iec104 {
namespace {

using test::hex;

std::string reason(const ParseError& e) {
  std::array<char, 64> buf{};
  return std::string(format_reason(e, buf));
}

TEST(Asdu, DataUnitIdentifierFields) {
  const auto bytes = hex("0d 02 c7 05 34 12 01 00 00 00 00 80 3f 00 02 00 00 00 00 00 40 00");
  const Asdu a = parse_asdu(core::Bytes(bytes));
  EXPECT_EQ(a.type, 13);
  EXPECT_FALSE(a.sq);
  EXPECT_EQ(a.num, 2);
  EXPECT_EQ(a.cot, 7);
  EXPECT_TRUE(a.negative);
  EXPECT_TRUE(a.test);
  EXPECT_TRUE(a.has_oa);
  EXPECT_EQ(a.oa, 5);
  EXPECT_EQ(a.ca, 0x1234);
  EXPECT_EQ(a.type_info().name, "M_ME_NC_1");
  EXPECT_FALSE(a.defect.failed());
  EXPECT_EQ(a.ioa_count, 2);
  EXPECT_EQ(a.ioa(1), 2u);
  EXPECT_DOUBLE_EQ(a.object(0).value().value, 1.0);
  EXPECT_DOUBLE_EQ(a.object(1).value().value, 2.0);
}

TEST(Asdu, LengthMismatchNamesTheArithmetic) {
  // M_ME_NC_1, 3 objects announced, only one present: 6 + 8 = 14 bytes.
  const auto bytes = hex("0d 03 03 00 01 00 01 00 00 00 00 80 3f 00");
  const Asdu a = parse_asdu(core::Bytes(bytes));
  EXPECT_EQ(a.defect.code, ParseErrorCode::asdu_length_mismatch);
  EXPECT_EQ(reason(a.defect), "asdu length 14 != 3*8+6");
  EXPECT_EQ(a.objects_available, 1);
  EXPECT_EQ(a.ioa_count, 1);
}

TEST(Asdu, LengthMismatchWithSqOneCountsTheAddressOnce) {
  const auto bytes = hex("01 84 14 00 01 00 00 00 00 01 00 01");  // 4 SIQ announced, 3 present
  const Asdu a = parse_asdu(core::Bytes(bytes));
  EXPECT_EQ(reason(a.defect), "asdu length 12 != 4*1+9");
  EXPECT_EQ(a.objects_available, 3);
  EXPECT_EQ(a.ioa_count, 4);  // addresses of SQ=1 objects are known without their elements
}

TEST(Asdu, ZeroObjectsIsMalformed) {
  const auto bytes = hex("64 00 06 00 01 00");
  const Asdu a = parse_asdu(core::Bytes(bytes));
  EXPECT_EQ(a.defect.code, ParseErrorCode::zero_objects);
  EXPECT_TRUE(a.header_complete);
  EXPECT_EQ(reason(a.defect), "asdu with 0 objects");
}

TEST(Asdu, HeaderTooShortKeepsWhatWasRead) {
  const auto bytes = hex("2d 01 06");
  const Asdu a = parse_asdu(core::Bytes(bytes));
  EXPECT_FALSE(a.header_complete);
  EXPECT_EQ(a.type, 45);
  EXPECT_EQ(a.cot, 6);
  EXPECT_EQ(reason(a.defect), "asdu length 3 < 6 header bytes");
}

TEST(Asdu, NarrowWidthsCot1Ca1Ioa2) {
  const Widths w{1, 1, 2};
  const auto bytes = hex("2d 01 06 07 34 12 81");  // C_SC_NA_1, COT act, CA 7, IOA 0x1234, select ON
  const Asdu a = parse_asdu(core::Bytes(bytes), w);
  EXPECT_FALSE(a.defect.failed());
  EXPECT_FALSE(a.has_oa);
  EXPECT_EQ(a.ca, 7);
  EXPECT_EQ(a.ioa(0), 0x1234u);
  EXPECT_TRUE(a.object(0).value().select());
  // The same bytes with the default widths are a length mismatch.
  EXPECT_TRUE(parse_asdu(core::Bytes(bytes)).defect.failed());
}

TEST(Asdu, EveryWidthCombination) {
  for (std::uint8_t cot = 1; cot <= 2; ++cot) {
    for (std::uint8_t ca = 1; ca <= 2; ++ca) {
      for (std::uint8_t ioa = 1; ioa <= 3; ++ioa) {
        std::string text = "03 02 03";
        if (cot == 2) text += " 09";
        text += ca == 2 ? " 02 01" : " 02";
        for (int obj = 0; obj < 2; ++obj) {
          text += " 0" + std::to_string(obj + 5);
          for (int i = 1; i < ioa; ++i) text += " 00";
          text += " 02";
        }
        const auto bytes = hex(text);
        const Asdu a = parse_asdu(core::Bytes(bytes), Widths{cot, ca, ioa});
        SCOPED_TRACE(text);
        EXPECT_FALSE(a.defect.failed());
        EXPECT_EQ(a.ca, ca == 2 ? 0x0102 : 0x02);
        EXPECT_EQ(a.oa, cot == 2 ? 9 : 0);
        EXPECT_EQ(a.ioa(1), 6u);
        EXPECT_EQ(a.object(1).value().state, 2);
      }
    }
  }
}

TEST(Asdu, ReservedTypeKeepsRawBytesAndSingleAddress) {
  const auto bytes = hex("16 01 03 00 01 00 0a 00 00 de ad");
  const Asdu a = parse_asdu(core::Bytes(bytes));
  EXPECT_FALSE(a.type_info().defined());
  EXPECT_FALSE(a.defect.failed());  // no size to check against
  EXPECT_EQ(a.ioa_count, 1);
  EXPECT_EQ(a.object(0).element.size(), 2u);
}

TEST(Asdu, PrivateTypeWithManyObjectsHasNoAmbiguousAddresses) {
  const auto bytes = hex("c8 02 03 00 01 00 0a 00 00 de 0b 00 00 ad");
  const Asdu a = parse_asdu(core::Bytes(bytes));
  EXPECT_EQ(a.type_info().cls, TypeClass::private_use);
  EXPECT_EQ(a.ioa_count, 0);
  EXPECT_EQ(a.objects_available, 0);
}

TEST(Asdu, SegmentLengthComesFromLos) {
  const auto ok = hex("7d 01 0d 00 01 00 00 00 00 01 00 01 02 aa bb");
  EXPECT_FALSE(parse_asdu(core::Bytes(ok)).defect.failed());
  const auto bad = hex("7d 01 0d 00 01 00 00 00 00 01 00 01 05 aa bb");
  EXPECT_EQ(parse_asdu(core::Bytes(bad)).defect.code, ParseErrorCode::asdu_length_mismatch);
}

TEST(Asdu, BroadcastAddressDependsOnWidth) {
  const auto wide = hex("64 01 06 00 ff ff 00 00 00 14");
  EXPECT_TRUE(parse_asdu(core::Bytes(wide)).broadcast());
  const auto narrow = hex("64 01 06 ff 00 00 00 14");
  EXPECT_TRUE(parse_asdu(core::Bytes(narrow), Widths{1, 1, 3}).broadcast());
}

TEST(Asdu, TypeTableFacts) {
  EXPECT_EQ(type_info(13).element_size, 5);
  EXPECT_EQ(type_info(36).element_size, 12);
  EXPECT_EQ(type_info(45).element_size, 1);
  EXPECT_EQ(type_info(50).element_size, 5);
  EXPECT_EQ(type_info(100).element_size, 1);
  EXPECT_EQ(type_info(103).element_size, 7);
  EXPECT_EQ(type_info(105).element_size, 1);
  EXPECT_TRUE(type_info(125).variable_size());
  EXPECT_FALSE(type_info(2).in_104);
  EXPECT_FALSE(type_info(104).in_104);
  EXPECT_TRUE(type_info(100).broadcast);
  EXPECT_FALSE(type_info(45).broadcast);
  EXPECT_TRUE(type_info(1).cot_allowed(20));
  EXPECT_FALSE(type_info(45).cot_allowed(3));
  EXPECT_EQ(cot_class(14), CotClass::defined);
  EXPECT_EQ(cot_class(42), CotClass::reserved);
  EXPECT_EQ(cot_class(50), CotClass::private_use);
  EXPECT_EQ(cot_name(20), "inrogen");
}

}  // namespace
}  // namespace normwatch::protocols::iec104

namespace normwatch::protocols::iec104 {
namespace {

TEST(Asdu, ForEachObjectAgreesWithObjectAt) {
  for (const char* text : {"0d 02 03 00 01 00 01 00 00 00 00 80 3f 00 02 00 00 00 00 00 40 00",
                           "01 84 14 00 01 00 0a 00 00 01 00 01 00", "7d 01 0d 00 01 00 00 00 00 01 00 01 02 aa bb",
                           "0d 03 03 00 01 00 01 00 00 00 00 80 3f 00"}) {
    const auto bytes = test::hex(text);
    const Asdu a = parse_asdu(core::Bytes(bytes));
    std::size_t i = 0;
    a.for_each_object([&](const InformationObject& o) {
      const InformationObject expected = a.object(i++);
      EXPECT_EQ(o.ioa, expected.ioa) << text;
      EXPECT_EQ(o.element.data(), expected.element.data()) << text;
      EXPECT_EQ(o.element.size(), expected.element.size()) << text;
    });
    EXPECT_EQ(i, a.objects_available) << text;
  }
}

}  // namespace
}  // namespace normwatch::protocols::iec104
