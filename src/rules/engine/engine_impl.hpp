// The engine's compiled form: every enabled clause once, and index tables into them — by
// (protocol, function code + 1) for PDU clauses, by exact anomaly name (wildcards expanded at
// compile time), by policy finding id and by internal condition. Private to the engine.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/events/json_builder.hpp"
#include "match_eval.hpp"
#include "normwatch/rules/engine/engine.hpp"
#include "threshold_table.hpp"

namespace normwatch::rules::engine {

namespace detail {

struct Span {
  std::uint32_t begin = 0;
  std::uint32_t count = 0;
};

struct CompiledClause {
  std::uint32_t rule = 0;   // index into pack.rules
  const Rule* r = nullptr;
  const Clause* c = nullptr;
  std::uint32_t slot = 0;   // threshold/limit state slot (this clause's index)
};

// One entry of a table cell: the clause's conditions left to test, and which clause and rule.
// Cells hold these by value, in pack order, so the per-PDU loop reads one array front to back.
struct PduClause {
  PduCheck check;
  std::uint32_t clause = 0;  // index into Impl::clauses
  std::uint32_t rule = 0;    // index into pack.rules
  // A threshold counted per flow without distinct values and no limit: the flow's memo alone
  // decides (engine.cpp count_in_flow), without the general admit_match.
  bool flow_counter = false;
};

// A cell of the PDU table: its clauses in pdu_refs, and whether they read only the light facts.
struct PduCell {
  std::uint32_t begin = 0;
  std::uint32_t count = 0;
  bool light = true;
};

inline constexpr std::size_t kProtocolSlots = 4;    // ProtocolId values
inline constexpr std::size_t kDirectionSlots = 2;   // from the master, from the outstation
// Function slots: 0 function none with a sub-code (IEC 104 U-format); 1..256 function 0..255
// (Modbus: 1..128 plain, 129..256 exception responses); 257 function none without a sub-code
// (IEC 104 S-format, DNP3 link-only frames).
inline constexpr std::size_t kFunctionSlots = 258;
inline constexpr std::size_t kNoneWithSub = 0;
inline constexpr std::size_t kNoneWithoutSub = 257;
inline constexpr std::size_t kModbusExceptionBase = 129;

// The slot of a PDU's facts (the one lookup per PDU).
inline std::size_t function_slot(const PduFacts& f) {
  if (f.function < 0) return f.sub >= 0 ? kNoneWithSub : kNoneWithoutSub;
  if (f.protocol == protocols::ProtocolId::modbus && f.exception >= 0) {
    return kModbusExceptionBase + static_cast<std::size_t>(f.function & 0x7F);
  }
  return 1 + static_cast<std::size_t>(f.function & 0xFF);
}

// A name -> clauses index (anomaly names, finding ids, internal conditions), sorted by name.
struct NameIndex {
  std::vector<std::pair<std::string, Span>> names;
  std::vector<std::uint32_t> refs;
  Span find(std::string_view name) const;
};

// Rate state for internal conditions (kept apart from the threshold table they report on).
struct InternalState {
  std::int64_t window_start = 0;
  std::uint32_t count = 0;
};

}  // namespace detail

struct Engine::Impl {
  explicit Impl(std::size_t threshold_keys) : thresholds(threshold_keys) {}

  RulePack pack;
  std::vector<detail::CompiledClause> clauses;
  std::array<std::array<std::array<detail::PduCell, detail::kFunctionSlots>, detail::kDirectionSlots>,
             detail::kProtocolSlots>
      pdu_table{};
  std::vector<detail::PduClause> pdu_refs;  // the cells' clauses (pdu_table spans index it)
  std::deque<detail::ObjectFilter> object_filters;  // of the checks in pdu_refs
  detail::NameIndex anomalies;
  detail::NameIndex findings;
  detail::NameIndex internal;
  std::vector<detail::InternalState> internal_state;  // per compiled clause
  detail::ThresholdTable thresholds;
  events::JsonBuilder json;
  EngineStats stats;
  std::deque<Rule> fallback_rules;  // for policy findings the pack has no rule for

  void build(const RulePack& rules);
  void report_internal(std::string_view condition, core::Timestamp ts, events::EventSink& sink);
};

}  // namespace normwatch::rules::engine
