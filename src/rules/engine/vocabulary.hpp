// The words a rule file may use in place of numbers (function names of each protocol, DNP3 IIN
// bits, IEC 104 U-format functions) and the names of the rule model's enums, in both directions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "normwatch/protocols/common/protocol_id.hpp"
#include "normwatch/rules/engine/rule.hpp"

namespace normwatch::rules::engine::detail {

// Function names: Modbus "write_single_coil", DNP3 "COLD_RESTART", IEC 104 "C_SC_NA_1" (any case).
std::optional<std::int64_t> modbus_function_by_name(std::string_view word);
std::optional<std::int64_t> dnp3_function_by_name(std::string_view word);
std::optional<std::int64_t> iec104_type_by_name(std::string_view word);
// IEC 104 U-format functions by name: "startdt_act" -> 0x07 (the control octet, as in PduFacts::sub).
std::optional<std::int64_t> iec104_u_by_name(std::string_view word);
// DNP3 internal indications: "device_restart" or "1.7" -> 0x8000 (IIN1 << 8 | IIN2).
std::optional<std::int64_t> dnp3_iin_by_name(std::string_view word);

std::optional<protocols::ProtocolId> protocol_by_name(std::string_view word);
std::optional<Direction> direction_by_name(std::string_view word);
std::optional<KeyBy> key_by_name(std::string_view word);
std::optional<DistinctField> distinct_by_name(std::string_view word);

std::string_view name(Direction d);
std::string_view name(KeyBy k);
std::string_view name(DistinctField d);

}  // namespace normwatch::rules::engine::detail
