// PduFacts: what rules look at in one decoded PDU, the same shape for Modbus, DNP3 and IEC 104, so
// that rules compile into tables keyed by (protocol, function) and a PDU that concerns no rule
// costs one lookup. Filled from the typed PDUs by src/rules/engine/facts_<protocol>.cpp
// (rules/engine/facts_extract.hpp); points into the record, so it lives for the duration of the
// PDU callback.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "normwatch/protocols/common/pdu_record.hpp"

namespace normwatch::rules {

// The policy vocabulary (NORMS-AND-RULES.md §3.2).
enum class FunctionClass : std::uint8_t {
  read, write, control, diagnostic, identify, time, reporting_config, file, program, mode, config, security,
  other,   // responses, confirms, link management, unknown codes
  kCount
};
std::string_view name(FunctionClass c);
std::optional<FunctionClass> parse_function_class(std::string_view text);

// Which table a Modbus address belongs to (for write ranges); `none` for the other protocols.
enum class DataTable : std::uint8_t { none, coils, discrete_inputs, input_registers, holding_registers, objects };

struct PduFacts {
  protocols::ProtocolId protocol = protocols::ProtocolId::unknown;
  const protocols::PduRecord* record = nullptr;   // the typed PDU: record->as<modbus::Pdu>() ...
  bool from_master = true;     // sent by the client / master / controlling station
  bool malformed = false;
  std::int32_t function = -1;  // Modbus FC (exception bit cleared); DNP3 application FC; IEC 104 type id
                               // (I-format), or -1 for S-/U-format and link-only frames
  std::int32_t sub = -1;       // Modbus FC8 sub-function / FC43 MEI type / FC90 UMAS code;
                               // IEC 104 U-format function bits (0x07 STARTDT act ...)
  std::int32_t exception = -1; // Modbus exception code
  std::int64_t unit = -1;      // Modbus unit id; DNP3 link destination; IEC 104 common address
  bool broadcast = false;      // DNP3 destination 0xFFFD-0xFFFF; IEC 104 CA 0xFFFF; Modbus unit 0
  FunctionClass function_class = FunctionClass::other;
  DataTable table = DataTable::none;
  std::int64_t address = -1;   // first address/IOA/point index written or commanded (-1: none)
  std::uint32_t count = 0;     // how many addresses/points/objects
  std::int32_t cot = -1;       // IEC 104 cause of transmission
  std::int32_t qualifier = -1; // IEC 104 QRP/QOI/QCC/SCO-S/E...; DNP3 CROB control code
  std::uint16_t iin = 0;       // DNP3 internal indications (responses)
  bool has_iin = false;
  std::int32_t group = -1;     // DNP3: group and variation of the first object header (-1: none)
  std::int32_t variation = -1;
  // Only the head and the light fields are set (extract_rest with `light`: unit, broadcast,
  // malformed, sub, cot, IIN), because the PDU's candidate clauses read no others; the engine
  // extracts the whole before it reports the PDU.
  bool partial = false;
};

}  // namespace normwatch::rules
