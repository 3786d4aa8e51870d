// Information element decoding (IEC 60870-5-101 §7.2.6). Each layout has a fixed value part (a
// table below) followed by its time tag; a short element is decoded from a zero-padded copy, so
// every read is in bounds and missing fields read as 0. Values are little-endian; the first octet
// of a BSI holds bits 1..8.
#include "normwatch/protocols/iec104/elements.hpp"

#include <algorithm>
#include <array>
#include <bit>

namespace normwatch::protocols::iec104 {

namespace {

using L = ElementLayout;

// Octets of each layout's value part (before the time tag), indexed by ElementLayout.
constexpr std::array<std::uint8_t, 43> kValueSize = {
    0,   // opaque
    1,   // siq
    1,   // diq
    2,   // vti_qds
    5,   // bsi_qds
    3,   // nva_qds
    3,   // sva_qds
    5,   // r32_qds
    5,   // bcr
    3,   // sep_cp16
    4,   // spe_qdp_cp16
    4,   // oci_qdp_cp16
    5,   // scd_qds
    2,   // nva
    7,   // aid_bcr
    1,   // sco
    1,   // dco
    1,   // rco
    3,   // nva_qos
    3,   // sva_qos
    5,   // r32_qos
    4,   // bsi
    1,   // coi
    1,   // qoi
    1,   // qcc
    0,   // none
    0,   // time_only
    2,   // fbp
    1,   // qrp
    2,   // cp16
    2,   // tsc
    3,   // nva_qpm
    3,   // sva_qpm
    5,   // r32_qpm
    1,   // qpa
    6,   // file_ready
    7,   // section_ready
    4,   // call_select
    5,   // last_section
    4,   // ack_file
    4,   // segment (plus LOS octets)
    6,   // directory
    16,  // query_log (two CP56Time2a included)
};
static_assert(kValueSize.size() == static_cast<std::size_t>(ElementLayout::query_log) + 1, "one size per layout");

constexpr std::size_t time_size(TimeTag t) { return t == TimeTag::cp56 ? 7 : t == TimeTag::cp24 ? 3 : 0; }

// Reads from a span known to hold every offset asked for.
struct Octets {
  core::Bytes b;
  std::uint8_t u8(std::size_t i) const { return static_cast<std::uint8_t>(b[i]); }
  std::uint16_t u16(std::size_t i) const { return static_cast<std::uint16_t>(u8(i) | (u8(i + 1) << 8)); }
  std::uint32_t u24(std::size_t i) const { return u16(i) | (static_cast<std::uint32_t>(u8(i + 2)) << 16); }
  std::uint32_t u32(std::size_t i) const { return u24(i) | (static_cast<std::uint32_t>(u8(i + 3)) << 24); }
  std::int16_t i16(std::size_t i) const { return static_cast<std::int16_t>(u16(i)); }
};

void set_bcr(const Octets& o, std::size_t at, ElementValue& v) {
  v.integer = static_cast<std::int32_t>(o.u32(at));
  const std::uint8_t s = o.u8(at + 4);
  v.counter_sequence = static_cast<std::uint8_t>(s & 0x1F);
  v.carry = (s & 0x20) != 0;
  v.adjusted = (s & 0x40) != 0;
  v.quality = static_cast<std::uint8_t>(s & quality::kInvalid);
}

void set_normalised(std::int16_t raw, ElementValue& v) {
  v.integer = raw;
  v.value = static_cast<double>(raw) / 32768.0;
}

void set_scaled(std::int16_t raw, ElementValue& v) {
  v.integer = raw;
  v.value = static_cast<double>(raw);
}

void set_float(std::uint32_t bits, ElementValue& v) {
  v.integer = bits;
  v.value = static_cast<double>(std::bit_cast<float>(bits));
}

void decode_value(const Octets& o, ElementLayout layout, ElementValue& v) {
  switch (layout) {
    case L::siq:
      v.state = static_cast<std::uint8_t>(o.u8(0) & 0x01);
      v.quality = static_cast<std::uint8_t>(o.u8(0) & 0xFE);
      break;
    case L::diq:
      v.state = static_cast<std::uint8_t>(o.u8(0) & 0x03);
      v.quality = static_cast<std::uint8_t>(o.u8(0) & 0xFC);
      break;
    case L::vti_qds: {
      const std::uint8_t b = o.u8(0);
      v.integer = (b & 0x40) != 0 ? static_cast<int>(b & 0x7F) - 128 : (b & 0x7F);
      v.value = static_cast<double>(v.integer);
      v.transient = (b & 0x80) != 0;
      v.quality = o.u8(1);
      break;
    }
    case L::bsi_qds:
    case L::scd_qds:
      v.integer = o.u32(0);
      v.quality = o.u8(4);
      break;
    case L::bsi: v.integer = o.u32(0); break;
    case L::nva_qds:
      set_normalised(o.i16(0), v);
      v.quality = o.u8(2);
      break;
    case L::nva: set_normalised(o.i16(0), v); break;
    case L::sva_qds:
      set_scaled(o.i16(0), v);
      v.quality = o.u8(2);
      break;
    case L::r32_qds:
      set_float(o.u32(0), v);
      v.quality = o.u8(4);
      break;
    case L::nva_qos:
    case L::nva_qpm:
      set_normalised(o.i16(0), v);
      v.qualifier = o.u8(2);
      break;
    case L::sva_qos:
    case L::sva_qpm:
      set_scaled(o.i16(0), v);
      v.qualifier = o.u8(2);
      break;
    case L::r32_qos:
    case L::r32_qpm:
      set_float(o.u32(0), v);
      v.qualifier = o.u8(4);
      break;
    case L::bcr: set_bcr(o, 0, v); break;
    case L::aid_bcr:
      v.association_id = o.u16(0);
      set_bcr(o, 2, v);
      break;
    case L::sep_cp16:
      v.state = static_cast<std::uint8_t>(o.u8(0) & 0x03);  // ES: 1 off, 2 on, 0/3 indeterminate
      v.quality = static_cast<std::uint8_t>(o.u8(0) & 0xFC);
      v.elapsed_ms = o.u16(1);
      break;
    case L::spe_qdp_cp16:
    case L::oci_qdp_cp16:
      v.state = o.u8(0);  // SPE or OCI bits
      v.quality = o.u8(1);  // QDP
      v.elapsed_ms = o.u16(2);
      break;
    case L::sco:
      v.qualifier = o.u8(0);
      v.state = static_cast<std::uint8_t>(o.u8(0) & 0x01);
      break;
    case L::dco:
    case L::rco:
      v.qualifier = o.u8(0);
      v.state = static_cast<std::uint8_t>(o.u8(0) & 0x03);
      break;
    case L::coi:
    case L::qoi:
    case L::qcc:
    case L::qrp:
    case L::qpa: v.qualifier = o.u8(0); break;
    case L::fbp:
    case L::tsc: v.integer = o.u16(0); break;
    case L::cp16: v.elapsed_ms = o.u16(0); break;
    case L::file_ready:
      v.file.nof = o.u16(0);
      v.file.lof = o.u24(2);
      v.qualifier = o.u8(5);  // FRQ
      break;
    case L::section_ready:
      v.file.nof = o.u16(0);
      v.file.nos = o.u8(2);
      v.file.lof = o.u24(3);
      v.qualifier = o.u8(6);  // SRQ
      break;
    case L::call_select:
    case L::ack_file:
      v.file.nof = o.u16(0);
      v.file.nos = o.u8(2);
      v.qualifier = o.u8(3);  // SCQ / AFQ
      break;
    case L::last_section:
      v.file.nof = o.u16(0);
      v.file.nos = o.u8(2);
      v.qualifier = o.u8(3);  // LSQ
      v.file.chs = o.u8(4);
      break;
    case L::segment:
      v.file.nof = o.u16(0);
      v.file.nos = o.u8(2);
      v.file.los = o.u8(3);
      break;
    case L::directory:
      v.file.nof = o.u16(0);
      v.file.lof = o.u24(2);
      v.file.sof = o.u8(5);
      break;
    case L::query_log:
      v.file.nof = o.u16(0);
      v.time = decode_cp56(o.b.subspan(2, 7));
      v.time_end = decode_cp56(o.b.subspan(9, 7));
      break;
    case L::opaque:
    case L::none:
    case L::time_only: break;
  }
}

}  // namespace

TimeValue decode_cp56(core::Bytes b) {
  TimeValue t;
  if (b.size() < 7) return t;
  const Octets o{b};
  t.kind = TimeTag::cp56;
  t.milliseconds = o.u16(0);
  const std::uint8_t min = o.u8(2), hour = o.u8(3), day = o.u8(4), month = o.u8(5), year = o.u8(6);
  t.minute = static_cast<std::uint8_t>(min & 0x3F);
  t.substituted = (min & 0x40) != 0;
  t.invalid = (min & 0x80) != 0;
  t.hour = static_cast<std::uint8_t>(hour & 0x1F);
  t.summer_time = (hour & 0x80) != 0;
  t.day = static_cast<std::uint8_t>(day & 0x1F);
  t.day_of_week = static_cast<std::uint8_t>(day >> 5);
  t.month = static_cast<std::uint8_t>(month & 0x0F);
  t.year = static_cast<std::uint8_t>(year & 0x7F);
  // RES2 (hour bits 5-6), RES3 (month bits 4-7), RES4 (year bit 7), packed for the checks.
  t.reserved_bits = static_cast<std::uint8_t>(((hour & 0x60) != 0 ? 1 : 0) | ((month & 0xF0) != 0 ? 2 : 0) |
                                              ((year & 0x80) != 0 ? 4 : 0));
  return t;
}

TimeValue decode_cp24(core::Bytes b) {
  TimeValue t;
  if (b.size() < 3) return t;
  const Octets o{b};
  t.kind = TimeTag::cp24;
  t.milliseconds = o.u16(0);
  t.minute = static_cast<std::uint8_t>(o.u8(2) & 0x3F);
  t.substituted = (o.u8(2) & 0x40) != 0;
  t.invalid = (o.u8(2) & 0x80) != 0;
  return t;
}

ElementValue decode_element(ElementLayout layout, TimeTag time, core::Bytes element) {
  ElementValue v;
  v.layout = layout;
  const std::size_t value_size = kValueSize[static_cast<std::size_t>(layout)];
  const std::size_t los = layout == L::segment && element.size() >= 4 ? static_cast<std::size_t>(element[3]) : 0;
  const std::size_t needed = value_size + los + time_size(time);
  v.complete = element.size() >= needed;
  // Decode the fixed part from the element itself, or from a zero-padded copy when it is short.
  std::array<std::byte, 32> padded{};
  core::Bytes fixed = element;
  if (element.size() < value_size + time_size(time)) {
    std::copy_n(element.begin(), std::min(element.size(), padded.size()), padded.begin());
    fixed = core::Bytes(padded);
  }
  decode_value(Octets{fixed}, layout, v);
  if (v.complete && time == TimeTag::cp56) v.time = decode_cp56(element.subspan(value_size + los, 7));
  if (v.complete && time == TimeTag::cp24) v.time = decode_cp24(element.subspan(value_size + los, 3));
  return v;
}

}  // namespace normwatch::protocols::iec104
