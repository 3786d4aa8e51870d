// Typed IEC 60870-5-104 APDU: APCI (104 §5.1–5.4: start 0x68, length, I/S/U control field with
// 15-bit N(S)/N(R)) and ASDU (101 §7.2: type, variable structure qualifier, cause of transmission
// with P/N and test bits, originator and common address, information objects). The parser is pure
// and O(1): it validates lengths from the type table and keeps spans into the input; objects and
// their values are read on demand, so nothing is allocated or copied per APDU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/core/field_writer.hpp"
#include "normwatch/core/result.hpp"
#include "normwatch/protocols/common/protocol_id.hpp"
#include "normwatch/protocols/iec104/anomaly.hpp"
#include "normwatch/protocols/iec104/config.hpp"
#include "normwatch/protocols/iec104/elements.hpp"
#include "normwatch/protocols/iec104/types.hpp"

namespace normwatch::protocols::iec104 {

inline constexpr std::uint8_t kStartByte = 0x68;
inline constexpr std::size_t kMinApduLength = 4;    // length octet: control field only
inline constexpr std::size_t kMaxApduLength = 253;  // 255-byte APDU
inline constexpr std::size_t kMaxApduBytes = kMaxApduLength + 2;
inline constexpr std::uint16_t kSequenceModulo = 32768;  // N(S), N(R) are 15 bits

enum class ApciFormat : std::uint8_t { i, s, u };

enum class UFunction : std::uint8_t { none, startdt_act, startdt_con, stopdt_act, stopdt_con, testfr_act, testfr_con };

// "STARTDT_ACT" ... "TESTFR_CON"; empty for none.
std::string_view name(UFunction function);
constexpr bool is_act(UFunction f) {
  return f == UFunction::startdt_act || f == UFunction::stopdt_act || f == UFunction::testfr_act;
}
constexpr UFunction confirmation_of(UFunction act) {
  return act == UFunction::startdt_act  ? UFunction::startdt_con
         : act == UFunction::stopdt_act ? UFunction::stopdt_con
         : act == UFunction::testfr_act ? UFunction::testfr_con
                                        : UFunction::none;
}

struct Apci {
  ApciFormat format = ApciFormat::u;
  std::uint8_t length = 0;         // APDU length octet: bytes after it (4..253)
  std::uint16_t tx = 0;            // N(S), I-format
  std::uint16_t rx = 0;            // N(R), I- and S-format
  UFunction u = UFunction::none;   // U-format function (none when not exactly one bit is set)
  std::uint8_t control[4] = {};    // raw control octets
  bool reserved_bits = false;      // reserved control bits set
};

// One information object: its address and its element bytes (time tag included).
struct InformationObject {
  std::uint32_t ioa = 0;
  core::Bytes element;
  ElementLayout layout = ElementLayout::opaque;
  TimeTag time = TimeTag::none;

  ElementValue value() const { return decode_element(layout, time, element); }
  // F_SG_NA_1: the segment data after NOF, NOS and LOS (at most LOS octets); empty otherwise.
  core::Bytes segment() const {
    if (layout != ElementLayout::segment || element.size() <= 4) return {};
    const std::size_t los = static_cast<std::uint8_t>(element[3]);
    return element.subspan(4, los < element.size() - 4 ? los : element.size() - 4);
  }
};

struct Asdu {
  std::uint8_t type = 0;         // type identification
  bool sq = false;               // SQ=1: one IOA, the following objects' addresses increment
  std::uint8_t num = 0;          // number of objects (7 bits)
  std::uint8_t cot = 0;          // cause of transmission (6 bits)
  bool negative = false;         // P/N: negative confirmation
  bool test = false;             // T: test
  bool has_oa = false;           // COT is two octets
  std::uint8_t oa = 0;           // originator address
  std::uint16_t ca = 0;          // common address of ASDU
  Widths widths;
  const TypeInfo* info = &kTypeTable[0];
  core::Bytes bytes;             // the whole ASDU
  core::Bytes body;              // information objects (after the data unit identifier)
  bool header_complete = false;  // the data unit identifier was whole
  std::uint8_t ioa_count = 0;    // objects whose address is known (for describe and rules)
  std::uint8_t objects_available = 0;  // objects whose element bytes are delimited
  ParseError defect;             // why the ASDU is malformed (none when clean)

  const TypeInfo& type_info() const { return *info; }
  bool broadcast() const { return ca == widths.broadcast_address(); }
  // Address of object i (i < ioa_count).
  std::uint32_t ioa(std::size_t i) const;
  // Object i (i < objects_available) with its element bytes.
  InformationObject object(std::size_t i) const;
  // Calls f(const InformationObject&) for each of the objects_available objects, in order, in
  // O(1) per object.
  template <class F>
  void for_each_object(F&& f) const;
};

namespace detail {
// Little-endian address of `width` octets at `at`; the caller has checked that it is inside `b`.
inline std::uint32_t load_address(core::Bytes b, std::size_t at, std::size_t width) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v |= static_cast<std::uint32_t>(b[at + i]) << (8 * i);
  return v;
}
}  // namespace detail

template <class F>
void Asdu::for_each_object(F&& f) const {
  const TypeInfo& t = *info;
  if (t.variable_size()) {
    for (std::size_t i = 0; i < objects_available; ++i) f(object(i));
    return;
  }
  // Fixed-size elements: objects_available objects lie wholly inside body (parse_asdu checked).
  const std::size_t width = widths.ioa;
  const std::size_t size = t.element_size;
  InformationObject o;
  o.layout = t.layout;
  o.time = t.time;
  if (sq) {
    if (objects_available == 0) return;
    const std::uint32_t first = detail::load_address(body, 0, width);
    for (std::size_t i = 0; i < objects_available; ++i) {
      o.ioa = first + static_cast<std::uint32_t>(i);
      o.element = body.subspan(width + i * size, size);
      f(static_cast<const InformationObject&>(o));
    }
    return;
  }
  std::size_t at = 0;
  for (std::size_t i = 0; i < objects_available; ++i) {
    o.ioa = detail::load_address(body, at, width);
    o.element = body.subspan(at + width, size);
    f(static_cast<const InformationObject&>(o));
    at += width + size;
  }
}

struct Pdu {
  static constexpr ProtocolId kProtocol = ProtocolId::iec104;

  Apci apci;
  bool has_asdu = false;  // I-format whose data unit identifier could be read
  Asdu asdu;
  core::Bytes bytes;      // the whole APDU
  ParseError defect;      // first reason the APDU is malformed (none when clean)

  bool malformed() const { return defect.failed(); }
};

// Parses one whole APDU. Fails only when the bytes are not one APDU at all (bad start, bad length,
// fewer or more bytes than the length octet announces); an APDU with a malformed control field or
// ASDU still yields a Pdu, with `defect` set and every field that could be read.
core::Result<Pdu, ParseError> parse_apdu(core::Bytes apdu, const Widths& widths = {});

// The same, filling `out` in place (the hot path: no copy of the Pdu). Returns the error, or a
// ParseError with code none on success; on error `out` is left unspecified.
ParseError parse_apdu_into(core::Bytes apdu, const Widths& widths, Pdu& out);

// Parses an ASDU (the bytes after the control field) with the given field widths.
Asdu parse_asdu(core::Bytes asdu, const Widths& widths = {});
void parse_asdu_into(core::Bytes asdu, const Widths& widths, Asdu& out);

// The IEC 104 keys of decode-jsonl.md: apci, tx, rx, u, asdu{type,sq,num,cot,neg,test,oa,ca,ioa}.
void describe(const Pdu& pdu, core::FieldWriter& out);
// Verbose companion: "objects":[{"ioa":..,"value":..,"quality":..,"time":..}...] with decoded values.
void describe_objects(const Pdu& pdu, core::FieldWriter& out);

}  // namespace normwatch::protocols::iec104
