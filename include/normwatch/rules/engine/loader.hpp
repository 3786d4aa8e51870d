// Loading a rule pack: every *.yaml / *.yml file directly inside a directory (sorted by name; the
// policies/ subfolder and other folders are not read), each holding `rules:` (a list of rules)
// and/or `overrides:` (severity or enabled changes by id, e.g. an operator's overrides.yaml).
// Validation is strict and complete: unknown fields, bad values, unknown names, duplicate ids and
// overrides of unknown ids are each a Diagnostic with file, line and column; a pack with any
// problem is refused as a whole, so a sensor never runs with part of its rules silently missing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/core/result.hpp"
#include "normwatch/rules/engine/rule.hpp"
#include "normwatch/rules/policy.hpp"

namespace normwatch::rules::engine {

struct Override {
  std::string id;
  std::optional<events::Severity> severity;
  std::optional<bool> enabled;
  std::string file;
  int line = 0;
  int column = 0;
};

using Diagnostics = std::vector<Diagnostic>;

// Loads and validates every rule file of `directory`, then applies its overrides.
core::Result<RulePack, Diagnostics> load_rule_pack(const std::string& directory);

// Parses one rule file's text (rules and overrides, not yet applied); `file` names it in
// diagnostics. Used by load_rule_pack, the unit tests and the loader's fuzz target.
struct RuleFile {
  std::vector<Rule> rules;
  std::vector<Override> overrides;
};
core::Result<RuleFile, Diagnostics> parse_rule_file(std::string_view text, const std::string& file);

// Applies overrides in order (a later one wins); an override of an id the pack lacks is an error.
Diagnostics apply_overrides(RulePack& pack, const std::vector<Override>& overrides);

// Applies the site policy's `norm_rules.overrides` (NORMS-AND-RULES.md §3.3), after the rules
// directory's own; an unknown id is reported at its line in the policy file.
Diagnostics apply_policy_overrides(RulePack& pack, const Policy& policy);

}  // namespace normwatch::rules::engine
