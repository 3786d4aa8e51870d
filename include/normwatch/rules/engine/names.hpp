// The names rules can key on besides PDU fields: every anomaly the three parsers raise (read from
// their own enums, so a new anomaly shows up here without an edit), the policy's finding ids, and
// the engine's own conditions. `rules check` and the coverage test use them to prove that every
// anomaly has a shipped rule.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace normwatch::rules::engine {

// "modbus.bad_protocol_id", "dnp3.bad_link_crc", "iec104.bad_start", ... in enum order.
const std::vector<std::string_view>& parser_anomaly_names();

// PolicyFinding::rule_id values (policy.hpp): SG-01, SG-02, SG-03, SG-05, SG-06, SG-07, POL-*.
std::span<const std::string_view> policy_finding_ids();

// Conditions the engine raises itself: "rules.threshold_evicted" (threshold state full: the
// least recently used key was dropped).
std::span<const std::string_view> internal_condition_names();

// True when `pattern` is a parser anomaly name, or "prefix*" matching at least one.
bool anomaly_pattern_matches(std::string_view pattern, std::string_view name);

}  // namespace normwatch::rules::engine
