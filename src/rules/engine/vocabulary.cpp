// Name tables for rule files. Function names come from the protocol libraries' own tables (Modbus
// application protocol §5.1, IEEE 1815-2012 clause 4.2.2.5, IEC 60870-5-101 §7.2.1), so a rule
// file and the decoder always agree; IIN bit names follow IEEE 1815-2012 clause 4.2.2.7.
#include "vocabulary.hpp"

#include <array>
#include <cctype>
#include <utility>

#include "normwatch/protocols/dnp3/object_table.hpp"
#include "normwatch/protocols/iec104/types.hpp"
#include "normwatch/protocols/modbus/function_table.hpp"

namespace normwatch::rules::engine::detail {

namespace {

bool same_word(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

template <std::size_t N, class T>
std::optional<T> lookup(const std::array<std::pair<std::string_view, T>, N>& table, std::string_view word) {
  for (const auto& [text, value] : table) {
    if (same_word(text, word)) return value;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<std::string_view, std::int64_t>, 6> kUFunctions{{
    {"startdt_act", 0x07}, {"startdt_con", 0x0B}, {"stopdt_act", 0x13},
    {"stopdt_con", 0x23},  {"testfr_act", 0x43},  {"testfr_con", 0x83},
}};

constexpr std::array<std::pair<std::string_view, std::int64_t>, 30> kIinBits{{
    {"broadcast", 0x0100},
    {"class_1_events", 0x0200},
    {"class_2_events", 0x0400},
    {"class_3_events", 0x0800},
    {"need_time", 0x1000},
    {"local_control", 0x2000},
    {"device_trouble", 0x4000},
    {"device_restart", 0x8000},
    {"no_function_support", 0x0001},
    {"object_unknown", 0x0002},
    {"parameter_error", 0x0004},
    {"event_buffer_overflow", 0x0008},
    {"already_executing", 0x0010},
    {"config_corrupt", 0x0020},
    {"1.0", 0x0100},
    {"1.1", 0x0200},
    {"1.2", 0x0400},
    {"1.3", 0x0800},
    {"1.4", 0x1000},
    {"1.5", 0x2000},
    {"1.6", 0x4000},
    {"1.7", 0x8000},
    {"2.0", 0x0001},
    {"2.1", 0x0002},
    {"2.2", 0x0004},
    {"2.3", 0x0008},
    {"2.4", 0x0010},
    {"2.5", 0x0020},
    {"2.6", 0x0040},
    {"2.7", 0x0080},
}};

constexpr std::array<std::pair<std::string_view, protocols::ProtocolId>, 4> kProtocols{{
    {"modbus", protocols::ProtocolId::modbus},
    {"dnp3", protocols::ProtocolId::dnp3},
    {"iec104", protocols::ProtocolId::iec104},
    {"any", protocols::ProtocolId::unknown},
}};

constexpr std::array<std::pair<std::string_view, Direction>, 7> kDirections{{
    {"any", Direction::any},
    {"request", Direction::from_master},
    {"from_master", Direction::from_master},
    {"command", Direction::from_master},
    {"response", Direction::from_outstation},
    {"from_outstation", Direction::from_outstation},
    {"monitor", Direction::from_outstation},
}};

constexpr std::array<std::pair<std::string_view, KeyBy>, 7> kKeys{{
    {"source", KeyBy::source},
    {"destination", KeyBy::destination},
    {"target", KeyBy::destination},
    {"flow", KeyBy::flow},
    {"pair", KeyBy::pair},
    {"master", KeyBy::master},
    {"outstation", KeyBy::outstation},
}};

constexpr std::array<std::pair<std::string_view, DistinctField>, 6> kDistinct{{
    {"address", DistinctField::address},
    {"unit", DistinctField::unit},
    {"source", DistinctField::source},
    {"destination", DistinctField::destination},
    {"target", DistinctField::destination},
    {"function", DistinctField::function},
}};

}  // namespace

std::optional<std::int64_t> modbus_function_by_name(std::string_view word) {
  for (std::size_t fc = 0; fc < protocols::modbus::kFunctionTable.size(); ++fc) {
    const auto& s = protocols::modbus::kFunctionTable[fc];
    // Shared labels ("reserved", "user_defined", "unassigned") name no single code.
    if (s.cls != protocols::modbus::FunctionClass::public_code && fc != 90) continue;
    if (same_word(s.name, word)) return static_cast<std::int64_t>(fc);
  }
  return std::nullopt;
}

std::optional<std::int64_t> dnp3_function_by_name(std::string_view word) {
  for (int fc = 0; fc < 256; ++fc) {
    const auto& info = protocols::dnp3::function_info(static_cast<std::uint8_t>(fc));
    if (info.known() && same_word(info.name, word)) return fc;
  }
  return std::nullopt;
}

std::optional<std::int64_t> iec104_type_by_name(std::string_view word) {
  for (std::size_t id = 0; id < protocols::iec104::kTypeTable.size(); ++id) {
    const auto& t = protocols::iec104::kTypeTable[id];
    if (t.defined() && same_word(t.name, word)) return static_cast<std::int64_t>(id);
  }
  return std::nullopt;
}

std::optional<std::int64_t> iec104_u_by_name(std::string_view word) { return lookup(kUFunctions, word); }
std::optional<std::int64_t> dnp3_iin_by_name(std::string_view word) { return lookup(kIinBits, word); }
std::optional<protocols::ProtocolId> protocol_by_name(std::string_view word) { return lookup(kProtocols, word); }
std::optional<Direction> direction_by_name(std::string_view word) { return lookup(kDirections, word); }
std::optional<KeyBy> key_by_name(std::string_view word) { return lookup(kKeys, word); }
std::optional<DistinctField> distinct_by_name(std::string_view word) { return lookup(kDistinct, word); }

std::string_view name(Direction d) {
  switch (d) {
    case Direction::from_master: return "request";
    case Direction::from_outstation: return "response";
    case Direction::any: break;
  }
  return "any";
}

std::string_view name(KeyBy k) {
  constexpr std::array<std::string_view, 6> kNames{"source", "destination", "flow", "pair", "master", "outstation"};
  return kNames[static_cast<std::size_t>(k)];
}

std::string_view name(DistinctField d) {
  constexpr std::array<std::string_view, 6> kNames{"none", "address", "unit", "source", "destination", "function"};
  return kNames[static_cast<std::size_t>(d)];
}

}  // namespace normwatch::rules::engine::detail
