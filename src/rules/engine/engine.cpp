// Engine evaluation (engine.hpp): the per-PDU path is one table lookup by (protocol, direction,
// function); only the clauses found there are tested (their compiled checks), counted against
// thresholds and limits, and turned into events; the PDU's endpoints are made only then.
// Severity: the rule's (after overrides), an escalation's when its condition holds, one level up for zone or site tags (§1) on norm violations and segmentation findings, and
// `info` inside a maintenance window for rules marked `maintenance: downgrade`.
#include "normwatch/rules/engine/engine.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "engine_impl.hpp"
#include "event_text.hpp"
#include "facts_head.hpp"
#include "known_names.hpp"
#include "match_eval.hpp"
#include "normwatch/rules/engine/facts_extract.hpp"
#include "normwatch/rules/engine/names.hpp"

namespace normwatch::rules::engine {

namespace {

using detail::CompiledClause;
using detail::MatchResult;
using detail::StateKey;

StateKey make_key(KeyBy by, std::uint32_t slot, const Endpoints& w, bool src_is_master) {
  StateKey k;
  k.slot = slot;
  switch (by) {
    case KeyBy::source: k.a = w.src_ip; break;
    case KeyBy::destination: k.a = w.dst_ip; break;
    case KeyBy::flow: k.flow = w.flow_id; break;
    case KeyBy::pair:
      k.a = w.src_ip;
      k.b = w.dst_ip;
      break;
    case KeyBy::master: k.a = src_is_master ? w.src_ip : w.dst_ip; break;
    case KeyBy::outstation: k.a = src_is_master ? w.dst_ip : w.src_ip; break;
  }
  return k;
}

std::string key_text(KeyBy by, const Endpoints& w, bool src_is_master) {
  switch (by) {
    case KeyBy::source: return w.src_ip.to_string();
    case KeyBy::destination: return w.dst_ip.to_string();
    case KeyBy::flow:
      return core::format_endpoint(w.src_ip, w.src_port) + " <-> " + core::format_endpoint(w.dst_ip, w.dst_port);
    case KeyBy::pair: return w.src_ip.to_string() + " -> " + w.dst_ip.to_string();
    case KeyBy::master: return (src_is_master ? w.src_ip : w.dst_ip).to_string();
    case KeyBy::outstation: return (src_is_master ? w.dst_ip : w.src_ip).to_string();
  }
  return {};
}

std::uint64_t address_value(const core::IpAddress& ip) {
  return detail::hash_key(StateKey{0, ip, {}, 0});
}

// The endpoints of what is being judged: given, or made from an EndpointsSource the first time
// something needs more than the flow's scratch words.
class Where {
 public:
  explicit Where(const Endpoints& ready) : ready_(&ready), scratch_(ready.scratch) {}
  explicit Where(const EndpointsSource& source) : source_(&source), scratch_(source.scratch) {}
  std::uint64_t* scratch() const { return scratch_; }
  const Endpoints& get() {
    if (ready_ == nullptr) {
      made_.emplace();
      source_->fill(source_->context, *made_);
      ready_ = &*made_;
    }
    return *ready_;
  }

 private:
  const Endpoints* ready_ = nullptr;
  const EndpointsSource* source_ = nullptr;
  std::uint64_t* scratch_ = nullptr;
  std::optional<Endpoints> made_;
};

std::uint64_t distinct_value(DistinctField d, const PduFacts* f, Where& w) {
  switch (d) {
    case DistinctField::address: return f != nullptr ? static_cast<std::uint64_t>(f->address) : 0;
    case DistinctField::unit: return f != nullptr ? static_cast<std::uint64_t>(f->unit) : 0;
    case DistinctField::function: return f != nullptr ? static_cast<std::uint64_t>(f->function) : 0;
    case DistinctField::source: return address_value(w.get().src_ip);
    case DistinctField::destination: return address_value(w.get().dst_ip);
    case DistinctField::none: break;
  }
  return 0;
}

events::Severity one_up(events::Severity s) {
  return s == events::Severity::critical ? s : static_cast<events::Severity>(static_cast<int>(s) + 1);
}

std::string_view zone_id(const Zone* z) { return z != nullptr ? std::string_view(z->id) : std::string_view(); }

std::string rule_head(const Rule& r) { return r.id + " " + r.name + ": "; }

}  // namespace

// ---- what the engine does when a clause matched ----------------------------------------------

namespace {

struct Matched {
  const CompiledClause* cc = nullptr;
  std::array<std::uint64_t, kMaxEvidence> frames;  // the first frame_count are set
  std::uint32_t frame_count = 0;
  std::uint32_t count = 1;
  bool src_is_master = true;
  std::vector<std::uint64_t> evidence() const { return {frames.begin(), frames.begin() + frame_count}; }
};

// Severity from the flow's policy: zone/site tags raise norm violations and segmentation
// findings one level; a downgrade rule inside a maintenance window drops to info.
void apply_policy(const Rule& r, const FlowPolicy* policy, core::Timestamp ts, events::Severity& severity,
                  std::vector<std::string>& extra, std::string& message) {
  if (policy == nullptr) return;
  if ((r.kind == events::EventKind::norm_violation || r.kind == events::EventKind::segmentation) &&
      !policy->raise_tag.empty()) {
    const events::Severity raised = one_up(severity);
    if (raised != severity) {
      message += "; severity raised one level: ";
      message += policy->raise_where == "site" ? std::string("the site") : "zone " + std::string(policy->raise_where);
      message += " is tagged " + std::string(policy->raise_tag);
      severity = raised;
    }
  }
  if (r.maintenance == Maintenance::downgrade) {
    const WindowHit hit = window_at(*policy, ts);
    if (hit.window != nullptr) {
      severity = events::Severity::info;
      extra.push_back("inside maintenance window " + hit.window->ticket + " of conduit " + hit.conduit->id);
    }
  }
}

}  // namespace

namespace {

// A clause's memo in the flow's scratch words (Endpoints::scratch): 4 words each.
//   [0] clause slot + 1 (0: free) | bit 32 sent by the master | bit 33 has a value | bit 34 fired
//       | bit 35 [2] holds a window
//   [1] the last distinct value this flow added, or the count of a threshold counted per flow
//   [2] start of the window the memo belongs to
//   [3] first frame of that window (thresholds counted per flow)
constexpr std::size_t kMemoWords = 4;
constexpr std::size_t kMemos = kFlowScratchWords / kMemoWords;
constexpr std::uint64_t kFromMaster = 1ULL << 32;
constexpr std::uint64_t kHasValue = 1ULL << 33;
constexpr std::uint64_t kFired = 1ULL << 34;
constexpr std::uint64_t kWindow = 1ULL << 35;

// The memo of (clause, direction) in this flow's scratch, claimed if new; null when the flow has
// no scratch or every memo is taken (then the table alone keeps the state: still exact).
std::uint64_t* flow_memo(std::uint64_t* scratch, std::uint32_t slot, bool from_master) {
  if (scratch == nullptr) return nullptr;
  const std::uint64_t id = (std::uint64_t{slot} + 1) | (from_master ? kFromMaster : 0);
  for (std::size_t i = 0; i < kMemos; ++i) {
    std::uint64_t* memo = scratch + i * kMemoWords;
    if ((memo[0] & (kFromMaster | 0xFFFFFFFFULL)) == id) return memo;
    if (memo[0] == 0) {
      memo[0] = id;
      memo[1] = memo[2] = memo[3] = 0;
      return memo;
    }
  }
  return nullptr;
}

// A threshold counted per flow (no distinct values), in the flow's memo: the whole state is
// there, no table. False while below the threshold (counted) or once fired in the window.
bool count_in_flow(Engine::Impl& s, Matched& m, std::uint64_t* memo, const Threshold& t, std::int64_t ts_ns,
                   std::uint64_t frame) {
  const bool in_window = (memo[0] & kWindow) != 0 && ts_ns >= static_cast<std::int64_t>(memo[2]) &&
                         ts_ns - static_cast<std::int64_t>(memo[2]) <= t.window_ns;
  if (!in_window) {
    memo[0] = (memo[0] & ~(kFired | kHasValue)) | kWindow;
    memo[1] = 0;
    memo[2] = static_cast<std::uint64_t>(ts_ns);
    memo[3] = frame;
  }
  ++memo[1];
  if ((memo[0] & kFired) != 0 || memo[1] < t.count) {
    ++s.stats.below_threshold;
    return false;
  }
  memo[0] |= kFired;
  m.frames[0] = memo[3];
  m.frame_count = 1;
  if (frame != memo[3]) m.frames[m.frame_count++] = frame;
  m.count = static_cast<std::uint32_t>(memo[1]);
  return true;
}

// Threshold and limit for one match; false when it is not to be reported.
bool admit_match(Engine::Impl& s, Matched& m, Where& w, std::int64_t ts_ns, std::uint64_t frame,
                 std::uint64_t distinct, bool& evicted) {
  const Clause& c = *m.cc->c;
  m.frame_count = 0;
  if (c.threshold) {
    const Threshold& t = *c.threshold;
    std::uint64_t* memo = flow_memo(w.scratch(), m.cc->slot, m.src_is_master);
    const bool in_window = memo != nullptr && (memo[0] & kWindow) != 0 &&
                           ts_ns >= static_cast<std::int64_t>(memo[2]) &&
                           ts_ns - static_cast<std::int64_t>(memo[2]) <= t.window_ns;
    if (memo != nullptr && t.by == KeyBy::flow && t.distinct == DistinctField::none) {
      if (!count_in_flow(s, m, memo, t, ts_ns, frame)) return false;
    } else {
      // A distinct value this flow already added in the key's current window changes nothing.
      if (memo != nullptr && t.distinct != DistinctField::none && in_window && (memo[0] & kHasValue) != 0 &&
          memo[1] == distinct) {
        ++s.stats.below_threshold;
        return false;
      }
      const StateKey key = make_key(t.by, m.cc->slot * 2, w.get(), m.src_is_master);
      const detail::ThresholdOutcome out = s.thresholds.hit(key, t, ts_ns, frame, distinct);
      evicted = evicted || out.evicted;
      if (memo != nullptr && t.distinct != DistinctField::none) {
        memo[0] |= kHasValue | kWindow;
        memo[1] = distinct;
        memo[2] = static_cast<std::uint64_t>(out.window_start);
      }
      if (!out.fire) {
        ++s.stats.below_threshold;
        return false;
      }
      m.frames = out.frames;
      m.frame_count = out.frame_count;
      m.count = out.count;
    }
  } else {
    m.frames[0] = frame;
    m.frame_count = 1;
  }
  if (c.limit) {
    const StateKey key = make_key(c.limit->by, m.cc->slot * 2 + 1, w.get(), m.src_is_master);
    bool ev = false;
    const bool ok = s.thresholds.allow(key, *c.limit, ts_ns, &ev);
    evicted = evicted || ev;
    if (!ok) {
      ++s.stats.limited;
      return false;
    }
  }
  return true;
}

std::string threshold_suffix(const Matched& m, const Endpoints& w) {
  const Clause& c = *m.cc->c;
  if (!c.threshold) return {};
  return "; " + detail::threshold_text(*c.threshold, m.count, key_text(c.threshold->by, w, m.src_is_master));
}

}  // namespace

void Engine::Impl::report_internal(std::string_view condition, core::Timestamp ts, events::EventSink& sink) {
  const detail::Span span = internal.find(condition);
  for (std::uint32_t i = span.begin; i < span.begin + span.count; ++i) {
    const CompiledClause& cc = clauses[internal.refs[i]];
    detail::InternalState& st = internal_state[cc.slot];
    if (cc.c->limit) {
      if (ts.ns - st.window_start > cc.c->limit->window_ns || ts.ns < st.window_start) {
        st.window_start = ts.ns;
        st.count = 0;
      }
      if (++st.count > cc.c->limit->count) {
        ++stats.limited;
        continue;
      }
    }
    detail::EventParts p;
    p.rule = cc.r;
    p.severity = cc.r->severity;
    p.ts = ts;
    p.message = rule_head(*cc.r) + std::string(condition) + ": " + std::to_string(thresholds.in_use()) + " of " +
                std::to_string(thresholds.capacity()) + " keys in use, " + std::to_string(thresholds.evictions()) +
                " evicted so far";
    sink.emit(detail::make_event(std::move(p)));
    ++stats.events;
  }
}

namespace {

// A PDU clause fired: build and emit its event (kept out of the per-PDU loop, which stays small).
[[gnu::noinline]] void emit_pdu_event(Engine::Impl& s, const Matched& m, const PduFacts& light_facts,
                                      const Endpoints& w, PolicySource* source, core::Timestamp ts_value,
                                      events::EventSink& sink) {
  // The event describes the whole facts, and escalations may test any of them.
  PduFacts whole;
  if (light_facts.partial && light_facts.record != nullptr) extract_facts(*light_facts.record, whole);
  const PduFacts& f = light_facts.partial && light_facts.record != nullptr ? whole : light_facts;
  const CompiledClause& cc = *m.cc;
  const std::int64_t ts = ts_value.ns;
  const Rule& r = *cc.r;
  const FlowPolicy* policy = source != nullptr ? source->flow_policy() : nullptr;
  events::Severity severity = r.severity;
  std::string message = rule_head(r) + detail::describe_facts(f) + ", " + detail::endpoint_text(w.src_ip, w.src_port) +
                        " -> " + detail::endpoint_text(w.dst_ip, w.dst_port);
  for (const Escalation& e : r.escalate) {
    if (detail::match_pdu(e.when, f, source, true) == MatchResult::yes) {
      severity = e.severity;
      break;
    }
  }
  message += threshold_suffix(m, w);
  std::vector<std::string> extra;
  apply_policy(r, policy, core::Timestamp{ts}, severity, extra, message);

  detail::EventParts parts;
  parts.rule = &r;
  parts.severity = severity;
  parts.ts = core::Timestamp{ts};
  parts.where = &w;
  parts.protocol = protocols::name(f.protocol);
  if (policy != nullptr) {
    parts.source_zone = zone_id(f.from_master ? policy->master_zone : policy->outstation_zone);
    parts.destination_zone = zone_id(f.from_master ? policy->outstation_zone : policy->master_zone);
  }
  if (f.record != nullptr) {
    s.json.clear();
    f.record->describe(s.json);
    parts.pdu_json = s.json.dump();
  }
  parts.frames = m.evidence();
  parts.extra_explanations = std::move(extra);
  parts.message = std::move(message);
  sink.emit(detail::make_event(std::move(parts)));
  ++s.stats.events;
}

// The candidate clauses of one PDU in pack order: test, count against thresholds and limits,
// report; at most one event per rule.
[[gnu::always_inline]] inline void evaluate_pdu(Engine::Impl& s, PduCandidates candidates, const PduFacts& f,
                                                Where& w, PolicySource* source, events::EventSink& sink) {
  const std::int64_t ts = f.record != nullptr ? f.record->ts.ns : 0;
  const std::uint64_t frame = f.record != nullptr ? f.record->frame_no : 0;
  std::uint32_t fired_rule = UINT32_MAX;
  bool evicted = false;
  const detail::PduClause* const first = s.pdu_refs.data() + candidates.begin;
  for (const detail::PduClause* pc = first; pc != first + candidates.count; ++pc) {
    if (pc->rule == fired_rule) continue;  // one event per rule and PDU
    const MatchResult result = detail::match_check(pc->check, f, source);
    if (result == MatchResult::no) continue;
    if (result == MatchResult::needs_policy) {
      ++s.stats.skipped_no_policy;
      continue;
    }
    const CompiledClause& cc = s.clauses[pc->clause];
    Matched m;
    m.cc = &cc;
    m.src_is_master = f.from_master;
    if (pc->flow_counter) {
      // A flood counter (every request of a protocol, say): the flow's memo alone, inline.
      std::uint64_t* memo = flow_memo(w.scratch(), cc.slot, f.from_master);
      if (memo != nullptr) {
        if (!count_in_flow(s, m, memo, *cc.c->threshold, ts, frame)) continue;
        fired_rule = cc.rule;
        emit_pdu_event(s, m, f, w.get(), source, core::Timestamp{ts}, sink);
        continue;
      }
    }
    const std::uint64_t distinct = cc.c->threshold ? distinct_value(cc.c->threshold->distinct, &f, w) : 0;
    if (!admit_match(s, m, w, ts, frame, distinct, evicted)) continue;
    fired_rule = cc.rule;
    emit_pdu_event(s, m, f, w.get(), source, core::Timestamp{ts}, sink);
  }
  if (evicted) s.report_internal(detail::kThresholdEvicted, core::Timestamp{ts}, sink);
}

}  // namespace

// ---- Engine ------------------------------------------------------------------------------------

Engine::Engine() = default;
Engine::~Engine() = default;

std::unique_ptr<Engine> Engine::compile(RulePack pack, EngineLimits limits) {
  std::unique_ptr<Engine> e(new Engine());
  e->impl_ = std::make_unique<Impl>(limits.max_threshold_keys);
  e->impl_->pack = std::move(pack);
  e->impl_->build(e->impl_->pack);
  return e;
}

const RulePack& Engine::pack() const { return impl_->pack; }

namespace {
class FixedPolicy final : public PolicySource {
 public:
  explicit FixedPolicy(const FlowPolicy* p) : p_(p) {}
  const FlowPolicy* flow_policy() override { return p_; }

 private:
  const FlowPolicy* p_;
};
}  // namespace

void Engine::on_pdu(const PduFacts& f, const Endpoints& w, const FlowPolicy* policy, events::EventSink& sink) {
  FixedPolicy fixed(policy);
  on_pdu(f, w, &fixed, sink);
}

void Engine::on_pdu(const PduFacts& f, const Endpoints& w, PolicySource* source, events::EventSink& sink) {
  evaluate(lookup(f), f, w, source, sink);
}

namespace {
// The one lookup per PDU, by (protocol, direction, function slot).
inline PduCandidates lookup_cell(Engine::Impl& s, const PduFacts& f) {
  ++s.stats.pdus;
  const auto p = static_cast<std::size_t>(f.protocol);
  if (p >= detail::kProtocolSlots || f.function > 255) return {};
  const detail::PduCell& cell = s.pdu_table[p][f.from_master ? 0 : 1][detail::function_slot(f)];
  if (cell.count != 0) ++s.stats.pdus_with_candidates;
  return PduCandidates{cell.begin, cell.count, cell.light};
}
}  // namespace

PduCandidates Engine::lookup(const PduFacts& f) { return lookup_cell(*impl_, f); }

bool Engine::lookup(const protocols::PduRecord& record, PduFacts& head, PduCandidates& candidates) {
  if (!detail::fill_head(record, head)) return false;
  candidates = lookup_cell(*impl_, head);
  return true;
}

void Engine::evaluate(PduCandidates candidates, const PduFacts& f, const Endpoints& w, PolicySource* source,
                      events::EventSink& sink) {
  if (candidates.empty()) return;
  Where where(w);
  evaluate_pdu(*impl_, candidates, f, where, source, sink);
}

void Engine::evaluate(PduCandidates candidates, const PduFacts& f, const EndpointsSource& w, PolicySource* source,
                      events::EventSink& sink) {
  if (candidates.empty()) return;
  Where where(w);
  evaluate_pdu(*impl_, candidates, f, where, source, sink);
}

void Engine::on_anomaly(const protocols::AnomalyRecord& a, const Endpoints& w, const FlowPolicy* policy,
                        events::EventSink& sink) {
  Impl& s = *impl_;
  ++s.stats.anomalies;
  const detail::Span span = s.anomalies.find(a.name);
  bool evicted = false;
  for (std::uint32_t i = span.begin; i < span.begin + span.count; ++i) {
    const CompiledClause& cc = s.clauses[s.anomalies.refs[i]];
    const Match& match = cc.c->match;
    if (match.protocol != protocols::ProtocolId::unknown && match.protocol != a.protocol) continue;
    Matched m;
    m.cc = &cc;
    m.src_is_master = a.from == protocols::Side::client;
    Where where(w);
    if (!admit_match(s, m, where, a.ts.ns, a.frame_no, 0, evicted)) continue;

    const Rule& r = *cc.r;
    events::Severity severity = r.severity;
    std::string message = rule_head(r) + std::string(a.name);
    if (!a.detail.empty()) message += " (" + std::string(a.detail) + ")";
    message += ", " + detail::endpoint_text(w.src_ip, w.src_port) + " -> " + detail::endpoint_text(w.dst_ip, w.dst_port);
    message += threshold_suffix(m, w);
    std::vector<std::string> extra;
    apply_policy(r, policy, a.ts, severity, extra, message);

    detail::EventParts parts;
    parts.rule = &r;
    parts.severity = severity;
    parts.ts = a.ts;
    parts.where = &w;
    parts.protocol = protocols::name(a.protocol);
    if (policy != nullptr) {
      parts.source_zone = zone_id(m.src_is_master ? policy->master_zone : policy->outstation_zone);
      parts.destination_zone = zone_id(m.src_is_master ? policy->outstation_zone : policy->master_zone);
    }
    s.json.clear();
    s.json.string("anomaly", a.name);
    if (!a.detail.empty()) s.json.string("detail", a.detail);
    parts.pdu_json = s.json.dump();
    parts.frames = m.evidence();
    parts.extra_explanations = std::move(extra);
    parts.message = std::move(message);
    sink.emit(detail::make_event(std::move(parts)));
    ++s.stats.events;
    break;  // one event per anomaly
  }
  if (evicted) s.report_internal(detail::kThresholdEvicted, a.ts, sink);
}

void Engine::on_policy_finding(const PolicyFinding& finding, core::Timestamp ts, std::uint64_t frame,
                               const Endpoints& w, protocols::ProtocolId protocol, std::string_view app_name,
                               const PduFacts* pdu, const FlowPolicy* policy, events::EventSink& sink) {
  Impl& s = *impl_;
  ++s.stats.policy_findings;
  const detail::Span span = s.findings.find(finding.rule_id);
  const CompiledClause* chosen = nullptr;
  for (std::uint32_t i = span.begin; i < span.begin + span.count && chosen == nullptr; ++i) {
    const CompiledClause& cc = s.clauses[s.findings.refs[i]];
    const auto p = cc.c->match.protocol;
    if (p == protocols::ProtocolId::unknown || p == protocol) chosen = &cc;
  }
  const Rule* rule = chosen != nullptr ? chosen->r : nullptr;
  if (rule == nullptr) {
    // A finding the pack has a (disabled or protocol-specific) rule for stays silent; one it has
    // no rule for at all is still reported, under the finding's own id: never dropped unseen.
    for (const Rule& r : s.pack.rules) {
      for (const Clause& c : r.clauses) {
        for (const auto& id : c.match.policy_findings) {
          if (id == finding.rule_id) return;
        }
      }
    }
    ++s.stats.findings_without_rule;
    auto& fallback = s.fallback_rules;  // one per finding id ever seen (a dozen at most)
    auto it = std::find_if(fallback.begin(), fallback.end(), [&](const Rule& r) { return r.id == finding.rule_id; });
    if (it == fallback.end()) {
      Rule r;
      r.id = finding.rule_id;
      r.name = "Policy clause broken";
      r.kind = events::EventKind::segmentation;
      r.severity = events::Severity::high;
      fallback.push_back(std::move(r));
      it = std::prev(fallback.end());
    }
    rule = &*it;
  }

  Matched m;
  m.src_is_master = pdu == nullptr || pdu->from_master;
  bool evicted = false;
  if (chosen != nullptr) {
    m.cc = chosen;
    Where where(w);
    if (!admit_match(s, m, where, ts.ns, frame,
                     pdu != nullptr ? distinct_value(DistinctField::address, pdu, where) : 0, evicted)) {
      if (evicted) s.report_internal(detail::kThresholdEvicted, ts, sink);
      return;
    }
  } else {
    m.frames[0] = frame;
    m.frame_count = 1;
  }

  events::Severity severity = rule->severity;
  std::string message = rule_head(*rule) + finding.message;
  if (!finding.clause.empty()) message += " [" + finding.clause + "]";
  if (chosen != nullptr) message += threshold_suffix(m, w);
  std::vector<std::string> extra;
  apply_policy(*rule, policy, ts, severity, extra, message);

  detail::EventParts parts;
  parts.rule = rule;
  parts.severity = severity;
  parts.ts = ts;
  parts.where = &w;
  parts.protocol = protocol != protocols::ProtocolId::unknown ? protocols::name(protocol) : app_name;
  parts.source_zone = zone_id(finding.source_zone);
  parts.destination_zone = zone_id(finding.destination_zone);
  if (pdu != nullptr && pdu->record != nullptr) {
    s.json.clear();
    pdu->record->describe(s.json);
    parts.pdu_json = s.json.dump();
  }
  parts.frames = m.evidence();
  parts.extra_explanations = std::move(extra);
  parts.message = std::move(message);
  sink.emit(detail::make_event(std::move(parts)));
  ++s.stats.events;
  if (evicted) s.report_internal(detail::kThresholdEvicted, ts, sink);
}

std::vector<const Rule*> Engine::rules_needing_policy() const {
  std::vector<const Rule*> out;
  for (const Rule& r : impl_->pack.rules) {
    if (r.enabled && r.emitted_by.empty() && r.needs_policy()) out.push_back(&r);
  }
  return out;
}

std::vector<const Rule*> Engine::rules_partly_needing_policy() const {
  std::vector<const Rule*> out;
  for (const Rule& r : impl_->pack.rules) {
    if (r.enabled && r.emitted_by.empty() && !r.needs_policy() && r.partly_needs_policy()) out.push_back(&r);
  }
  return out;
}

std::vector<std::string_view> Engine::uncovered_anomalies() const {
  std::vector<std::string_view> out;
  for (const auto name : parser_anomaly_names()) {
    if (impl_->anomalies.find(name).count == 0) out.push_back(name);
  }
  return out;
}

EngineStats Engine::stats() const {
  EngineStats s = impl_->stats;
  s.threshold_evictions = impl_->thresholds.evictions();
  s.threshold_keys_in_use = impl_->thresholds.in_use();
  s.threshold_capacity = impl_->thresholds.capacity();
  return s;
}

}  // namespace normwatch::rules::engine
