// Parsing the declarative parts of a rule: `match:` blocks, thresholds and limits.
#pragma once

#include <optional>

#include "normwatch/rules/engine/rule.hpp"
#include "yaml_reader.hpp"

namespace normwatch::rules::engine::detail {

// `partial`: an escalation's `when:` (extra conditions on an already matching PDU: no protocol needed).
std::optional<Match> parse_match(YamlReader& in, const YAML::Node& node, std::string_view what, bool partial = false);
std::optional<Threshold> parse_threshold(YamlReader& in, const YAML::Node& node);
std::optional<Limit> parse_limit(YamlReader& in, const YAML::Node& node);

}  // namespace normwatch::rules::engine::detail
