// Compiling a rule pack: each enabled clause goes into the index it is looked up by. A PDU clause
// lands in the (protocol, direction, function slot) cells it can match: those of its function set,
// its direction, and (Modbus) exception responses only when it asks for an exception code; one
// without a function lands in every function slot of its protocol (or of all three). Wildcard anomaly patterns are expanded against
// the parsers' anomaly names here, so matching an anomaly is an exact lookup.
#include <algorithm>
#include <map>

#include "engine_impl.hpp"
#include "normwatch/rules/engine/names.hpp"

namespace normwatch::rules::engine {

namespace detail {

Span NameIndex::find(std::string_view name) const {
  const auto it = std::lower_bound(names.begin(), names.end(), name,
                                   [](const auto& entry, std::string_view n) { return entry.first < n; });
  if (it == names.end() || it->first != name) return {};
  return it->second;
}

namespace {

// Whether a clause can match a PDU of this protocol, direction and function slot: the conditions
// the slot decides (function, direction, presence of an exception or sub-code). The rest is
// checked per PDU.
bool slot_can_match(const Match& m, protocols::ProtocolId protocol, bool from_master, std::size_t slot) {
  if (m.direction == Direction::from_master && !from_master) return false;
  if (m.direction == Direction::from_outstation && from_master) return false;
  std::int64_t function = -1;
  bool exception = false;
  bool sub_possible = true;
  if (slot == kNoneWithoutSub) {
    sub_possible = false;
  } else if (slot != kNoneWithSub) {
    if (protocol == protocols::ProtocolId::modbus) {
      if (slot > kModbusExceptionBase + 127) return false;  // Modbus codes stop at 127
      exception = slot >= kModbusExceptionBase;
      function = static_cast<std::int64_t>(exception ? slot - kModbusExceptionBase : slot - 1);
    } else {
      function = static_cast<std::int64_t>(slot - 1);
    }
  }
  if (m.function && !m.function->contains(function)) return false;
  if (m.exception && !exception) return false;
  if (m.sub && !sub_possible) return false;
  return true;
}

// Whether a clause reads facts beyond the light ones (extract_rest's `light`): function class,
// address, qualifier, or counts distinct addresses. (Escalations are tested on the whole facts,
// which the engine extracts before it reports.)
bool reads_heavy_facts(const Clause& c) {
  const Match& m = c.match;
  return m.classes != 0 || m.address || m.qualifier ||
         (c.threshold && c.threshold->distinct == DistinctField::address);
}

NameIndex make_index(std::map<std::string, std::vector<std::uint32_t>, std::less<>>& by_name) {
  NameIndex index;
  for (auto& [name, ids] : by_name) {
    const auto begin = static_cast<std::uint32_t>(index.refs.size());
    index.refs.insert(index.refs.end(), ids.begin(), ids.end());
    index.names.emplace_back(name, Span{begin, static_cast<std::uint32_t>(ids.size())});
  }
  return index;
}

}  // namespace
}  // namespace detail

void Engine::Impl::build(const RulePack& rules) {
  using detail::kDirectionSlots;
  using detail::kFunctionSlots;
  using detail::kProtocolSlots;
  std::array<std::array<std::array<std::vector<std::uint32_t>, kFunctionSlots>, kDirectionSlots>, kProtocolSlots>
      slots;
  std::map<std::string, std::vector<std::uint32_t>, std::less<>> anomaly_ids;
  std::map<std::string, std::vector<std::uint32_t>, std::less<>> finding_ids;
  std::map<std::string, std::vector<std::uint32_t>, std::less<>> internal_ids;

  for (std::uint32_t ri = 0; ri < rules.rules.size(); ++ri) {
    const Rule& r = rules.rules[ri];
    if (!r.enabled || !r.emitted_by.empty()) continue;
    for (const Clause& c : r.clauses) {
      const auto id = static_cast<std::uint32_t>(clauses.size());
      clauses.push_back(detail::CompiledClause{ri, &r, &c, id});
      const Match& m = c.match;
      for (const auto& pattern : m.anomalies) {
        for (const auto name : parser_anomaly_names()) {
          if (anomaly_pattern_matches(pattern, name)) {
            auto& v = anomaly_ids[std::string(name)];
            if (v.empty() || v.back() != id) v.push_back(id);
          }
        }
      }
      for (const auto& f : m.policy_findings) finding_ids[f].push_back(id);
      for (const auto& n : m.internal) internal_ids[n].push_back(id);
      if (!m.is_pdu_match()) continue;
      for (std::size_t p = 1; p < kProtocolSlots; ++p) {
        if (m.protocol != protocols::ProtocolId::unknown && static_cast<std::size_t>(m.protocol) != p) continue;
        for (std::size_t d = 0; d < kDirectionSlots; ++d) {
          for (std::size_t s = 0; s < kFunctionSlots; ++s) {
            if (detail::slot_can_match(m, static_cast<protocols::ProtocolId>(p), d == 0, s)) slots[p][d][s].push_back(id);
          }
        }
      }
    }
  }
  for (std::size_t p = 0; p < kProtocolSlots; ++p) {
    for (std::size_t d = 0; d < kDirectionSlots; ++d) {
      for (std::size_t s = 0; s < kFunctionSlots; ++s) {
        const auto& ids = slots[p][d][s];
        detail::PduCell& cell = pdu_table[p][d][s];
        cell.begin = static_cast<std::uint32_t>(pdu_refs.size());
        cell.count = static_cast<std::uint32_t>(ids.size());
        for (const std::uint32_t id : ids) {
          const Clause& c = *clauses[id].c;
          cell.light = cell.light && !detail::reads_heavy_facts(c);
          const bool flow_counter = c.threshold && c.threshold->by == KeyBy::flow &&
                                    c.threshold->distinct == DistinctField::none && !c.limit;
          pdu_refs.push_back(detail::PduClause{detail::compile_check(c.match, object_filters), id, clauses[id].rule,
                                               flow_counter});
        }
      }
    }
  }
  // Findings: a rule naming a protocol is more specific than one that does not, and is tried first.
  for (auto& [name, ids] : finding_ids) {
    std::stable_sort(ids.begin(), ids.end(), [this](std::uint32_t a, std::uint32_t b) {
      const bool pa = clauses[a].c->match.protocol != protocols::ProtocolId::unknown;
      const bool pb = clauses[b].c->match.protocol != protocols::ProtocolId::unknown;
      return pa && !pb;
    });
  }
  anomalies = detail::make_index(anomaly_ids);
  findings = detail::make_index(finding_ids);
  internal = detail::make_index(internal_ids);
  internal_state.assign(clauses.size(), {});
}

}  // namespace normwatch::rules::engine
