// Stable names of the IEC 104 anomalies, U-format functions and causes of transmission, and the
// short reasons written into a malformed record (104 §5, 101 §7.2.3).
#include <array>
#include <cstdio>

#include "normwatch/protocols/iec104/anomaly.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"
#include "normwatch/protocols/iec104/types.hpp"

namespace normwatch::protocols::iec104 {

namespace {

constexpr std::array<std::string_view, kAnomalyCount> kAnomalyNames{
    "iec104.bad_start",
    "iec104.bad_length",
    "iec104.implausible_apdu",
    "iec104.frame_too_large",
    "iec104.gap",
    "iec104.bad_apdu_length",
    "iec104.reserved_control_bits",
    "iec104.bad_u_function",
    "iec104.asdu_too_short",
    "iec104.asdu_length_mismatch",
    "iec104.zero_objects",
    "iec104.reserved_type",
    "iec104.private_type",
    "iec104.type_not_in_104",
    "iec104.reserved_cot",
    "iec104.private_cot",
    "iec104.cot_not_allowed",
    "iec104.bad_vsq_for_type",
    "iec104.zero_common_address",
    "iec104.broadcast_not_allowed",
    "iec104.reserved_siq",
    "iec104.reserved_diq",
    "iec104.reserved_qds",
    "iec104.reserved_qdp",
    "iec104.reserved_sep",
    "iec104.reserved_spe",
    "iec104.reserved_oci",
    "iec104.float_not_finite",
    "iec104.reserved_sco",
    "iec104.invalid_dco",
    "iec104.invalid_rco",
    "iec104.reserved_qoc",
    "iec104.reserved_qos",
    "iec104.reserved_qoi",
    "iec104.reserved_qcc",
    "iec104.reserved_qrp",
    "iec104.reserved_qpm",
    "iec104.reserved_qpa",
    "iec104.reserved_coi",
    "iec104.invalid_fbp",
    "iec104.reserved_frq",
    "iec104.reserved_srq",
    "iec104.reserved_scq",
    "iec104.reserved_lsq",
    "iec104.reserved_afq",
    "iec104.reserved_sof",
    "iec104.bad_segment_length",
    "iec104.invalid_time",
    "iec104.reserved_time_bits",
    "iec104.sequence_gap",
    "iec104.sequence_duplicate",
    "iec104.ack_of_unsent",
    "iec104.ack_regressed",
    "iec104.i_frame_before_startdt",
    "iec104.k_exceeded",
    "iec104.w_exceeded",
    "iec104.unexpected_confirmation",
    "iec104.role_conflict",
    "iec104.unanswered_command",
    "iec104.outstanding_limit",
    "iec104.anomaly_limit",
};
static_assert(!kAnomalyNames.back().empty(), "one name per Anomaly");

constexpr std::array<std::string_view, 48> kCotNames{
    "",        "per/cyc", "back",    "spont",   "init",    "req",     "act",     "actcon",
    "deact",   "deactcon", "actterm", "retrem", "retloc",  "file",    "auth",    "seskey",
    "usrkey",  "",        "",        "",        "inrogen", "inro1",   "inro2",   "inro3",
    "inro4",   "inro5",   "inro6",   "inro7",   "inro8",   "inro9",   "inro10",  "inro11",
    "inro12",  "inro13",  "inro14",  "inro15",  "inro16",  "reqcogen", "reqco1", "reqco2",
    "reqco3",  "reqco4",  "",        "",        "unknown_type", "unknown_cause", "unknown_ca", "unknown_ioa",
};

std::string_view print(std::span<char> buffer, int n) {
  if (n < 0) return {};
  const auto len = static_cast<std::size_t>(n) < buffer.size() ? static_cast<std::size_t>(n) : buffer.size() - 1;
  return {buffer.data(), len};
}

}  // namespace

std::string_view name(Anomaly anomaly) {
  const auto i = static_cast<std::size_t>(anomaly);
  return i < kAnomalyNames.size() ? kAnomalyNames[i] : std::string_view("iec104.unknown");
}

std::string_view name(UFunction function) {
  switch (function) {
    case UFunction::startdt_act: return "STARTDT_ACT";
    case UFunction::startdt_con: return "STARTDT_CON";
    case UFunction::stopdt_act: return "STOPDT_ACT";
    case UFunction::stopdt_con: return "STOPDT_CON";
    case UFunction::testfr_act: return "TESTFR_ACT";
    case UFunction::testfr_con: return "TESTFR_CON";
    case UFunction::none: break;
  }
  return "";
}

std::string_view cot_name(unsigned cot) { return cot < kCotNames.size() ? kCotNames[cot] : std::string_view(); }

Anomaly ParseError::anomaly() const {
  switch (code) {
    case ParseErrorCode::bad_start: return Anomaly::bad_start;
    case ParseErrorCode::bad_apdu_length: return Anomaly::bad_apdu_length;
    case ParseErrorCode::bad_u_function: return Anomaly::bad_u_function;
    case ParseErrorCode::asdu_too_short: return Anomaly::asdu_too_short;
    case ParseErrorCode::zero_objects: return Anomaly::zero_objects;
    case ParseErrorCode::asdu_length_mismatch: return Anomaly::asdu_length_mismatch;
    case ParseErrorCode::none:
    case ParseErrorCode::bad_length:
    case ParseErrorCode::truncated:
    case ParseErrorCode::trailing_bytes: break;
  }
  return Anomaly::bad_length;
}

std::string_view format_reason(const ParseError& e, std::span<char> buffer) {
  if (buffer.empty()) return {};
  switch (e.code) {
    case ParseErrorCode::none: return {};
    case ParseErrorCode::bad_start:
      return print(buffer, std::snprintf(buffer.data(), buffer.size(), "start 0x%02x != 0x68", unsigned{e.a}));
    case ParseErrorCode::bad_length:
      return print(buffer, std::snprintf(buffer.data(), buffer.size(), "apdu length %u not in 4..253", unsigned{e.a}));
    case ParseErrorCode::truncated:
      return print(buffer, std::snprintf(buffer.data(), buffer.size(), "apdu truncated: %u < %u bytes", unsigned{e.a},
                                         unsigned{e.b}));
    case ParseErrorCode::trailing_bytes:
      return print(buffer, std::snprintf(buffer.data(), buffer.size(), "apdu of %u bytes > %u announced",
                                         unsigned{e.a}, unsigned{e.b}));
    case ParseErrorCode::bad_apdu_length:
      return print(buffer, std::snprintf(buffer.data(), buffer.size(), "%c-format length %u != 4", static_cast<char>(e.a),
                                         unsigned{e.b}));
    case ParseErrorCode::bad_u_function:
      return print(buffer, std::snprintf(buffer.data(), buffer.size(), "u-format control 0x%02x: %u function bits",
                                         unsigned{e.a}, unsigned{e.b}));
    case ParseErrorCode::asdu_too_short:
      return print(buffer, std::snprintf(buffer.data(), buffer.size(), "asdu length %u < %u header bytes",
                                         unsigned{e.a}, unsigned{e.b}));
    case ParseErrorCode::zero_objects: return print(buffer, std::snprintf(buffer.data(), buffer.size(), "asdu with 0 objects"));
    case ParseErrorCode::asdu_length_mismatch:
      return print(buffer, std::snprintf(buffer.data(), buffer.size(), "asdu length %u != %u*%u+%u", unsigned{e.a},
                                         unsigned{e.b}, unsigned{e.c}, unsigned{e.d}));
  }
  return {};
}

}  // namespace normwatch::protocols::iec104
