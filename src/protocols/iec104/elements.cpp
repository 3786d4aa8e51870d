// Information element decoding (IEC 60870-5-101 §7.2.6): one function per layout family, all
// reading through ByteReader. Values are little-endian; BSI's first octet holds bits 1..8.
#include "normwatch/protocols/iec104/elements.hpp"

#include <bit>

namespace normwatch::protocols::iec104 {

namespace {

using core::ByteReader;

std::int16_t i16(ByteReader& r) { return static_cast<std::int16_t>(r.u16le().value_or(0)); }

void read_qds(ByteReader& r, ElementValue& v) { v.quality = r.u8().value_or(0); }

// CP16Time2a: milliseconds 0..59999.
void read_cp16(ByteReader& r, ElementValue& v) { v.elapsed_ms = r.u16le().value_or(0); }

void read_bcr(ByteReader& r, ElementValue& v) {
  v.integer = static_cast<std::int32_t>(r.u32le().value_or(0));
  const std::uint8_t s = r.u8().value_or(0);
  v.counter_sequence = static_cast<std::uint8_t>(s & 0x1F);
  v.carry = (s & 0x20) != 0;
  v.adjusted = (s & 0x40) != 0;
  v.quality = static_cast<std::uint8_t>(s & quality::kInvalid);
}

void read_time(ByteReader& r, TimeTag kind, TimeValue& t) {
  if (kind == TimeTag::cp56) {
    if (auto b = r.take(7)) t = decode_cp56(*b);
  } else if (kind == TimeTag::cp24) {
    if (auto b = r.take(3)) t = decode_cp24(*b);
  }
}

void decode_information(ByteReader& r, ElementLayout layout, ElementValue& v) {
  using L = ElementLayout;
  switch (layout) {
    case L::siq:
    case L::diq: {
      const std::uint8_t b = r.u8().value_or(0);
      v.state = static_cast<std::uint8_t>(b & (layout == L::siq ? 0x01 : 0x03));
      v.quality = static_cast<std::uint8_t>(b & ~(layout == L::siq ? 0x01 : 0x03));
      break;
    }
    case L::vti_qds: {
      const std::uint8_t b = r.u8().value_or(0);
      v.integer = (b & 0x40) != 0 ? static_cast<int>(b & 0x7F) - 128 : (b & 0x7F);
      v.value = static_cast<double>(v.integer);
      v.transient = (b & 0x80) != 0;
      read_qds(r, v);
      break;
    }
    case L::bsi_qds:
    case L::scd_qds:
      v.integer = r.u32le().value_or(0);
      read_qds(r, v);
      break;
    case L::bsi:
      v.integer = r.u32le().value_or(0);
      break;
    case L::nva_qds:
    case L::nva:
    case L::nva_qos:
    case L::nva_qpm:
      v.integer = i16(r);
      v.value = static_cast<double>(v.integer) / 32768.0;
      break;
    case L::sva_qds:
    case L::sva_qos:
    case L::sva_qpm:
      v.integer = i16(r);
      v.value = static_cast<double>(v.integer);
      break;
    case L::r32_qds:
    case L::r32_qos:
    case L::r32_qpm: {
      const std::uint32_t bits = r.u32le().value_or(0);
      v.integer = bits;
      v.value = static_cast<double>(std::bit_cast<float>(bits));
      break;
    }
    default: break;
  }
  // The octet after the value: quality or qualifier.
  switch (layout) {
    case L::nva_qds:
    case L::sva_qds:
    case L::r32_qds: read_qds(r, v); break;
    case L::nva_qos:
    case L::sva_qos:
    case L::r32_qos:
    case L::nva_qpm:
    case L::sva_qpm:
    case L::r32_qpm: v.qualifier = r.u8().value_or(0); break;
    default: break;
  }
}

void decode_protection(ByteReader& r, ElementLayout layout, ElementValue& v) {
  const std::uint8_t first = r.u8().value_or(0);
  if (layout == ElementLayout::sep_cp16) {
    v.state = static_cast<std::uint8_t>(first & 0x03);  // ES: 1 off, 2 on, 0/3 indeterminate
    v.quality = static_cast<std::uint8_t>(first & 0xFC);
  } else {
    v.state = first;  // SPE or OCI bits
    v.quality = r.u8().value_or(0);  // QDP
  }
  read_cp16(r, v);
}

void decode_command(ByteReader& r, ElementLayout layout, ElementValue& v) {
  const std::uint8_t b = r.u8().value_or(0);
  v.qualifier = b;
  v.state = static_cast<std::uint8_t>(b & (layout == ElementLayout::sco ? 0x01 : 0x03));
}

void decode_file(ByteReader& r, ElementLayout layout, ElementValue& v) {
  using L = ElementLayout;
  v.file.nof = r.u16le().value_or(0);
  switch (layout) {
    case L::file_ready:
      v.file.lof = r.u24le().value_or(0);
      v.qualifier = r.u8().value_or(0);  // FRQ
      break;
    case L::section_ready:
      v.file.nos = r.u8().value_or(0);
      v.file.lof = r.u24le().value_or(0);
      v.qualifier = r.u8().value_or(0);  // SRQ
      break;
    case L::call_select:
    case L::ack_file:
      v.file.nos = r.u8().value_or(0);
      v.qualifier = r.u8().value_or(0);  // SCQ / AFQ
      break;
    case L::last_section:
      v.file.nos = r.u8().value_or(0);
      v.qualifier = r.u8().value_or(0);  // LSQ
      v.file.chs = r.u8().value_or(0);
      break;
    case L::segment:
      v.file.nos = r.u8().value_or(0);
      v.file.los = r.u8().value_or(0);
      v.file.segment = r.take(v.file.los).value_or(r.rest());
      if (v.file.segment.size() != v.file.los) r.skip(r.remaining());
      break;
    case L::directory:
      v.file.lof = r.u24le().value_or(0);
      v.file.sof = r.u8().value_or(0);
      break;
    case L::query_log:
      read_time(r, TimeTag::cp56, v.time);
      read_time(r, TimeTag::cp56, v.time_end);
      break;
    default: break;
  }
}

std::size_t needed_bytes(ElementLayout layout, TimeTag time, core::Bytes element) {
  using L = ElementLayout;
  std::size_t n = 0;
  switch (layout) {
    case L::opaque:
    case L::none:
    case L::time_only: n = 0; break;
    case L::siq:
    case L::diq:
    case L::sco:
    case L::dco:
    case L::rco:
    case L::coi:
    case L::qoi:
    case L::qcc:
    case L::qrp:
    case L::qpa: n = 1; break;
    case L::vti_qds:
    case L::nva:
    case L::fbp:
    case L::cp16:
    case L::tsc: n = 2; break;
    case L::nva_qds:
    case L::sva_qds:
    case L::sep_cp16:
    case L::nva_qos:
    case L::sva_qos:
    case L::nva_qpm:
    case L::sva_qpm: n = 3; break;
    case L::bsi:
    case L::spe_qdp_cp16:
    case L::oci_qdp_cp16:
    case L::call_select:
    case L::ack_file: n = 4; break;
    case L::bsi_qds:
    case L::r32_qds:
    case L::bcr:
    case L::scd_qds:
    case L::r32_qos:
    case L::r32_qpm:
    case L::last_section: n = 5; break;
    case L::file_ready: n = 6; break;
    case L::section_ready: n = 7; break;
    case L::aid_bcr: n = 7; break;
    case L::directory: n = 6; break;
    case L::query_log: n = 16; break;
    case L::segment: n = 4 + (element.size() >= 4 ? static_cast<std::size_t>(element[3]) : 0); break;
  }
  if (time == TimeTag::cp56) n += 7;
  if (time == TimeTag::cp24) n += 3;
  return n;
}

}  // namespace

TimeValue decode_cp56(core::Bytes b) {
  TimeValue t;
  if (b.size() < 7) return t;
  ByteReader r(b);
  t.kind = TimeTag::cp56;
  t.milliseconds = r.u16le().value_or(0);
  const std::uint8_t min = r.u8().value_or(0), hour = r.u8().value_or(0), day = r.u8().value_or(0),
                     month = r.u8().value_or(0), year = r.u8().value_or(0);
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
  ByteReader r(b);
  t.kind = TimeTag::cp24;
  t.milliseconds = r.u16le().value_or(0);
  const std::uint8_t min = r.u8().value_or(0);
  t.minute = static_cast<std::uint8_t>(min & 0x3F);
  t.substituted = (min & 0x40) != 0;
  t.invalid = (min & 0x80) != 0;
  return t;
}

ElementValue decode_element(ElementLayout layout, TimeTag time, core::Bytes element) {
  using L = ElementLayout;
  ElementValue v;
  v.layout = layout;
  v.complete = element.size() >= needed_bytes(layout, time, element);
  ByteReader r(element);
  switch (layout) {
    case L::opaque:
    case L::none: break;
    case L::siq:
    case L::diq:
    case L::vti_qds:
    case L::bsi_qds:
    case L::scd_qds:
    case L::bsi:
    case L::nva_qds:
    case L::nva:
    case L::nva_qos:
    case L::nva_qpm:
    case L::sva_qds:
    case L::sva_qos:
    case L::sva_qpm:
    case L::r32_qds:
    case L::r32_qos:
    case L::r32_qpm: decode_information(r, layout, v); break;
    case L::bcr: read_bcr(r, v); break;
    case L::aid_bcr:
      v.association_id = r.u16le().value_or(0);
      read_bcr(r, v);
      break;
    case L::sep_cp16:
    case L::spe_qdp_cp16:
    case L::oci_qdp_cp16: decode_protection(r, layout, v); break;
    case L::sco:
    case L::dco:
    case L::rco: decode_command(r, layout, v); break;
    case L::coi:
    case L::qoi:
    case L::qcc:
    case L::qrp:
    case L::qpa: v.qualifier = r.u8().value_or(0); break;
    case L::time_only: break;
    case L::fbp:
    case L::tsc: v.integer = r.u16le().value_or(0); break;
    case L::cp16: read_cp16(r, v); break;
    case L::file_ready:
    case L::section_ready:
    case L::call_select:
    case L::last_section:
    case L::ack_file:
    case L::segment:
    case L::directory:
    case L::query_log: decode_file(r, layout, v); break;
  }
  read_time(r, time, v.time);
  return v;
}

}  // namespace normwatch::protocols::iec104
