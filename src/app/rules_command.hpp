// `normwatch rules check DIR [--policy FILE]`, and the rule set-up of a sensor run (replay/live):
// the same loader validates the pack and policy, a broken one stops the sensor with one line per
// problem (exit 1), rules that need a policy are named once on stderr when there is none, and the
// findings go to a JSON-lines event file.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "normwatch/core/result.hpp"
#include "normwatch/events/event_sink.hpp"
#include "normwatch/pipeline/pipeline.hpp"
#include "rules_options.hpp"

namespace normwatch::app {

// Validates a rule directory (default: the default pack) and, if given, a policy file. Prints
// every problem as "file:line:column: message" on stderr and a summary on stdout. Exit status:
// 0 valid, 1 problems found.
int cmd_rules_check(const std::string& rules_dir, const std::string& policy_path);

class RulesRun {
 public:
  // Loads the pack and policy and opens the event output: `sink` when given (the delivery
  // module's sequencing sink, which then owns --events), else a local JSON-lines writer for
  // --events. On failure the problems have been printed and the error is the exit status.
  // `interpose`, when given, may put a sink between the rules and that output (the evidence
  // slices): it gets the output and returns the sink the rules emit into (null: an error, the
  // caller's to report). That sink is flushed at finish().
  using Interpose = std::function<events::EventSink*(events::EventSink& output)>;
  static core::Result<std::unique_ptr<RulesRun>, int> start(const RulesFlags& flags,
                                                            events::EventSink* sink = nullptr,
                                                            const Interpose& interpose = {});
  ~RulesRun();
  RulesRun(const RulesRun&) = delete;
  RulesRun& operator=(const RulesRun&) = delete;

  pipeline::PduObserver* observer();
  // End of run: flushes the events and prints one line of rule statistics on stderr.
  void finish();

  struct State;

 private:
  explicit RulesRun(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace normwatch::app
