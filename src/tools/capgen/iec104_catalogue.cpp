// Information elements (IEC 60870-5-101 §7.2.6), time tags (§7.2.6.18-20), the ASDU builder
// (§7.2.1-7.2.5) and the table of type ids (§7.3) that the iec104-catalogue scenario writes.
// Sample values are valid encodings: reserved bits 0, normalised values in [-1, 1), finite floats,
// time fields in range.
#include "capgen/iec104_catalogue.hpp"

#include <array>
#include <bit>
#include <cmath>

namespace normwatch::tools::capgen::iec104cat {
namespace {

// Quality bits (QDS §7.2.6.3, SIQ §7.2.6.1, DIQ §7.2.6.2, QDP §7.2.6.4, SEP §7.2.6.10).
constexpr unsigned kOv = 0x01, kEi = 0x08, kBl = 0x10, kSb = 0x20, kNt = 0x40, kIv = 0x80;

// A quality descriptor that differs per object: most are good, some carry a flag.
unsigned quality_for(unsigned index, bool with_overflow) {
  constexpr std::array<unsigned, 6> kCycle = {0, 0, kNt, 0, kSb, kBl};
  unsigned q = kCycle[index % kCycle.size()];
  if (index == 7) q = kIv;
  if (with_overflow && index == 3) q |= kOv;
  return q;
}

struct Civil {
  unsigned year, month, day, hour, minute, ms_in_minute, dow;  // dow: 1 Monday .. 7 Sunday
};

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
Civil civil_from(std::int64_t unix_us) {
  const std::int64_t ms = unix_us / 1000;
  std::int64_t days = ms / 86'400'000;
  std::int64_t in_day = ms % 86'400'000;
  if (in_day < 0) {
    in_day += 86'400'000;
    --days;
  }
  const std::int64_t z = days + 719'468;
  const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const auto doe = static_cast<unsigned>(z - era * 146'097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const auto year = static_cast<unsigned>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0));
  const auto dow = static_cast<unsigned>(((days % 7) + 7 + 3) % 7 + 1);  // 1970-01-01 was a Thursday (4)
  const auto minute_of_day = static_cast<unsigned>(in_day / 60'000);
  return Civil{year, month, day, minute_of_day / 60, minute_of_day % 60, static_cast<unsigned>(in_day % 60'000), dow};
}

std::int16_t normalised(double v) {
  const double clamped = std::fmax(-1.0, std::fmin(v, 32767.0 / 32768.0));
  return static_cast<std::int16_t>(std::lround(clamped * 32768.0));
}

void write_float(ByteWriter& w, double v) { w.u32le(std::bit_cast<std::uint32_t>(static_cast<float>(v))); }
void write_i16(ByteWriter& w, int v) { w.u16le(static_cast<unsigned>(v) & 0xFFFFu); }

// Monitor-direction samples (101 §7.3.1). Each returns the element of object `s.index`.
Bytes siq(unsigned i) { return Bytes{static_cast<std::uint8_t>((i % 2) | (quality_for(i, false) & 0xF0))}; }
Bytes diq(unsigned i) {
  constexpr std::array<unsigned, 4> kStates = {2, 1, 2, 0};  // on, off, on, indeterminate or intermediate
  return Bytes{static_cast<std::uint8_t>(kStates[i % 4] | (quality_for(i, false) & 0xF0))};
}
void vti_qds(ByteWriter& w, unsigned i) {
  const int step = static_cast<int>(i * 9) - 20;  // -20, -11, -2, 7 ...: within -64..63
  w.u8((static_cast<unsigned>(step) & 0x7F) | (i == 1 ? 0x80u : 0u)).u8(quality_for(i, true));
}
void bsi_qds(ByteWriter& w, unsigned i) { w.u32le(0xA5000000u | (i * 0x0101u)).u8(quality_for(i, true)); }
void nva_qds(ByteWriter& w, unsigned i) {
  write_i16(w, normalised(0.25 * i - 0.5));
  w.u8(quality_for(i, true));
}
void sva_qds(ByteWriter& w, unsigned i) {
  write_i16(w, 2300 + 17 * static_cast<int>(i) - (i == 2 ? 5000 : 0));
  w.u8(quality_for(i, true));
}
void r32_qds(ByteWriter& w, unsigned i) {
  write_float(w, 49.98 + 0.125 * i);
  w.u8(quality_for(i, true));
}
void bcr(ByteWriter& w, unsigned i) {
  // Counter reading, then SQ (sequence 0..31), CY carry, CA adjusted, IV.
  w.u32le(123'456u + 1000u * i).u8((i % 32) | (i == 2 ? 0x20u : 0u) | (i == 3 ? 0x40u : 0u));
}

Bytes with_time(Bytes element, std::int64_t time_us, bool cp24_tag) {
  const Bytes t = cp24_tag ? cp24(time_us) : cp56(time_us, false, false);
  element.insert(element.end(), t.begin(), t.end());
  return element;
}

template <void (*Fn)(ByteWriter&, unsigned)>
Bytes plain(unsigned i) {
  Bytes b;
  ByteWriter w(b);
  Fn(w, i);
  return b;
}

Bytes s_siq(const Sample& s) { return siq(s.index); }
Bytes s_diq(const Sample& s) { return diq(s.index); }
Bytes s_vti(const Sample& s) { return plain<vti_qds>(s.index); }
Bytes s_bsi(const Sample& s) { return plain<bsi_qds>(s.index); }
Bytes s_nva(const Sample& s) { return plain<nva_qds>(s.index); }
Bytes s_sva(const Sample& s) { return plain<sva_qds>(s.index); }
Bytes s_r32(const Sample& s) { return plain<r32_qds>(s.index); }
Bytes s_bcr(const Sample& s) { return plain<bcr>(s.index); }
Bytes s_scd(const Sample& s) {
  Bytes b;
  // ST (16 status bits) then CD (16 change-detection bits), then QDS.
  ByteWriter(b).u16le(0x00F0u | s.index).u16le(s.index == 0 ? 0u : 0x0001u << s.index).u8(quality_for(s.index, true));
  return b;
}
Bytes s_nva_only(const Sample& s) {
  Bytes b;
  ByteWriter w(b);
  write_i16(w, normalised(-0.75 + 0.3 * s.index));
  return b;
}
Bytes s_sep(const Sample& s) {  // SEP (event state 1 off / 2 on, EI), CP16 elapsed time
  Bytes b{static_cast<std::uint8_t>((s.index % 2 == 0 ? 2u : 1u) | (s.index == 1 ? kEi : 0u))};
  const Bytes t = cp16(120 + 35 * s.index);
  b.insert(b.end(), t.begin(), t.end());
  return b;
}
// A protection start or output circuit octet (general bit plus one phase), QDP, CP16 time.
Bytes protection(unsigned index, unsigned milliseconds) {
  const auto bits = static_cast<std::uint8_t>(0x01 | (0x02u << (index % 3)));
  Bytes b{bits, static_cast<std::uint8_t>(quality_for(index, false) & 0xF0)};
  const Bytes t = cp16(milliseconds);
  b.insert(b.end(), t.begin(), t.end());
  return b;
}
// SPE (GS general start, SL1..SL3), QDP, CP16 relay duration.
Bytes s_spe(const Sample& s) { return protection(s.index, 480); }
// OCI (GC general command, CL1..CL3), QDP, CP16 relay operating time.
Bytes s_oci(const Sample& s) { return protection(s.index, 95); }

template <Bytes (*Fn)(const Sample&)>
Bytes cp24_of(const Sample& s) {
  return with_time(Fn(s), s.time_us, true);
}
template <Bytes (*Fn)(const Sample&)>
Bytes cp56_of(const Sample& s) {
  return with_time(Fn(s), s.time_us, false);
}

// Control-direction elements (101 §7.3.2): SCO/DCO/RCO octet, set-points with QOS, bitstrings.
unsigned command_octet(const Command& c) {
  return (c.state & 0x03u) | ((c.qualifier & 0x1Fu) << 2) | (c.select ? 0x80u : 0u);
}
unsigned qos(const Command& c) { return (c.qualifier & 0x7Fu) | (c.select ? 0x80u : 0u); }
Bytes c_sco(const Command& c) {
  return Bytes{static_cast<std::uint8_t>(command_octet({c.state & 1u, c.qualifier, c.select}))};
}
Bytes c_dco(const Command& c) { return Bytes{static_cast<std::uint8_t>(command_octet(c))}; }
Bytes c_nva(const Command& c) {
  Bytes b;
  ByteWriter w(b);
  write_i16(w, normalised(c.value));
  w.u8(qos(c));
  return b;
}
Bytes c_sva(const Command& c) {
  Bytes b;
  ByteWriter w(b);
  write_i16(w, static_cast<int>(std::lround(c.value)));
  w.u8(qos(c));
  return b;
}
Bytes c_r32(const Command& c) {
  Bytes b;
  ByteWriter w(b);
  write_float(w, c.value);
  w.u8(qos(c));
  return b;
}
Bytes c_bsi(const Command& c) {
  Bytes b;
  ByteWriter(b).u32le(c.bits);
  return b;
}
template <Bytes (*Fn)(const Command&)>
Bytes c_cp56(const Command& c) {
  Bytes b = Fn(c);
  const Bytes t = cp56(c.time_us);
  b.insert(b.end(), t.begin(), t.end());
  return b;
}

constexpr TypeRow kRows[] = {
    // Process information in monitor direction, 104 profile (104 §8: no CP24 types).
    {1, "M_SP_NA_1", 1, true, true, s_siq, nullptr},
    {3, "M_DP_NA_1", 1, true, true, s_diq, nullptr},
    {5, "M_ST_NA_1", 2, true, true, s_vti, nullptr},
    {7, "M_BO_NA_1", 5, true, true, s_bsi, nullptr},
    {9, "M_ME_NA_1", 3, true, true, s_nva, nullptr},
    {11, "M_ME_NB_1", 3, true, true, s_sva, nullptr},
    {13, "M_ME_NC_1", 5, true, true, s_r32, nullptr},
    {15, "M_IT_NA_1", 5, true, true, s_bcr, nullptr},
    {20, "M_PS_NA_1", 5, true, true, s_scd, nullptr},
    {21, "M_ME_ND_1", 2, true, true, s_nva_only, nullptr},
    {30, "M_SP_TB_1", 8, false, true, cp56_of<s_siq>, nullptr},
    {31, "M_DP_TB_1", 8, false, true, cp56_of<s_diq>, nullptr},
    {32, "M_ST_TB_1", 9, false, true, cp56_of<s_vti>, nullptr},
    {33, "M_BO_TB_1", 12, false, true, cp56_of<s_bsi>, nullptr},
    {34, "M_ME_TD_1", 10, false, true, cp56_of<s_nva>, nullptr},
    {35, "M_ME_TE_1", 10, false, true, cp56_of<s_sva>, nullptr},
    {36, "M_ME_TF_1", 12, false, true, cp56_of<s_r32>, nullptr},
    {37, "M_IT_TB_1", 12, false, true, cp56_of<s_bcr>, nullptr},
    {38, "M_EP_TD_1", 10, false, true, cp56_of<s_sep>, nullptr},
    {39, "M_EP_TE_1", 11, false, true, cp56_of<s_spe>, nullptr},
    {40, "M_EP_TF_1", 11, false, true, cp56_of<s_oci>, nullptr},
    // IEC 101-only types with CP24Time2a (not used in 104, sent by some gateways anyway).
    {2, "M_SP_TA_1", 4, false, false, cp24_of<s_siq>, nullptr},
    {4, "M_DP_TA_1", 4, false, false, cp24_of<s_diq>, nullptr},
    {6, "M_ST_TA_1", 5, false, false, cp24_of<s_vti>, nullptr},
    {8, "M_BO_TA_1", 8, false, false, cp24_of<s_bsi>, nullptr},
    {10, "M_ME_TA_1", 6, false, false, cp24_of<s_nva>, nullptr},
    {12, "M_ME_TB_1", 6, false, false, cp24_of<s_sva>, nullptr},
    {14, "M_ME_TC_1", 8, false, false, cp24_of<s_r32>, nullptr},
    {16, "M_IT_TA_1", 8, false, false, cp24_of<s_bcr>, nullptr},
    {17, "M_EP_TA_1", 6, false, false, cp24_of<s_sep>, nullptr},
    {18, "M_EP_TB_1", 7, false, false, cp24_of<s_spe>, nullptr},
    {19, "M_EP_TC_1", 7, false, false, cp24_of<s_oci>, nullptr},
    // Process information in control direction (101 §7.3.2, 104 §8 adds the CP56 forms).
    {45, "C_SC_NA_1", 1, false, true, nullptr, c_sco},
    {46, "C_DC_NA_1", 1, false, true, nullptr, c_dco},
    {47, "C_RC_NA_1", 1, false, true, nullptr, c_dco},
    {48, "C_SE_NA_1", 3, false, true, nullptr, c_nva},
    {49, "C_SE_NB_1", 3, false, true, nullptr, c_sva},
    {50, "C_SE_NC_1", 5, false, true, nullptr, c_r32},
    {51, "C_BO_NA_1", 4, false, true, nullptr, c_bsi},
    {58, "C_SC_TA_1", 8, false, true, nullptr, c_cp56<c_sco>},
    {59, "C_DC_TA_1", 8, false, true, nullptr, c_cp56<c_dco>},
    {60, "C_RC_TA_1", 8, false, true, nullptr, c_cp56<c_dco>},
    {61, "C_SE_TA_1", 10, false, true, nullptr, c_cp56<c_nva>},
    {62, "C_SE_TB_1", 10, false, true, nullptr, c_cp56<c_sva>},
    {63, "C_SE_TC_1", 12, false, true, nullptr, c_cp56<c_r32>},
    {64, "C_BO_TA_1", 11, false, true, nullptr, c_cp56<c_bsi>},
};

}  // namespace

Bytes cp56(std::int64_t unix_us, bool invalid, bool summer) {
  const Civil c = civil_from(unix_us);
  Bytes b;
  // ms within the minute; IV|RES1|minute; SU|RES2|hour; day of week|day; RES3|month; RES4|year.
  ByteWriter(b)
      .u16le(c.ms_in_minute)
      .u8(c.minute | (invalid ? 0x80u : 0u))
      .u8(c.hour | (summer ? 0x80u : 0u))
      .u8(c.day | (c.dow << 5))
      .u8(c.month)
      .u8(c.year % 100);
  return b;
}

Bytes cp24(std::int64_t unix_us, bool invalid) {
  const Civil c = civil_from(unix_us);
  Bytes b;
  ByteWriter(b).u16le(c.ms_in_minute).u8(c.minute | (invalid ? 0x80u : 0u));
  return b;
}

Bytes cp16(unsigned milliseconds) {
  Bytes b;
  ByteWriter(b).u16le(milliseconds % 60'000);
  return b;
}

AsduBuilder::AsduBuilder(const Header& h) {
  // Type id; VSQ (SQ bit, count grows with each object); T|P/N|cause; originator; common address.
  ByteWriter(bytes_)
      .u8(h.type)
      .u8(h.sq ? 0x80u : 0u)
      .u8((h.cot & 0x3Fu) | (h.negative ? 0x40u : 0u) | (h.test ? 0x80u : 0u))
      .u8(h.oa)
      .u16le(h.ca);
}

AsduBuilder& AsduBuilder::object(std::uint32_t ioa, ByteView element) {
  const bool sq = (bytes_[1] & 0x80) != 0;
  if (!sq || count() == 0) ByteWriter(bytes_).u24le(ioa);
  ByteWriter(bytes_).bytes(element);
  bytes_[1] = static_cast<std::uint8_t>((bytes_[1] & 0x80) | ((count() + 1) & 0x7F));
  return *this;
}

std::span<const TypeRow> type_rows() { return kRows; }

const TypeRow* find_type(std::uint8_t id) {
  for (const TypeRow& r : kRows) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

Bytes coi(unsigned cause, bool after_parameter_change) {
  return Bytes{static_cast<std::uint8_t>((cause & 0x7F) | (after_parameter_change ? 0x80u : 0u))};
}
Bytes qoi(unsigned qualifier) { return Bytes{static_cast<std::uint8_t>(qualifier)}; }
Bytes qcc(unsigned request, unsigned freeze) {
  return Bytes{static_cast<std::uint8_t>((request & 0x3F) | (freeze << 6))};
}
Bytes fbp() { return Bytes{0xAA, 0x55}; }  // fixed test bit pattern 0x55AA, low octet first
Bytes qrp(unsigned qualifier) { return Bytes{static_cast<std::uint8_t>(qualifier)}; }

Bytes tsc(unsigned counter, std::int64_t time_us) {
  Bytes b;
  ByteWriter(b).u16le(counter & 0xFFFF);
  const Bytes t = cp56(time_us);
  b.insert(b.end(), t.begin(), t.end());
  return b;
}

Bytes parameter(std::uint8_t type, double value, unsigned kpa, bool lpc, bool pop) {
  Bytes b;
  ByteWriter w(b);
  if (type == 110) write_i16(w, normalised(value));
  if (type == 111) write_i16(w, static_cast<int>(std::lround(value)));
  if (type == 112) write_float(w, value);
  // QPM: KPA kind of parameter (1 threshold, 2 smoothing, 3 low limit, 4 high limit), LPC, POP.
  w.u8((kpa & 0x3F) | (lpc ? 0x40u : 0u) | (pop ? 0x80u : 0u));
  return b;
}

Bytes qpa(unsigned qualifier) { return Bytes{static_cast<std::uint8_t>(qualifier)}; }

Bytes file_ready(unsigned nof, std::uint32_t lof, bool negative) {
  Bytes b;
  ByteWriter(b).u16le(nof).u24le(lof).u8(negative ? 0x80u : 0u);  // FRQ: BS1 = negative confirm
  return b;
}

Bytes section_ready(unsigned nof, unsigned nos, std::uint32_t lof, bool not_ready) {
  Bytes b;
  ByteWriter(b).u16le(nof).u8(nos).u24le(lof).u8(not_ready ? 0x80u : 0u);  // SRQ: BS1 = not ready
  return b;
}

Bytes call_select(unsigned nof, unsigned nos, unsigned scq) {
  Bytes b;
  ByteWriter(b).u16le(nof).u8(nos).u8(scq);
  return b;
}

Bytes last_section(unsigned nof, unsigned nos, unsigned lsq, unsigned chs) {
  Bytes b;
  ByteWriter(b).u16le(nof).u8(nos).u8(lsq).u8(chs);
  return b;
}

Bytes ack_file(unsigned nof, unsigned nos, unsigned afq) {
  Bytes b;
  ByteWriter(b).u16le(nof).u8(nos).u8(afq);
  return b;
}

Bytes segment(unsigned nof, unsigned nos, ByteView data) {
  Bytes b;
  ByteWriter(b).u16le(nof).u8(nos).u8(static_cast<unsigned>(data.size())).bytes(data);
  return b;
}

Bytes directory_entry(unsigned nof, std::uint32_t lof, unsigned sof, std::int64_t created_us) {
  Bytes b;
  ByteWriter(b).u16le(nof).u24le(lof).u8(sof);
  const Bytes t = cp56(created_us);
  b.insert(b.end(), t.begin(), t.end());
  return b;
}

Bytes query_log(unsigned nof, std::int64_t from_us, std::int64_t to_us) {
  Bytes b;
  ByteWriter(b).u16le(nof);
  for (const Bytes& t : {cp56(from_us), cp56(to_us)}) b.insert(b.end(), t.begin(), t.end());
  return b;
}

unsigned checksum(ByteView data) {
  unsigned sum = 0;
  for (std::uint8_t b : data) sum = (sum + b) & 0xFF;
  return sum;
}

}  // namespace normwatch::tools::capgen::iec104cat
