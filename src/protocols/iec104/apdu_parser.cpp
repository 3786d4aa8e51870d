// The pure APDU parser: APCI (IEC 60870-5-104 §5.1–5.4) and the ASDU data unit identifier and
// object layout (IEC 60870-5-101 §7.2). Lengths are checked against the type table in O(1);
// objects are located on demand from the spans kept in the Asdu.
#include <bit>

#include "normwatch/protocols/iec104/pdu.hpp"

namespace normwatch::protocols::iec104 {

namespace {

// Little-endian field of `width` (1..4) octets at `at`, 0 when it does not fit.
std::uint32_t read_le(core::Bytes b, std::size_t at, std::size_t width) {
  if (at > b.size() || width > b.size() - at) return 0;
  const auto o = [&](std::size_t i) { return static_cast<std::uint32_t>(b[at + i]); };
  switch (width) {
    case 1: return o(0);
    case 2: return o(0) | (o(1) << 8);
    case 3: return o(0) | (o(1) << 8) | (o(2) << 16);
    default: return width == 0 ? 0 : o(0) | (o(1) << 8) | (o(2) << 16) | (o(3) << 24);
  }
}

std::uint8_t octet(core::Bytes b, std::size_t at) { return static_cast<std::uint8_t>(b[at]); }

// Where object i lies in the body: its address (when transmitted) and its element.
struct Location {
  std::size_t ioa_at = 0;
  std::size_t element_at = 0;
  std::size_t element_size = 0;
  bool found = false;
};

// F_SG_NA_1: NOF(2) NOS(1) LOS(1) then LOS octets.
constexpr std::size_t kSegmentFixed = 4;

Location locate_variable(const Asdu& a, std::size_t index) {
  const std::size_t ioa = a.widths.ioa;
  std::size_t at = 0;
  for (std::size_t i = 0; i < a.num; ++i) {
    Location l;
    l.ioa_at = a.sq ? 0 : at;
    if (!a.sq || i == 0) at += ioa;
    if (at + kSegmentFixed > a.body.size()) return {};
    l.element_at = at;
    l.element_size = kSegmentFixed + octet(a.body, at + 3);
    if (l.element_size > a.body.size() - at) return {};
    if (i == index) {
      l.found = true;
      return l;
    }
    at += l.element_size;
  }
  return {};
}

Location locate(const Asdu& a, std::size_t i) {
  const TypeInfo& t = *a.info;
  const std::size_t ioa = a.widths.ioa;
  Location l;
  if (t.variable_size() && t.layout == ElementLayout::segment) return locate_variable(a, i);
  if (t.variable_size()) {
    // Opaque content: only a single object's element can be delimited (the rest of the body).
    if (i != 0 || a.body.size() < ioa) return {};
    l.element_at = ioa;
    l.element_size = a.body.size() - ioa;
  } else if (a.sq) {
    l.element_at = ioa + i * t.element_size;
    l.element_size = t.element_size;
  } else {
    l.ioa_at = i * (ioa + t.element_size);
    l.element_at = l.ioa_at + ioa;
    l.element_size = t.element_size;
  }
  l.found = l.element_at <= a.body.size() && l.element_size <= a.body.size() - l.element_at;
  return l;
}

std::uint8_t min_count(std::size_t a, std::size_t b) { return static_cast<std::uint8_t>(a < b ? a : b); }

void layout_objects(Asdu& a) {
  const TypeInfo& t = *a.info;
  const std::size_t ioa = a.widths.ioa;
  const std::size_t body = a.body.size();
  const std::size_t header = a.widths.header_size();
  if (t.cls == TypeClass::security && t.layout == ElementLayout::opaque) return;  // IEC 60870-5-7 messages
  if (t.layout == ElementLayout::segment) {
    std::size_t count = 0;
    std::size_t end = 0;
    for (std::size_t i = 0; i < a.num; ++i) {
      const Location l = locate_variable(a, i);
      if (!l.found) break;
      ++count;
      end = l.element_at + l.element_size;
    }
    a.objects_available = static_cast<std::uint8_t>(count);
    a.ioa_count = a.sq ? (body >= ioa ? a.num : 0) : a.objects_available;
    if (count != a.num || end != body) {
      const std::size_t first = body >= ioa + kSegmentFixed ? kSegmentFixed + octet(a.body, ioa + 3) : kSegmentFixed;
      a.defect = {ParseErrorCode::asdu_length_mismatch, static_cast<std::uint16_t>(a.bytes.size()), a.num,
                  static_cast<std::uint16_t>(ioa + first), static_cast<std::uint16_t>(header)};
    }
    return;
  }
  if (t.variable_size()) {  // reserved, private: addresses only where they cannot be ambiguous
    const bool first = body >= ioa;
    a.ioa_count = first ? (a.sq ? a.num : (a.num == 1 ? 1 : 0)) : 0;
    a.objects_available = (first && a.num == 1) ? 1 : 0;
    return;
  }
  const std::size_t esize = t.element_size;
  std::size_t expected = 0;
  std::size_t per = 0;
  std::size_t fixed = header;
  if (a.sq) {
    per = esize;
    expected = ioa + a.num * esize;
    fixed += ioa;
    const bool first = body >= ioa;
    a.ioa_count = first ? a.num : 0;
    a.objects_available = !first ? 0 : (esize == 0 ? a.num : min_count(a.num, (body - ioa) / esize));
  } else {
    per = ioa + esize;
    expected = a.num * per;
    a.objects_available = min_count(a.num, body / per);
    a.ioa_count = a.objects_available;
  }
  if (body != expected) {
    a.defect = {ParseErrorCode::asdu_length_mismatch, static_cast<std::uint16_t>(a.bytes.size()), a.num,
                static_cast<std::uint16_t>(per), static_cast<std::uint16_t>(fixed)};
  }
}

constexpr UFunction kUFunctions[6] = {UFunction::startdt_act, UFunction::startdt_con, UFunction::stopdt_act,
                                      UFunction::stopdt_con,  UFunction::testfr_act,  UFunction::testfr_con};

void parse_control(core::Bytes c, std::uint8_t length, Apci& apci) {
  const std::uint8_t c0 = octet(c, 0), c1 = octet(c, 1), c2 = octet(c, 2), c3 = octet(c, 3);
  apci.length = length;
  apci.control[0] = c0;
  apci.control[1] = c1;
  apci.control[2] = c2;
  apci.control[3] = c3;
  apci.tx = 0;
  apci.rx = 0;
  apci.u = UFunction::none;
  const auto rx = static_cast<std::uint16_t>((c2 | (c3 << 8)) >> 1);
  if ((c0 & 0x01) == 0) {
    apci.format = ApciFormat::i;
    apci.tx = static_cast<std::uint16_t>((c0 | (c1 << 8)) >> 1);
    apci.rx = rx;
    apci.reserved_bits = (c2 & 0x01) != 0;
  } else if ((c0 & 0x03) == 0x01) {
    apci.format = ApciFormat::s;
    apci.rx = rx;
    apci.reserved_bits = (c0 & 0xFC) != 0 || c1 != 0 || (c2 & 0x01) != 0;
  } else {
    apci.format = ApciFormat::u;
    const unsigned bits = c0 >> 2;
    if (std::popcount(bits) == 1) apci.u = kUFunctions[std::countr_zero(bits)];
    apci.reserved_bits = c1 != 0 || c2 != 0 || c3 != 0;
  }
}

}  // namespace

std::uint32_t Asdu::ioa(std::size_t i) const {
  if (i >= ioa_count) return 0;
  if (sq) return read_le(body, 0, widths.ioa) + static_cast<std::uint32_t>(i);
  const Location l = locate(*this, i);
  return read_le(body, l.ioa_at, widths.ioa);
}

InformationObject Asdu::object(std::size_t i) const {
  InformationObject o;
  o.layout = info->layout;
  o.time = info->time;
  if (i >= objects_available) return o;
  const Location l = locate(*this, i);
  if (!l.found) return o;
  o.ioa = ioa(i);
  o.element = body.subspan(l.element_at, l.element_size);
  return o;
}

void parse_asdu_into(core::Bytes bytes, const Widths& widths, Asdu& a) {
  a.widths = widths;
  a.bytes = bytes;
  a.body = {};
  a.header_complete = false;
  a.ioa_count = 0;
  a.objects_available = 0;
  a.defect = {};
  a.type = 0;
  a.sq = false;
  a.num = 0;
  a.cot = 0;
  a.negative = false;
  a.test = false;
  a.has_oa = widths.cot == 2;
  a.oa = 0;
  a.ca = 0;
  const std::size_t header = widths.header_size();
  // Fields in order; a short ASDU keeps what it has (reads stop at its end).
  const std::size_t n = bytes.size();
  if (n > 0) a.type = octet(bytes, 0);
  a.info = &type_info(a.type);
  if (n > 1) {
    a.sq = (octet(bytes, 1) & 0x80) != 0;
    a.num = static_cast<std::uint8_t>(octet(bytes, 1) & 0x7F);
  }
  if (n > 2) {
    const std::uint8_t cot = octet(bytes, 2);
    a.cot = static_cast<std::uint8_t>(cot & 0x3F);
    a.negative = (cot & 0x40) != 0;
    a.test = (cot & 0x80) != 0;
  }
  if (widths.cot == 2 && n > 3) a.oa = octet(bytes, 3);
  if (n < header) {
    a.defect = {ParseErrorCode::asdu_too_short, static_cast<std::uint16_t>(n), static_cast<std::uint16_t>(header)};
    return;
  }
  a.ca = static_cast<std::uint16_t>(read_le(bytes, 2u + widths.cot, widths.ca));
  a.header_complete = true;
  a.body = bytes.subspan(header);
  if (a.num == 0) {
    a.defect = {ParseErrorCode::zero_objects};
    return;
  }
  layout_objects(a);
}

ParseError parse_apdu_into(core::Bytes bytes, const Widths& widths, Pdu& pdu) {
  if (bytes.empty()) return {ParseErrorCode::truncated, 0, 2};
  if (octet(bytes, 0) != kStartByte) return {ParseErrorCode::bad_start, octet(bytes, 0)};
  if (bytes.size() < 2) return {ParseErrorCode::truncated, 1, 2};
  const std::uint8_t length = octet(bytes, 1);
  if (length < kMinApduLength || length > kMaxApduLength) return {ParseErrorCode::bad_length, length};
  const std::size_t total = std::size_t{length} + 2;
  const auto given = static_cast<std::uint16_t>(bytes.size() > 0xFFFF ? 0xFFFF : bytes.size());
  if (bytes.size() < total) return {ParseErrorCode::truncated, given, static_cast<std::uint16_t>(total)};
  if (bytes.size() > total) return {ParseErrorCode::trailing_bytes, given, static_cast<std::uint16_t>(total)};
  pdu.bytes = bytes;
  parse_control(bytes.subspan(2, 4), length, pdu.apci);
  pdu.defect = {};
  pdu.has_asdu = false;
  switch (pdu.apci.format) {
    case ApciFormat::i:
      parse_asdu_into(bytes.subspan(6), widths, pdu.asdu);
      pdu.has_asdu = pdu.asdu.header_complete;
      pdu.defect = pdu.asdu.defect;
      break;
    case ApciFormat::s:
      pdu.asdu = Asdu{};
      if (length != kMinApduLength) pdu.defect = {ParseErrorCode::bad_apdu_length, 'S', length};
      break;
    case ApciFormat::u:
      pdu.asdu = Asdu{};
      if (length != kMinApduLength) {
        pdu.defect = {ParseErrorCode::bad_apdu_length, 'U', length};
      } else if (pdu.apci.u == UFunction::none) {
        pdu.defect = {ParseErrorCode::bad_u_function, pdu.apci.control[0],
                      static_cast<std::uint16_t>(std::popcount(static_cast<unsigned>(pdu.apci.control[0] >> 2)))};
      }
      break;
  }
  return {};
}

Asdu parse_asdu(core::Bytes bytes, const Widths& widths) {
  Asdu a;
  parse_asdu_into(bytes, widths, a);
  return a;
}

core::Result<Pdu, ParseError> parse_apdu(core::Bytes bytes, const Widths& widths) {
  Pdu pdu;
  const ParseError error = parse_apdu_into(bytes, widths, pdu);
  if (error.failed()) return core::unexpected(error);
  return pdu;
}

}  // namespace normwatch::protocols::iec104
