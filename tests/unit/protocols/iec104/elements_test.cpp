// Information elements of every standard type id (IEC 60870-5-101 §7.3, 104 §8), one vector per
// type, decoded from an ASDU with SQ=0 and, where the type allows it, SQ=1; plus truncated and
// oversized variants of each.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>

#include "iec104_test_support.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"

namespace normwatch::protocols::iec104 {
namespace {

using test::hex;

constexpr std::string_view kCp56 = "c8 32 39 08 1d 08 08";  // 2008-08-29 08:57:13.000
constexpr std::string_view kCp24 = "10 27 05";              // minute 5, 10.000 s

struct Vector {
  std::uint8_t type;
  std::string element;  // element hex after the IOA
  std::function<void(const ElementValue&)> check;
};

void expect_cp56(const TimeValue& t) {
  EXPECT_EQ(t.kind, TimeTag::cp56);
  EXPECT_EQ(t.milliseconds, 13000);
  EXPECT_EQ(t.minute, 57);
  EXPECT_EQ(t.hour, 8);
  EXPECT_EQ(t.day, 29);
  EXPECT_EQ(t.month, 8);
  EXPECT_EQ(t.year, 8);
  EXPECT_FALSE(t.invalid);
}

void expect_cp24(const TimeValue& t) {
  EXPECT_EQ(t.kind, TimeTag::cp24);
  EXPECT_EQ(t.milliseconds, 10000);
  EXPECT_EQ(t.minute, 5);
}

std::string cat(std::string_view a, std::string_view b) { return std::string(a) + " " + std::string(b); }

const std::vector<Vector>& vectors() {
  static const std::vector<Vector> v = {
      {1, "81", [](const ElementValue& e) { EXPECT_EQ(e.state, 1); EXPECT_TRUE(e.invalid()); }},
      {2, cat("01", kCp24), [](const ElementValue& e) { EXPECT_EQ(e.state, 1); expect_cp24(e.time); }},
      {3, "42", [](const ElementValue& e) { EXPECT_EQ(e.state, 2); EXPECT_TRUE(e.not_topical()); }},
      {4, cat("02", kCp24), [](const ElementValue& e) { EXPECT_EQ(e.state, 2); expect_cp24(e.time); }},
      {5, "c5 00", [](const ElementValue& e) { EXPECT_EQ(e.integer, -59); EXPECT_TRUE(e.transient); }},
      {6, cat("05 20", kCp24), [](const ElementValue& e) { EXPECT_EQ(e.integer, 5); EXPECT_TRUE(e.substituted()); expect_cp24(e.time); }},
      {7, "78 56 34 12 10", [](const ElementValue& e) { EXPECT_EQ(e.integer, 0x12345678); EXPECT_TRUE(e.blocked()); }},
      {8, cat("78 56 34 12 00", kCp24), [](const ElementValue& e) { EXPECT_EQ(e.integer, 0x12345678); expect_cp24(e.time); }},
      {9, "00 40 00", [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 0.5); EXPECT_EQ(e.integer, 16384); }},
      {10, cat("00 c0 00", kCp24), [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, -0.5); expect_cp24(e.time); }},
      {11, "18 fc 01", [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, -1000); EXPECT_TRUE(e.overflow()); }},
      {12, cat("e8 03 00", kCp24), [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 1000); expect_cp24(e.time); }},
      {13, "00 00 c0 3f 00", [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 1.5); EXPECT_EQ(e.quality, 0); }},
      {14, cat("00 00 c0 bf 00", kCp24), [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, -1.5); expect_cp24(e.time); }},
      {15, "a0 86 01 00 65",
       [](const ElementValue& e) {
         EXPECT_EQ(e.integer, 100000);
         EXPECT_EQ(e.counter_sequence, 5);
         EXPECT_TRUE(e.carry);
         EXPECT_TRUE(e.adjusted);
         EXPECT_FALSE(e.invalid());
       }},
      {16, cat("ff ff ff ff 80", kCp24), [](const ElementValue& e) { EXPECT_EQ(e.integer, -1); EXPECT_TRUE(e.invalid()); expect_cp24(e.time); }},
      {17, cat("02 e8 03", kCp24), [](const ElementValue& e) { EXPECT_EQ(e.state, 2); EXPECT_EQ(e.elapsed_ms, 1000); expect_cp24(e.time); }},
      {18, cat("03 00 64 00", kCp24), [](const ElementValue& e) { EXPECT_EQ(e.state, 3); EXPECT_EQ(e.elapsed_ms, 100); expect_cp24(e.time); }},
      {19, cat("01 08 c8 00", kCp24), [](const ElementValue& e) { EXPECT_EQ(e.state, 1); EXPECT_EQ(e.quality, 0x08); EXPECT_EQ(e.elapsed_ms, 200); }},
      {20, "ff 00 01 00 00", [](const ElementValue& e) { EXPECT_EQ(e.integer, 0x000100ff); }},
      {21, "00 c0", [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, -0.5); EXPECT_EQ(e.quality, 0); }},
      {30, cat("01", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.state, 1); expect_cp56(e.time); }},
      {31, cat("01", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.state, 1); expect_cp56(e.time); }},
      {32, cat("3f 00", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.integer, 63); expect_cp56(e.time); }},
      {33, cat("01 00 00 00 00", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.integer, 1); expect_cp56(e.time); }},
      {34, cat("ff 7f 00", kCp56), [](const ElementValue& e) { EXPECT_NEAR(e.value, 1.0, 1e-4); expect_cp56(e.time); }},
      {35, cat("00 80 00", kCp56), [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, -32768); expect_cp56(e.time); }},
      {36, cat("00 00 20 41 00", kCp56), [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 10.0); expect_cp56(e.time); }},
      {37, cat("0a 00 00 00 01", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.integer, 10); EXPECT_EQ(e.counter_sequence, 1); expect_cp56(e.time); }},
      {38, cat("01 f4 01", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.state, 1); EXPECT_EQ(e.elapsed_ms, 500); expect_cp56(e.time); }},
      {39, cat("21 00 32 00", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.state, 0x21); EXPECT_EQ(e.elapsed_ms, 50); expect_cp56(e.time); }},
      {40, cat("0f 00 32 00", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.state, 0x0f); expect_cp56(e.time); }},
      {41, cat("07 00 0a 00 00 00 00", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.association_id, 7); EXPECT_EQ(e.integer, 10); expect_cp56(e.time); }},
      {45, "81", [](const ElementValue& e) { EXPECT_EQ(e.state, 1); EXPECT_TRUE(e.select()); EXPECT_EQ(e.qu(), 0); }},
      {46, "06", [](const ElementValue& e) { EXPECT_EQ(e.state, 2); EXPECT_FALSE(e.select()); EXPECT_EQ(e.qu(), 1); }},
      {47, "0a", [](const ElementValue& e) { EXPECT_EQ(e.state, 2); EXPECT_EQ(e.qu(), 2); }},
      {48, "00 20 80", [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 0.25); EXPECT_TRUE(e.select()); EXPECT_EQ(e.ql(), 0); }},
      {49, "e8 03 00", [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 1000); EXPECT_FALSE(e.select()); }},
      {50, "00 00 c0 3f 00", [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 1.5); }},
      {51, "01 00 00 80", [](const ElementValue& e) { EXPECT_EQ(e.integer, 0x80000001); }},
      {58, cat("01", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.state, 1); expect_cp56(e.time); }},
      {59, cat("01", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.state, 1); expect_cp56(e.time); }},
      {60, cat("01", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.state, 1); expect_cp56(e.time); }},
      {61, cat("00 20 00", kCp56), [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 0.25); expect_cp56(e.time); }},
      {62, cat("e8 03 80", kCp56), [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 1000); EXPECT_TRUE(e.select()); expect_cp56(e.time); }},
      {63, cat("00 00 c0 3f 00", kCp56), [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 1.5); expect_cp56(e.time); }},
      {64, cat("ff 00 00 00", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.integer, 0xff); expect_cp56(e.time); }},
      {70, "82", [](const ElementValue& e) { EXPECT_EQ(e.coi_cause(), 2); EXPECT_TRUE(e.coi_after_change()); }},
      {100, "14", [](const ElementValue& e) { EXPECT_EQ(e.qualifier, 20); }},
      {101, "45", [](const ElementValue& e) { EXPECT_EQ(e.rqt(), 5); EXPECT_EQ(e.frz(), 1); }},
      {102, "", [](const ElementValue& e) { EXPECT_TRUE(e.complete); }},
      {103, std::string(kCp56), [](const ElementValue& e) { expect_cp56(e.time); }},
      {104, "aa 55", [](const ElementValue& e) { EXPECT_EQ(e.integer, 0x55aa); }},
      {105, "01", [](const ElementValue& e) { EXPECT_EQ(e.qualifier, 1); }},
      {106, "10 27", [](const ElementValue& e) { EXPECT_EQ(e.elapsed_ms, 10000); }},
      {107, cat("34 12", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.integer, 0x1234); expect_cp56(e.time); }},
      {110, "00 40 01", [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 0.5); EXPECT_EQ(e.kpa(), 1); }},
      {111, "64 00 42", [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 100); EXPECT_EQ(e.kpa(), 2); EXPECT_TRUE(e.lpc()); }},
      {112, "00 00 c0 3f 81", [](const ElementValue& e) { EXPECT_DOUBLE_EQ(e.value, 1.5); EXPECT_TRUE(e.pop()); }},
      {113, "03", [](const ElementValue& e) { EXPECT_EQ(e.qualifier, 3); }},
      {120, "01 00 00 10 00 00", [](const ElementValue& e) { EXPECT_EQ(e.file.nof, 1); EXPECT_EQ(e.file.lof, 4096u); EXPECT_EQ(e.qualifier, 0); }},
      {121, "01 00 02 00 08 00 80",
       [](const ElementValue& e) { EXPECT_EQ(e.file.nos, 2); EXPECT_EQ(e.file.lof, 2048u); EXPECT_TRUE(e.negative()); }},
      {122, "01 00 00 02", [](const ElementValue& e) { EXPECT_EQ(e.file.nof, 1); EXPECT_EQ(e.low_nibble(), 2); }},
      {123, "01 00 01 03 5a", [](const ElementValue& e) { EXPECT_EQ(e.qualifier, 3); EXPECT_EQ(e.file.chs, 0x5a); }},
      {124, "01 00 01 03", [](const ElementValue& e) { EXPECT_EQ(e.low_nibble(), 3); }},
      {125, "01 00 01 03 aa bb cc", [](const ElementValue& e) { EXPECT_EQ(e.file.los, 3); }},
      {126, cat("02 00 00 01 00 20", kCp56), [](const ElementValue& e) { EXPECT_EQ(e.file.lof, 256u); EXPECT_EQ(e.file.sof, 0x20); expect_cp56(e.time); }},
      {127, cat(cat("01 00", kCp56), kCp56), [](const ElementValue& e) { expect_cp56(e.time); expect_cp56(e.time_end); }},
  };
  return v;
}

std::string header(std::uint8_t type, bool sq, unsigned num, unsigned cot) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02x %02x %02x 00 01 00", type, (sq ? 0x80u : 0u) | num, cot);
  return buf;
}

TEST(Elements, EveryDefinedTypeHasAVector) {
  std::set<unsigned> covered;
  for (const Vector& v : vectors()) covered.insert(v.type);
  for (unsigned id = 0; id < 256; ++id) {
    const TypeInfo& t = type_info(static_cast<std::uint8_t>(id));
    if (t.defined() && t.cls != TypeClass::security) {
      EXPECT_TRUE(covered.count(id)) << "no vector for type " << id;
    }
  }
}

TEST(Elements, EachTypeDecodesOneObject) {
  for (const Vector& v : vectors()) {
    SCOPED_TRACE(testing::Message() << "type " << unsigned{v.type});
    const auto bytes = hex(header(v.type, false, 1, 6) + " 01 02 03 " + v.element);
    const Asdu a = parse_asdu(core::Bytes(bytes));
    ASSERT_FALSE(a.defect.failed());
    ASSERT_EQ(a.objects_available, 1);
    const InformationObject o = a.object(0);
    EXPECT_EQ(o.ioa, 0x030201u);
    const ElementValue value = o.value();
    EXPECT_TRUE(value.complete);
    v.check(value);
  }
}

TEST(Elements, TwoObjectsWithSqZeroHaveTheirOwnAddresses) {
  for (const Vector& v : vectors()) {
    SCOPED_TRACE(testing::Message() << "type " << unsigned{v.type});
    const auto bytes = hex(header(v.type, false, 2, 3) + " 01 00 00 " + v.element + " 09 00 00 " + v.element);
    const Asdu a = parse_asdu(core::Bytes(bytes));
    ASSERT_FALSE(a.defect.failed());
    ASSERT_EQ(a.objects_available, 2);
    EXPECT_EQ(a.ioa(0), 1u);
    EXPECT_EQ(a.ioa(1), 9u);
    if (type_info(v.type).layout != ElementLayout::segment) v.check(a.object(1).value());
  }
}

TEST(Elements, SqOneSendsOneAddressAndTheRestIncrement) {
  for (const Vector& v : vectors()) {
    const TypeInfo& t = type_info(v.type);
    if (t.vsq != VsqRule::any) continue;
    SCOPED_TRACE(testing::Message() << "type " << unsigned{v.type});
    const auto bytes = hex(header(v.type, true, 3, 20) + " 0a 00 00 " + v.element + " " + v.element + " " + v.element);
    const Asdu a = parse_asdu(core::Bytes(bytes));
    ASSERT_FALSE(a.defect.failed());
    ASSERT_EQ(a.objects_available, 3);
    EXPECT_EQ(a.ioa(0), 10u);
    EXPECT_EQ(a.ioa(2), 12u);
    EXPECT_EQ(a.object(2).ioa, 12u);
    v.check(a.object(2).value());
  }
}

TEST(Elements, TruncatedAtEveryLengthIsMalformedNeverACrash) {
  for (const Vector& v : vectors()) {
    SCOPED_TRACE(testing::Message() << "type " << unsigned{v.type});
    const auto full = hex(header(v.type, false, 1, 6) + " 01 02 03 " + v.element);
    for (std::size_t n = 0; n < full.size(); ++n) {
      const Asdu a = parse_asdu(core::Bytes(full).first(n));
      ASSERT_TRUE(a.defect.failed()) << n;
      for (std::size_t i = 0; i < a.objects_available; ++i) (void)a.object(i).value();
      for (std::size_t i = 0; i < a.ioa_count; ++i) (void)a.ioa(i);
    }
  }
}

TEST(Elements, OversizedByOneByteIsALengthMismatch) {
  for (const Vector& v : vectors()) {
    SCOPED_TRACE(testing::Message() << "type " << unsigned{v.type});
    const auto bytes = hex(header(v.type, false, 1, 6) + " 01 02 03 " + v.element + " 00");
    const Asdu a = parse_asdu(core::Bytes(bytes));
    EXPECT_EQ(a.defect.code, ParseErrorCode::asdu_length_mismatch);
    EXPECT_EQ(a.objects_available, 1);
  }
}

TEST(Elements, SegmentDataIsAViewOfTheElement) {
  const auto bytes = hex("7d 01 0d 00 01 00 00 00 00 01 00 01 03 aa bb cc");
  const Asdu a = parse_asdu(core::Bytes(bytes));
  const InformationObject o = a.object(0);
  ASSERT_EQ(o.segment().size(), 3u);
  EXPECT_EQ(o.segment()[2], std::byte{0xcc});
  // A LOS larger than what is there is clamped to the element.
  const auto cut = hex("01 00 01 09 aa");
  const InformationObject short_one{0, core::Bytes(cut), ElementLayout::segment, TimeTag::none};
  EXPECT_EQ(short_one.segment().size(), 1u);
  EXPECT_FALSE(short_one.value().complete);
}

TEST(Elements, ShortElementIsIncompleteNotARead) {
  const ElementValue v = decode_element(ElementLayout::r32_qds, TimeTag::cp56, core::Bytes(hex("00 00 c0")));
  EXPECT_FALSE(v.complete);
  EXPECT_FALSE(v.time.present());
}

TEST(Elements, Cp56FlagsAndReservedBits) {
  const TimeValue t = decode_cp56(core::Bytes(hex("00 00 c0 e8 1d 18 88")));
  EXPECT_TRUE(t.invalid);
  EXPECT_TRUE(t.substituted);
  EXPECT_TRUE(t.summer_time);
  EXPECT_EQ(t.hour, 8);
  EXPECT_EQ(t.month, 8);
  EXPECT_EQ(t.year, 8);
  EXPECT_EQ(t.reserved_bits, 7);  // RES2, RES3 and RES4 all set
}

TEST(Elements, NormalisedValuesSpanMinusOneToAlmostOne) {
  EXPECT_DOUBLE_EQ(decode_element(ElementLayout::nva, TimeTag::none, core::Bytes(hex("00 80"))).value, -1.0);
  EXPECT_DOUBLE_EQ(decode_element(ElementLayout::nva, TimeTag::none, core::Bytes(hex("ff 7f"))).value, 32767.0 / 32768);
}

TEST(Elements, NonFiniteFloatsDecodeAsIs) {
  const ElementValue v = decode_element(ElementLayout::r32_qds, TimeTag::none, core::Bytes(hex("00 00 c0 7f 00")));
  EXPECT_TRUE(std::isnan(v.value));
}

}  // namespace
}  // namespace normwatch::protocols::iec104
