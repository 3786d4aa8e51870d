// Named Modbus/TCP anomalies with stable strings ("modbus.bad_protocol_id"): framing violations
// (MBAP, Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3), PDU format violations
// (Modbus Application Protocol v1.1b3 §6) and session facts (pairing, resync, limits).
// A malformed PDU carries one of the PDU-level values; the session counts every value.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace normwatch::protocols::modbus {

enum class Anomaly : std::uint8_t {
  // MBAP framing (§3.1.3 of the TCP implementation guide)
  bad_protocol_id,         // protocol identifier != 0
  bad_length,              // MBAP length outside 2..254
  resync,                  // bytes skipped looking for the next plausible MBAP header
  gap_resync,              // stream bytes were lost; partial frame dropped, framing restarted
  incomplete_frame,        // stream ended inside a frame
  // PDU format (application protocol §6); the PDU is reported with `malformed` set
  truncated_pdu,           // fewer bytes than the function's layout needs
  trailing_bytes,          // bytes after a complete PDU
  bad_quantity,            // quantity outside the spec's range for the function
  bad_write_quantity,      // FC23 write quantity outside 1..121
  byte_count_mismatch,     // byte count disagrees with the quantity
  bad_byte_count,          // byte count outside the function's range or not a whole number of items
  bad_coil_value,          // FC5 value other than 0x0000 / 0xFF00
  bad_exception_code,      // exception code not defined by the spec
  bad_diagnostic_data,     // FC8 data not allowed for the sub-function
  bad_reference_type,      // FC20/21 reference type != 6
  bad_record_number,       // FC20/21 record number > 0x270F
  bad_device_id_code,      // FC43/14 read device id code outside 1..4
  bad_conformity_level,    // FC43/14 conformity level not 0x01-0x03 / 0x81-0x83
  bad_more_follows,        // FC43/14 more-follows not 0x00 / 0xFF
  object_count_mismatch,   // FC43/14 number of objects disagrees with the objects present
  bad_fifo_count,          // FC24 FIFO count > 31
  bad_status,              // FC11/12 status not 0x0000 / 0xFFFF
  bad_umas_code,           // FC90 response status not 0xFE / 0xFD
  response_size_mismatch,  // response byte count disagrees with the paired request's quantity
  // Notes: reported as anomalies, the PDU is not malformed
  unassigned_function,     // function code 0 or one the spec has not assigned
  reserved_sub_function,   // FC8 sub-function or FC43 MEI type the spec reserves
  // Session
  unsolicited_response,    // response with no outstanding request of that transaction
  unanswered_request,      // request never answered (end of flow, eviction, superseded)
  outstanding_limit,       // outstanding-transaction table full: the oldest was evicted
  function_mismatch,       // response's function differs from its request's
  role_change,             // content shows the client and server swapped after being settled
  kCount
};

inline constexpr std::size_t kAnomalyCount = static_cast<std::size_t>(Anomaly::kCount);

inline constexpr std::array<std::string_view, kAnomalyCount> kAnomalyNames{
    "modbus.bad_protocol_id",       "modbus.bad_length",           "modbus.resync",
    "modbus.gap_resync",            "modbus.incomplete_frame",     "modbus.truncated_pdu",
    "modbus.trailing_bytes",        "modbus.bad_quantity",         "modbus.bad_write_quantity",
    "modbus.byte_count_mismatch",   "modbus.bad_byte_count",       "modbus.bad_coil_value",       "modbus.bad_exception_code",
    "modbus.bad_diagnostic_data",   "modbus.bad_reference_type",   "modbus.bad_record_number",
    "modbus.bad_device_id_code",    "modbus.bad_conformity_level", "modbus.bad_more_follows",
    "modbus.object_count_mismatch", "modbus.bad_fifo_count",       "modbus.bad_status",
    "modbus.bad_umas_code",         "modbus.response_size_mismatch", "modbus.unassigned_function",
    "modbus.reserved_sub_function", "modbus.unsolicited_response", "modbus.unanswered_request",
    "modbus.outstanding_limit",     "modbus.function_mismatch",    "modbus.role_change",
};

namespace detail {
constexpr bool all_anomalies_named() {
  for (const auto n : kAnomalyNames) {
    if (n.empty()) return false;
  }
  return true;
}
}  // namespace detail
static_assert(detail::all_anomalies_named(), "every Anomaly needs a stable name");

constexpr std::string_view name(Anomaly anomaly) {
  const auto i = static_cast<std::size_t>(anomaly);
  return i < kAnomalyCount ? kAnomalyNames[i] : std::string_view("modbus.unknown");
}

// The anomaly whose stable name is `text` (framer verdicts carry names, counters need values).
constexpr std::optional<Anomaly> anomaly_from_name(std::string_view text) {
  for (std::size_t i = 0; i < kAnomalyCount; ++i) {
    if (kAnomalyNames[i] == text) return static_cast<Anomaly>(i);
  }
  return std::nullopt;
}

}  // namespace normwatch::protocols::modbus
