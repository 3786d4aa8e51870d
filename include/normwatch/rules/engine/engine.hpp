// Engine: the norm-rule pack compiled into lookup tables (ARCHITECTURE.md "rules"; issue 6 item 3).
// PDU clauses are indexed by (protocol, function code), anomaly clauses by anomaly name, policy
// clauses by finding id, so a PDU that concerns no rule costs one table lookup and allocates
// nothing. A clause that matches (and whose threshold fires, within its limit) becomes one
// normwatch.event/1 event, emitted to an EventSink, carrying the rule's metadata, the flow, the
// zones, the decoded PDU and the frames that are its evidence.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "normwatch/core/ip_address.hpp"
#include "normwatch/events/event_sink.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/rules/engine/flow_policy.hpp"
#include "normwatch/rules/engine/rule.hpp"
#include "normwatch/rules/facts.hpp"
#include "normwatch/rules/policy.hpp"

namespace normwatch::rules::engine {

struct EngineLimits {
  // Threshold/limit keys kept at once (about 280 bytes each); beyond it the least recently seen
  // key of a full pair of sets is evicted and SYS-02 reports it.
  std::size_t max_threshold_keys = 32768;
};

struct EngineStats {
  std::uint64_t pdus = 0;                 // PDUs looked up
  std::uint64_t pdus_with_candidates = 0; // ... for which some clause was evaluated
  std::uint64_t anomalies = 0;
  std::uint64_t policy_findings = 0;
  std::uint64_t events = 0;               // events emitted
  std::uint64_t limited = 0;              // matches not reported because of a limit
  std::uint64_t below_threshold = 0;      // matches counted towards a threshold that did not fire
  std::uint64_t skipped_no_policy = 0;    // matches of clauses that need a policy, with none loaded
  std::uint64_t findings_without_rule = 0;// policy findings with no rule in the pack (reported anyway)
  std::uint64_t threshold_evictions = 0;
  std::size_t threshold_keys_in_use = 0;
  std::size_t threshold_capacity = 0;
};

// Words of per-flow memory a caller may keep for the engine (zero when the flow starts): the
// engine keeps its threshold memos there, and thresholds counted per flow entirely.
inline constexpr std::size_t kFlowScratchWords = 12;

// The PDU's or anomaly's sender and receiver, and the flow they belong to.
struct Endpoints {
  core::IpAddress src_ip;
  std::uint16_t src_port = 0;
  core::IpAddress dst_ip;
  std::uint16_t dst_port = 0;
  bool udp = false;
  std::uint16_t vlan = 0;            // the flow's outermost VLAN id (0: untagged)
  std::uint64_t flow_id = 0;
  std::uint64_t* scratch = nullptr;  // kFlowScratchWords words of this flow, or null
};

// A PDU's Endpoints, made only when a candidate clause matched (most do not, so most PDUs never
// pay for them): `fill` writes them from `context`. `scratch` is Endpoints::scratch, given at
// once because thresholds counted per flow need nothing else.
struct EndpointsSource {
  const void* context = nullptr;
  void (*fill)(const void* context, Endpoints& out) = nullptr;
  std::uint64_t* scratch = nullptr;
};

// The flow's FlowPolicy, looked up only when a rule needs it (a clause with a policy predicate
// that matched everything else, or an event being built), so most PDUs never pay for it.
class PolicySource {
 public:
  virtual ~PolicySource() = default;
  // Null when the sensor runs without a policy.
  virtual const FlowPolicy* flow_policy() = 0;
  // flow_policy()->master_listed, which an implementation may remember per flow; -1 without a
  // policy, else 0 or 1.
  virtual int master_listed() {
    const FlowPolicy* p = flow_policy();
    return p == nullptr ? -1 : (p->master_listed ? 1 : 0);
  }
};

// The PDU clauses a PDU's (protocol, direction, function) selects (Engine::lookup): a range of
// the engine's table, empty for most PDUs.
struct PduCandidates {
  std::uint32_t begin = 0;
  std::uint32_t count = 0;
  bool light = false;  // the clauses read only the light facts (extract_rest's `light`)
  bool empty() const { return count == 0; }
};

class Engine {
 public:
  // Compiles `pack` (already validated by load_rule_pack). Disabled rules and rules emitted by
  // other parts of the sensor are kept in the pack but not compiled.
  static std::unique_ptr<Engine> compile(RulePack pack, EngineLimits limits = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // One decoded PDU. `policy` is null (or gives null) when the sensor runs without a policy:
  // clauses that need one stay silent (and are counted).
  void on_pdu(const PduFacts& facts, const Endpoints& where, PolicySource* policy, events::EventSink& sink);
  // on_pdu in two steps, for a caller that fills the facts in two (extract_head, extract_rest):
  // lookup reads only protocol, from_master, function, exception and sub, and counts the PDU;
  // when it finds no candidates nothing more is needed, neither the rest of the facts nor the
  // endpoints. evaluate(lookup(f), f, ...) is on_pdu(f, ...).
  PduCandidates lookup(const PduFacts& head);
  // The same with the head filled here from the record (what extract_head does): one call per
  // PDU for the rules observer. False when the record is not one of ours (then nothing counted).
  bool lookup(const protocols::PduRecord& record, PduFacts& head, PduCandidates& candidates);
  void evaluate(PduCandidates candidates, const PduFacts& facts, const Endpoints& where, PolicySource* policy,
                events::EventSink& sink);
  // The same with the endpoints made only if a clause matched.
  void evaluate(PduCandidates candidates, const PduFacts& facts, const EndpointsSource& where, PolicySource* policy,
                events::EventSink& sink);
  // The same with the flow's policy view at hand (tests, tools).
  void on_pdu(const PduFacts& facts, const Endpoints& where, const FlowPolicy* policy, events::EventSink& sink);
  // One named parser anomaly; `policy` (may be null) is the flow's view with the client as master.
  void on_anomaly(const protocols::AnomalyRecord& anomaly, const Endpoints& where, const FlowPolicy* policy,
                  events::EventSink& sink);
  // One broken policy clause (Policy::check_flow / check_pdu). `pdu` is the PDU it concerns, if any.
  void on_policy_finding(const PolicyFinding& finding, core::Timestamp ts, std::uint64_t frame, const Endpoints& where,
                         protocols::ProtocolId protocol, std::string_view app_name, const PduFacts* pdu,
                         const FlowPolicy* policy, events::EventSink& sink);

  const RulePack& pack() const;
  // Enabled rules every clause of which needs a policy (silent without --policy), and those only
  // some clauses of which do.
  std::vector<const Rule*> rules_needing_policy() const;
  std::vector<const Rule*> rules_partly_needing_policy() const;
  // Parser anomaly names that no enabled rule covers.
  std::vector<std::string_view> uncovered_anomalies() const;
  EngineStats stats() const;

  struct Impl;  // the compiled tables and state (src/rules/engine/engine_impl.hpp)

 private:
  Engine();
  std::unique_ptr<Impl> impl_;
};

}  // namespace normwatch::rules::engine
