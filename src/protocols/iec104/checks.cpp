// Conformance checks of IEC 60870-5-101 §7.2 (data unit identifier) and §7.2.6 (information
// elements), applied to what the parser and the element decoder produced.
#include "checks.hpp"

#include <cmath>

namespace normwatch::protocols::iec104 {

namespace {

using L = ElementLayout;

constexpr std::uint8_t kDaysInMonth[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

void check_time(const TimeValue& t, std::uint32_t ioa, Findings& out) {
  if (!t.present()) return;
  bool bad = t.milliseconds > 59999 || t.minute > 59;
  if (t.kind == TimeTag::cp56) {
    const bool leap = t.year % 4 == 0;  // years 2000..2099
    const bool month_ok = t.month >= 1 && t.month <= 12;
    const unsigned days = month_ok ? kDaysInMonth[t.month] + ((t.month == 2 && leap) ? 1u : 0u) : 31u;
    bad = bad || t.hour > 23 || !month_ok || t.day < 1 || t.day > days || t.year > 99;
    if (t.reserved_bits != 0) out.add(Anomaly::reserved_time_bits, t.reserved_bits, ioa);
  }
  if (bad) out.add(Anomaly::invalid_time, t.milliseconds, ioa);
}

void check_cp16(std::uint16_t ms, std::uint32_t ioa, Findings& out) {
  if (ms > 59999) out.add(Anomaly::invalid_time, ms, ioa);
}

void check_qds(const ElementValue& v, std::uint32_t ioa, Findings& out) {
  if ((v.quality & 0x0E) != 0) out.add(Anomaly::reserved_qds, v.quality, ioa);
}

void check_float(const ElementValue& v, std::uint32_t ioa, Findings& out) {
  if (!std::isfinite(v.value)) out.add(Anomaly::float_not_finite, static_cast<std::uint32_t>(v.integer), ioa);
}

void check_qoc(const ElementValue& v, std::uint32_t ioa, Findings& out) {
  if (v.qu() > 3) out.add(Anomaly::reserved_qoc, v.qualifier, ioa);
}

void check_qos(const ElementValue& v, std::uint32_t ioa, Findings& out) {
  if (v.ql() != 0) out.add(Anomaly::reserved_qos, v.qualifier, ioa);
}

void check_qpm(const ElementValue& v, std::uint32_t ioa, Findings& out) {
  if (v.kpa() >= 5) out.add(Anomaly::reserved_qpm, v.qualifier, ioa);
}

}  // namespace

void check_asdu_header(const Asdu& a, const Config& config, Findings& out) {
  const TypeInfo& t = a.type_info();
  switch (t.cls) {
    case TypeClass::reserved: out.add(Anomaly::reserved_type, a.type); break;
    case TypeClass::private_use: out.add(Anomaly::private_type, a.type); break;
    default:
      if (!t.in_104) out.add(Anomaly::type_not_in_104, a.type);
      break;
  }
  switch (cot_class(a.cot)) {
    case CotClass::reserved: out.add(Anomaly::reserved_cot, a.cot); break;
    case CotClass::private_use: out.add(Anomaly::private_cot, a.cot); break;
    case CotClass::defined:
      if (config.check_cot_for_type && t.defined() && !t.cot_allowed(a.cot)) {
        out.add(Anomaly::cot_not_allowed, a.cot);
      }
      break;
  }
  if (t.defined() && a.num != 0) {
    const bool bad_vsq = (t.vsq == VsqRule::sq0 && a.sq) || (t.vsq == VsqRule::single && (a.sq || a.num != 1));
    if (bad_vsq) out.add(Anomaly::bad_vsq_for_type, static_cast<std::uint32_t>((a.sq ? 0x80 : 0) | a.num));
  }
  if (a.ca == 0) out.add(Anomaly::zero_common_address, 0);
  if (a.broadcast() && t.defined() && !t.broadcast) out.add(Anomaly::broadcast_not_allowed, a.ca);
}

void check_element(const ElementValue& v, std::uint32_t ioa, Findings& out) {
  switch (v.layout) {
    case L::siq:
      if ((v.quality & 0x0E) != 0) out.add(Anomaly::reserved_siq, v.quality | v.state, ioa);
      break;
    case L::diq:
      if ((v.quality & 0x0C) != 0) out.add(Anomaly::reserved_diq, v.quality | v.state, ioa);
      break;
    case L::vti_qds:
    case L::bsi_qds:
    case L::scd_qds:
    case L::nva_qds:
    case L::sva_qds: check_qds(v, ioa, out); break;
    case L::r32_qds:
      check_qds(v, ioa, out);
      check_float(v, ioa, out);
      break;
    case L::sep_cp16:
      if ((v.quality & 0x04) != 0) out.add(Anomaly::reserved_sep, v.quality | v.state, ioa);
      check_cp16(v.elapsed_ms, ioa, out);
      break;
    case L::spe_qdp_cp16:
    case L::oci_qdp_cp16: {
      const bool spe = v.layout == L::spe_qdp_cp16;
      if ((v.state & (spe ? 0xC0 : 0xF0)) != 0) out.add(spe ? Anomaly::reserved_spe : Anomaly::reserved_oci, v.state, ioa);
      if ((v.quality & 0x07) != 0) out.add(Anomaly::reserved_qdp, v.quality, ioa);
      check_cp16(v.elapsed_ms, ioa, out);
      break;
    }
    case L::sco:
      if ((v.qualifier & 0x02) != 0) out.add(Anomaly::reserved_sco, v.qualifier, ioa);
      check_qoc(v, ioa, out);
      break;
    case L::dco:
    case L::rco:
      if (v.state == 0 || v.state == 3) {
        out.add(v.layout == L::dco ? Anomaly::invalid_dco : Anomaly::invalid_rco, v.qualifier, ioa);
      }
      check_qoc(v, ioa, out);
      break;
    case L::nva_qos:
    case L::sva_qos: check_qos(v, ioa, out); break;
    case L::r32_qos:
      check_qos(v, ioa, out);
      check_float(v, ioa, out);
      break;
    case L::nva_qpm:
    case L::sva_qpm: check_qpm(v, ioa, out); break;
    case L::r32_qpm:
      check_qpm(v, ioa, out);
      check_float(v, ioa, out);
      break;
    case L::coi:
      if (v.coi_cause() >= 3) out.add(Anomaly::reserved_coi, v.qualifier, ioa);
      break;
    case L::qoi:
      if ((v.qualifier >= 1 && v.qualifier <= 19) || v.qualifier >= 37) out.add(Anomaly::reserved_qoi, v.qualifier, ioa);
      break;
    case L::qcc:
      if (v.rqt() >= 6) out.add(Anomaly::reserved_qcc, v.qualifier, ioa);
      break;
    case L::qrp:
      if (v.qualifier >= 3) out.add(Anomaly::reserved_qrp, v.qualifier, ioa);
      break;
    case L::qpa:
      if (v.qualifier >= 4) out.add(Anomaly::reserved_qpa, v.qualifier, ioa);
      break;
    case L::fbp:
      if (v.integer != 0x55AA) out.add(Anomaly::invalid_fbp, static_cast<std::uint32_t>(v.integer), ioa);
      break;
    case L::cp16: check_cp16(v.elapsed_ms, ioa, out); break;
    case L::file_ready:
      if (v.ql() != 0) out.add(Anomaly::reserved_frq, v.qualifier, ioa);
      break;
    case L::section_ready:
      if (v.ql() != 0) out.add(Anomaly::reserved_srq, v.qualifier, ioa);
      break;
    case L::call_select:
      if (v.low_nibble() >= 8 || v.high_nibble() >= 6) out.add(Anomaly::reserved_scq, v.qualifier, ioa);
      break;
    case L::last_section:
      if (v.qualifier >= 5) out.add(Anomaly::reserved_lsq, v.qualifier, ioa);
      break;
    case L::ack_file:
      if (v.low_nibble() >= 5 || v.high_nibble() >= 6) out.add(Anomaly::reserved_afq, v.qualifier, ioa);
      break;
    case L::segment:
      if (v.file.los == 0) out.add(Anomaly::bad_segment_length, 0, ioa);
      break;
    case L::directory:
      if ((v.file.sof & 0x1F) != 0) out.add(Anomaly::reserved_sof, v.file.sof, ioa);
      break;
    case L::opaque:
    case L::bcr:
    case L::nva:
    case L::aid_bcr:
    case L::bsi:
    case L::none:
    case L::time_only:
    case L::tsc:
    case L::query_log: break;
  }
  check_time(v.time, ioa, out);
  check_time(v.time_end, ioa, out);
}

}  // namespace normwatch::protocols::iec104
