// The rule and policy options of `normwatch replay` and `normwatch live` (issue 6): --rules DIR
// (default: the installed pack, or rules/ of the source tree), --policy FILE, --events FILE.jsonl
// ("-": stdout) and --sensor-id; and where the default rule pack is found.
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <string>

namespace normwatch::app {

struct RulesFlags {
  std::string rules;      // --rules DIR; empty: default_rules_dir()
  std::string policy;     // --policy FILE; empty: no zones, rules that need them stay silent
  std::string events;     // --events FILE.jsonl; "-": standard output
  std::string sensor_id;  // --sensor-id; empty: the host name
  std::size_t rule_state_keys = 32768;  // --rule-state-keys: threshold/limit keys kept at once

  // Rules run when events are written or a rule pack or policy is named.
  bool wanted() const { return !events.empty() || !rules.empty() || !policy.empty(); }
  bool events_on_stdout() const { return events == "-"; }
};

void add_rules_options(CLI::App& cmd, RulesFlags& flags);

// The rule pack a sensor uses when --rules is not given: share/normwatch/rules next to the
// installed binary (<prefix>/bin/normwatch), else rules/ of the source tree it was built from
// (NORMWATCH_SOURCE_RULES_DIR, or <exe>/../../rules for build/<name>/normwatch); "" when none.
std::string default_rules_dir();

// The host name as a sensor id ([A-Za-z0-9._-], other characters replaced by '-').
std::string default_sensor_id();

}  // namespace normwatch::app
