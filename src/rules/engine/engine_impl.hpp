// The engine's compiled form: every enabled clause once, and index tables into them — by
// (protocol, function code + 1) for PDU clauses, by exact anomaly name (wildcards expanded at
// compile time), by policy finding id and by internal condition. Private to the engine.
#pragma once

#include <array>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/events/json_builder.hpp"
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

inline constexpr std::size_t kProtocolSlots = 4;    // ProtocolId values
inline constexpr std::size_t kFunctionSlots = 257;  // function -1 (none) .. 255

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
  std::array<std::array<detail::Span, detail::kFunctionSlots>, detail::kProtocolSlots> pdu_table{};
  std::vector<std::uint32_t> pdu_refs;
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
