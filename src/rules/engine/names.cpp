// Anomaly names gathered from the three parsers' enums, policy finding ids, engine conditions.
#include <algorithm>
#include <array>

#include "known_names.hpp"
#include "normwatch/protocols/dnp3/anomaly.hpp"
#include "normwatch/protocols/iec104/anomaly.hpp"
#include "normwatch/protocols/modbus/anomaly.hpp"

namespace normwatch::rules::engine {

namespace {

// The ids policy.hpp documents for PolicyFinding::rule_id.
constexpr std::array<std::string_view, 12> kPolicyFindings{
    "SG-01",     "SG-02",      "SG-03",    "SG-05",     "SG-06",    "SG-07",
    "POL-CLASS", "POL-MASTER", "POL-UNIT", "POL-RANGE", "POL-RATE", "POL-WINDOW",
};

constexpr std::array<std::string_view, 1> kInternal{detail::kThresholdEvicted};

std::vector<std::string_view> gather_anomaly_names() {
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < protocols::modbus::kAnomalyCount; ++i) {
    names.push_back(protocols::modbus::name(static_cast<protocols::modbus::Anomaly>(i)));
  }
  // DNP3 value 0 is `none`, not an anomaly.
  for (std::size_t i = 1; i < protocols::dnp3::kAnomalyCount; ++i) {
    names.push_back(protocols::dnp3::name(static_cast<protocols::dnp3::Anomaly>(i)));
  }
  for (std::size_t i = 0; i < protocols::iec104::kAnomalyCount; ++i) {
    names.push_back(protocols::iec104::name(static_cast<protocols::iec104::Anomaly>(i)));
  }
  return names;
}

}  // namespace

const std::vector<std::string_view>& parser_anomaly_names() {
  static const std::vector<std::string_view> names = gather_anomaly_names();
  return names;
}

std::span<const std::string_view> policy_finding_ids() { return kPolicyFindings; }
std::span<const std::string_view> internal_condition_names() { return kInternal; }

bool anomaly_pattern_matches(std::string_view pattern, std::string_view name) {
  if (!pattern.empty() && pattern.back() == '*') {
    pattern.remove_suffix(1);
    return name.substr(0, pattern.size()) == pattern;
  }
  return pattern == name;
}

namespace detail {

bool is_known_anomaly_pattern(std::string_view pattern) {
  const auto& names = parser_anomaly_names();
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return anomaly_pattern_matches(pattern, n); });
}

bool is_known_policy_finding(std::string_view id) {
  return std::find(kPolicyFindings.begin(), kPolicyFindings.end(), id) != kPolicyFindings.end();
}

bool is_known_internal_condition(std::string_view id) {
  return std::find(kInternal.begin(), kInternal.end(), id) != kInternal.end();
}

std::string policy_finding_list() {
  std::string out;
  for (const auto id : kPolicyFindings) out += (out.empty() ? "" : ", ") + std::string(id);
  return out;
}

}  // namespace detail

}  // namespace normwatch::rules::engine
