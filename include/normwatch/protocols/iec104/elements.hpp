// Decoded information elements of IEC 60870-5-101 §7.2.6 (as used by 104): point states and their
// quality, measured values, counters, protection events, commands with their qualifiers, set
// points, system and parameter qualifiers, file transfer fields and CP56/CP24/CP16 times. Rules
// read these through Asdu::object(i).value(); decoding is on demand and never allocates.
#pragma once

#include <cstdint>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/iec104/types.hpp"

namespace normwatch::protocols::iec104 {

// CP56Time2a (7 octets) or CP24Time2a (3 octets: hour..year stay 0), 101 §7.2.6.18–19.
struct TimeValue {
  TimeTag kind = TimeTag::none;
  std::uint16_t milliseconds = 0;  // within the minute, 0..59999
  std::uint8_t minute = 0;         // 0..59
  std::uint8_t hour = 0;           // 0..23
  std::uint8_t day = 0;            // day of month 1..31
  std::uint8_t day_of_week = 0;    // 1..7 (0: not used)
  std::uint8_t month = 0;          // 1..12
  std::uint8_t year = 0;           // 0..99 (years since 2000 by convention)
  bool invalid = false;            // IV
  bool substituted = false;        // bit 6 of the minute octet (RES1, used as GEN by later editions)
  bool summer_time = false;        // SU
  std::uint8_t reserved_bits = 0;  // RES2 (hour), RES3 (month), RES4 (year) as found, 0 when clean

  constexpr bool present() const { return kind != TimeTag::none; }
};

// Quality descriptor bits in their IEC positions (SIQ, DIQ, QDS, QDP, SEP; BCR keeps IV only).
namespace quality {
inline constexpr std::uint8_t kOverflow = 0x01;         // OV (QDS)
inline constexpr std::uint8_t kElapsedInvalid = 0x08;   // EI (QDP, SEP)
inline constexpr std::uint8_t kBlocked = 0x10;          // BL
inline constexpr std::uint8_t kSubstituted = 0x20;      // SB
inline constexpr std::uint8_t kNotTopical = 0x40;       // NT
inline constexpr std::uint8_t kInvalid = 0x80;          // IV
}  // namespace quality

struct FileFields {
  std::uint16_t nof = 0;   // name of file
  std::uint8_t nos = 0;    // name of section
  std::uint32_t lof = 0;   // length of file or section
  std::uint8_t chs = 0;    // checksum (last section/segment)
  std::uint8_t los = 0;    // length of segment
  std::uint8_t sof = 0;    // status of file (directory): STATUS, LFD 0x20, FOR 0x40, FA 0x80
};

// One decoded element. `layout` says which members mean something (see ElementLayout). Kept small
// (at most 80 bytes) so that making one per object costs a few stores; a segment's data is a view
// of the element (InformationObject::segment()), not a member.
struct ElementValue {
  ElementLayout layout = ElementLayout::opaque;
  bool complete = false;       // the element had all its bytes
  double value = 0;            // measured/set-point/parameter value: normalised in [-1,1), scaled, float
  std::int64_t integer = 0;    // raw NVA/SVA, VTI step (-64..63), BCR count, BSI/SCD bits, TSC, FBP
  std::uint8_t state = 0;      // SPI 0/1, DPI 0..3, SCS, DCS, RCS, SEP event state; SPE/OCI bits
  std::uint8_t quality = 0;    // quality bits (quality::), including reserved bits as found
  std::uint8_t qualifier = 0;  // raw octet: SCO/DCO/RCO, QOS, QOI, QCC, QRP, QPM, QPA, COI, FRQ, SRQ, SCQ, LSQ, AFQ
  bool transient = false;      // VTI: equipment in transient state
  std::uint8_t counter_sequence = 0;  // BCR sequence number 0..31
  bool carry = false;          // BCR CY
  bool adjusted = false;       // BCR CA
  std::uint16_t elapsed_ms = 0;       // CP16Time2a: elapsed/duration/operating time, acquisition delay
  std::uint16_t association_id = 0;   // S_IT_TC_1
  FileFields file;
  TimeValue time;              // the time tag; C_CS_NA_1's clock; F_DR_TA_1 creation; F_SC_NB_1 range start
  TimeValue time_end;          // F_SC_NB_1 range stop

  // Commands (SCO, DCO, RCO) and set points (QOS): S/E, 1 = select, 0 = execute.
  constexpr bool select() const { return (qualifier & 0x80) != 0; }
  // SCO/DCO/RCO qualifier of command: 0 none, 1 short pulse, 2 long pulse, 3 persistent.
  constexpr std::uint8_t qu() const { return static_cast<std::uint8_t>((qualifier >> 2) & 0x1F); }
  // QOS qualifier of set-point (QL), QPA, QRP, QOI, LSQ: the qualifier value without S/E.
  constexpr std::uint8_t ql() const { return static_cast<std::uint8_t>(qualifier & 0x7F); }
  // QCC: request (RQT 0..63) and freeze (FRZ 0..3).
  constexpr std::uint8_t rqt() const { return static_cast<std::uint8_t>(qualifier & 0x3F); }
  constexpr std::uint8_t frz() const { return static_cast<std::uint8_t>(qualifier >> 6); }
  // QPM: kind of parameter, local parameter change, parameter not in operation.
  constexpr std::uint8_t kpa() const { return static_cast<std::uint8_t>(qualifier & 0x3F); }
  constexpr bool lpc() const { return (qualifier & 0x40) != 0; }
  constexpr bool pop() const { return (qualifier & 0x80) != 0; }
  // COI: cause of initialisation (0 power on, 1 local reset, 2 remote reset), after parameter change.
  constexpr std::uint8_t coi_cause() const { return static_cast<std::uint8_t>(qualifier & 0x7F); }
  constexpr bool coi_after_change() const { return (qualifier & 0x80) != 0; }
  // FRQ/SRQ/AFQ/SCQ: low and high nibble (SCQ: selection and error; AFQ: acknowledge and error),
  // FRQ/SRQ: BS1 negative / not ready.
  constexpr std::uint8_t low_nibble() const { return static_cast<std::uint8_t>(qualifier & 0x0F); }
  constexpr std::uint8_t high_nibble() const { return static_cast<std::uint8_t>(qualifier >> 4); }
  constexpr bool negative() const { return (qualifier & 0x80) != 0; }

  constexpr bool invalid() const { return (quality & quality::kInvalid) != 0; }
  constexpr bool not_topical() const { return (quality & quality::kNotTopical) != 0; }
  constexpr bool substituted() const { return (quality & quality::kSubstituted) != 0; }
  constexpr bool blocked() const { return (quality & quality::kBlocked) != 0; }
  constexpr bool overflow() const { return (quality & quality::kOverflow) != 0; }
};
static_assert(sizeof(ElementValue) <= 80, "ElementValue is built per object: keep it small");

// Decodes one element (the bytes after its IOA). Short input leaves the missing fields at 0 and
// `complete` false; it never reads past `element`.
ElementValue decode_element(ElementLayout layout, TimeTag time, core::Bytes element);
inline ElementValue decode_element(const TypeInfo& info, core::Bytes element) {
  return decode_element(info.layout, info.time, element);
}
TimeValue decode_cp56(core::Bytes seven_octets);
TimeValue decode_cp24(core::Bytes three_octets);

}  // namespace normwatch::protocols::iec104
