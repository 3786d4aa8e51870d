// `normwatch rules check` and the rule set-up of replay/live (rules_command.hpp). Both load the
// rule pack and the policy through the same code, so what `rules check` accepts is exactly what a
// sensor starts with. Without --publish/--spool, events are written by a local JSON-lines sink
// that stamps the sensor id, epoch 0 and a sequence number from 1 per run; with them, the
// delivery module's DeliverySink (durable sequence, spool) is given to start() and writes the
// --events file itself, so this file never opens it too.
#include "rules_command.hpp"

#include <cstdio>
#include <string_view>
#include <vector>

#include "../pipeline/rules_observer.hpp"
#include "normwatch/events/event_header.hpp"
#include "normwatch/rules/engine/engine.hpp"
#include "normwatch/rules/engine/loader.hpp"

namespace normwatch::app {

namespace {

using rules::Diagnostic;
using rules::engine::Diagnostics;

struct Loaded {
  std::string rules_dir;
  rules::engine::RulePack pack;
  std::unique_ptr<rules::Policy> policy;
};

core::Result<Loaded, Diagnostics> load_all(std::string rules_dir, const std::string& policy_path) {
  Diagnostics all;
  Loaded out;
  if (rules_dir.empty()) rules_dir = default_rules_dir();
  if (rules_dir.empty()) {
    all.push_back(Diagnostic{"--rules", 0, 0, "no rule pack found (not installed, no source tree): give --rules DIR"});
    return core::unexpected(std::move(all));
  }
  out.rules_dir = rules_dir;
  auto pack = rules::engine::load_rule_pack(rules_dir);
  if (!pack) all.insert(all.end(), pack.error().begin(), pack.error().end());
  if (!policy_path.empty()) {
    auto policy = rules::Policy::load(policy_path);
    if (policy) {
      out.policy = std::move(*policy);
    } else {
      all.insert(all.end(), policy.error().begin(), policy.error().end());
    }
  }
  if (pack && out.policy) {
    const Diagnostics d = rules::engine::apply_policy_overrides(*pack, *out.policy);
    all.insert(all.end(), d.begin(), d.end());
  }
  if (!all.empty()) return core::unexpected(std::move(all));
  out.pack = std::move(*pack);
  return out;
}

void print_diagnostics(const Diagnostics& diags) {
  for (const auto& d : diags) std::fprintf(stderr, "%s\n", d.to_string().c_str());
}

std::string id_list(const std::vector<const rules::engine::Rule*>& rules) {
  std::string out;
  for (const auto* r : rules) out += (out.empty() ? "" : ", ") + r->id;
  return out;
}

// The one line a sensor prints at start when it runs without a policy.
void print_policy_silence(const rules::engine::Engine& engine) {
  const auto silent = engine.rules_needing_policy();
  const auto partly = engine.rules_partly_needing_policy();
  if (silent.empty() && partly.empty()) return;
  std::string line = "normwatch: no --policy: rules that need zones or listed masters stay silent: " + id_list(silent);
  if (!partly.empty()) line += "; in part: " + id_list(partly);
  std::fprintf(stderr, "%s; the other rules run\n", line.c_str());
}

// JSON lines, one event per line, canonical encoding (events::to_json_line).
class JsonlEventSink final : public events::EventSink {
 public:
  JsonlEventSink(std::FILE* out, bool owned, std::string sensor) : out_(out), owned_(owned), sensor_(std::move(sensor)) {}
  ~JsonlEventSink() override {
    flush();
    if (owned_) std::fclose(out_);
  }
  void emit(events::Event event) override {
    event.sensor = sensor_;
    event.epoch = 0;
    event.seq = ++seq_;
    const std::string line = events::to_json_line(event);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fputc('\n', out_);
  }
  void flush() override { std::fflush(out_); }
  std::uint64_t written() const { return seq_; }

 private:
  std::FILE* out_;
  bool owned_;
  std::string sensor_;
  std::uint64_t seq_ = 0;
};

// Counts findings when no --events was given.
class CountingSink final : public events::EventSink {
 public:
  void emit(events::Event) override { ++count_; }
  std::uint64_t count() const { return count_; }

 private:
  std::uint64_t count_ = 0;
};

}  // namespace

struct RulesRun::State {
  Loaded loaded;
  std::unique_ptr<rules::engine::Engine> engine;
  std::unique_ptr<events::EventSink> own_sink;
  events::EventSink* sink = nullptr;
  std::unique_ptr<pipeline::RulesObserver> observer;
  std::string events_path;
};

RulesRun::RulesRun(std::unique_ptr<State> state) : state_(std::move(state)) {}
RulesRun::~RulesRun() = default;

core::Result<std::unique_ptr<RulesRun>, int> RulesRun::start(const RulesFlags& flags, events::EventSink* sink,
                                                             const Interpose& interpose) {
  auto loaded = load_all(flags.rules, flags.policy);
  if (!loaded) {
    print_diagnostics(loaded.error());
    std::fprintf(stderr, "normwatch: not starting: the rule pack or policy has %zu problem%s\n", loaded.error().size(),
                 loaded.error().size() == 1 ? "" : "s");
    return core::unexpected(1);
  }
  const std::string sensor = flags.sensor_id.empty() ? default_sensor_id() : flags.sensor_id;
  if (!events::valid_sensor_id(sensor)) {
    std::fprintf(stderr, "normwatch: --sensor-id '%s': use 1-128 characters from A-Z a-z 0-9 . _ -\n", sensor.c_str());
    return core::unexpected(2);
  }
  auto state = std::make_unique<State>();
  state->loaded = std::move(*loaded);
  if (sink != nullptr) {
    state->sink = sink;
  } else if (flags.events.empty()) {
    state->own_sink = std::make_unique<CountingSink>();
  } else if (flags.events == "-") {
    state->own_sink = std::make_unique<JsonlEventSink>(stdout, false, sensor);
  } else {
    std::FILE* f = std::fopen(flags.events.c_str(), "w");
    if (f == nullptr) {
      std::fprintf(stderr, "normwatch: cannot write events to %s\n", flags.events.c_str());
      return core::unexpected(1);
    }
    state->own_sink = std::make_unique<JsonlEventSink>(f, true, sensor);
  }
  if (state->sink == nullptr) state->sink = state->own_sink.get();
  if (interpose) {
    events::EventSink* between = interpose(*state->sink);
    if (between == nullptr) return core::unexpected(1);
    state->sink = between;
  }
  rules::engine::EngineLimits limits;
  limits.max_threshold_keys = flags.rule_state_keys;
  state->engine = rules::engine::Engine::compile(std::move(state->loaded.pack), limits);
  if (!state->loaded.policy) print_policy_silence(*state->engine);
  state->observer =
      std::make_unique<pipeline::RulesObserver>(*state->engine, state->loaded.policy.get(), *state->sink);
  state->events_path = sink != nullptr ? std::string("(delivery)") : flags.events;
  return std::unique_ptr<RulesRun>(new RulesRun(std::move(state)));
}

pipeline::PduObserver* RulesRun::observer() { return state_->observer.get(); }

void RulesRun::finish() {
  state_->sink->flush();
  const auto s = state_->engine->stats();
  std::fprintf(stderr,
               "normwatch: rules: %llu events (%llu PDUs, %llu with candidate rules, %llu anomalies, %llu policy "
               "findings; %llu below threshold, %llu over a limit, %llu silent without a policy; rule state %zu of "
               "%zu keys, %llu evicted)%s\n",
               static_cast<unsigned long long>(s.events), static_cast<unsigned long long>(s.pdus),
               static_cast<unsigned long long>(s.pdus_with_candidates), static_cast<unsigned long long>(s.anomalies),
               static_cast<unsigned long long>(s.policy_findings), static_cast<unsigned long long>(s.below_threshold),
               static_cast<unsigned long long>(s.limited), static_cast<unsigned long long>(s.skipped_no_policy),
               s.threshold_keys_in_use, s.threshold_capacity, static_cast<unsigned long long>(s.threshold_evictions),
               state_->events_path.empty() ? " (no --events: not written)" : "");
}

int cmd_rules_check(const std::string& rules_dir, const std::string& policy_path) {
  auto loaded = load_all(rules_dir, policy_path);
  if (!loaded) {
    print_diagnostics(loaded.error());
    std::fprintf(stderr, "rules check: %zu problem%s\n", loaded.error().size(), loaded.error().size() == 1 ? "" : "s");
    return 1;
  }
  const auto& pack = loaded->pack;
  std::vector<const rules::engine::Rule*> disabled;
  std::vector<const rules::engine::Rule*> elsewhere;
  for (const auto& r : pack.rules) {
    if (!r.enabled) disabled.push_back(&r);
    if (!r.emitted_by.empty()) elsewhere.push_back(&r);
  }
  std::printf("rule pack %s: %zu rules in %zu files, %zu enabled\n", loaded->rules_dir.c_str(), pack.rules.size(),
              pack.files.size(), pack.rules.size() - disabled.size());
  if (!disabled.empty()) std::printf("  disabled: %s\n", id_list(disabled).c_str());
  if (!elsewhere.empty()) std::printf("  reported by the health reporter: %s\n", id_list(elsewhere).c_str());
  const auto engine = rules::engine::Engine::compile(pack);
  const auto uncovered = engine->uncovered_anomalies();
  if (!uncovered.empty()) {
    std::string names;
    for (const auto n : uncovered) names += (names.empty() ? "" : ", ") + std::string(n);
    std::printf("  warning: %zu parser anomalies have no enabled rule: %s\n", uncovered.size(), names.c_str());
  }
  const auto silent = engine->rules_needing_policy();
  if (loaded->policy) {
    const auto& p = *loaded->policy;
    std::printf("policy %s: id %s version %s, %zu zones, %zu conduits, sha256 %s\n", policy_path.c_str(),
                p.meta().id.c_str(), p.meta().version.c_str(), p.zones().size(), p.conduits().size(),
                p.sha256().c_str());
  } else if (!silent.empty()) {
    std::printf("  without --policy these %zu rules stay silent: %s\n", silent.size(), id_list(silent).c_str());
  }
  std::printf("ok\n");
  return 0;
}

}  // namespace normwatch::app
