// Validation helpers over names.hpp for the rule loader.
#pragma once

#include <string>
#include <string_view>

#include "normwatch/rules/engine/names.hpp"

namespace normwatch::rules::engine::detail {

inline constexpr std::string_view kThresholdEvicted = "rules.threshold_evicted";

bool is_known_anomaly_pattern(std::string_view pattern);
bool is_known_policy_finding(std::string_view id);
bool is_known_internal_condition(std::string_view id);
std::string policy_finding_list();

}  // namespace normwatch::rules::engine::detail
