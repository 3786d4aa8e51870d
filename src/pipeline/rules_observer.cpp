// RulesObserver (rules_observer.hpp): translating the pipeline's records into the rule engine's
// and the policy's vocabulary. The master end of a PDU's conversation is its sender when the PDU
// is a request, its receiver otherwise; for anomalies and flows it is the flow's client.
#include "rules_observer.hpp"

#include "normwatch/flow/flow.hpp"
#include "normwatch/rules/engine/facts_extract.hpp"

namespace normwatch::pipeline {

namespace {

// The observer's use of the pipeline's per-flow words: [0] the flow's policy facts per master
// orientation, [1] and [2] the last clean policy check, then the engine's kFlowScratchWords.
constexpr std::size_t kPolicyWord = 0;
constexpr std::size_t kCheckWord = 1;
constexpr std::size_t kCheckUnitWord = 2;
constexpr std::size_t kEngineWords = 4;
static_assert(kEngineWords + rules::engine::kFlowScratchWords <= kObserverScratchWords);

// kPolicyWord bits, per orientation (shift 0: the client is the master; 8: the server is).
constexpr std::uint64_t kKnown = 1;
constexpr std::uint64_t kListed = 2;

rules::engine::Endpoints engine_endpoints(const FlowEndpoints& e) {
  rules::engine::Endpoints w;
  w.src_ip = e.src_ip;
  w.src_port = e.src_port;
  w.dst_ip = e.dst_ip;
  w.dst_port = e.dst_port;
  w.udp = e.udp;
  w.vlan = e.flow != nullptr ? e.flow->key.vlan : 0;
  w.flow_id = e.flow != nullptr ? e.flow_id : 0;
  w.scratch = e.observer_scratch != nullptr ? e.observer_scratch + kEngineWords : nullptr;
  return w;
}

// EndpointsSource::fill: the engine asks only when a candidate clause matched.
void fill_endpoints(const void* context, rules::engine::Endpoints& out) {
  out = engine_endpoints(*static_cast<const FlowEndpoints*>(context));
}

// The policy's view of a conversation: `src_is_master` says which end is the client/master.
rules::FlowFacts flow_facts(const FlowEndpoints& e, bool src_is_master, protocols::ProtocolId ics,
                            std::string_view app_name) {
  rules::FlowFacts f;
  f.client_ip = src_is_master ? e.src_ip : e.dst_ip;
  f.client_port = src_is_master ? e.src_port : e.dst_port;
  f.server_ip = src_is_master ? e.dst_ip : e.src_ip;
  f.server_port = src_is_master ? e.dst_port : e.src_port;
  if (e.flow != nullptr) {
    f.vlan = e.flow->key.vlan;
    f.ip_proto = e.flow->key.ip_proto;
  } else {
    f.ip_proto = e.udp ? 17 : 6;
  }
  f.ics = ics;
  f.app_name = app_name;
  return f;
}

}  // namespace

RulesObserver::RulesObserver(rules::engine::Engine& engine, rules::Policy* policy, events::EventSink& sink)
    : engine_(engine), policy_(policy), sink_(sink) {
  if (policy_ != nullptr) cache_ = std::make_unique<rules::engine::FlowPolicyCache>(*policy_);
  findings_.reserve(8);
}

// Policy::check_pdu judges a PDU by its flow's conduit (master listed, class allowed, unit
// allowed), by the time (maintenance windows) and by rates and write ranges (writes and
// commands), and raises SG-03 for program, mode and file functions. For the classes whose
// checks involve neither ranges nor rates nor SG-03 (read, identify, diagnostic, other), on a flow
// whose zones have no conduit with maintenance windows, the verdict depends only on the flow and
// the PDU's function, sub-code, unit and class: a PDU repeating those of the flow's previous PDU,
// whose check found nothing, is not checked again. Polling traffic is almost all such repeats.
bool RulesObserver::repeat_of_clean_check(std::uint64_t* scratch, bool remember) {
  using rules::FunctionClass;
  const FunctionClass c = facts_.function_class;
  const bool stateless = c == FunctionClass::read || c == FunctionClass::identify ||
                         c == FunctionClass::diagnostic || c == FunctionClass::other;
  if (!stateless || scratch == nullptr) return false;
  // function (16 bits) | sub + 1 (17 bits) | class (8 bits) | valid
  const std::uint64_t key = (static_cast<std::uint64_t>(facts_.function + 1) & 0xFFFF) |
                            ((static_cast<std::uint64_t>(facts_.sub + 1) & 0x1FFFF) << 16) |
                            (static_cast<std::uint64_t>(c) << 33) | (1ULL << 41);
  const std::uint64_t unit = static_cast<std::uint64_t>(facts_.unit);
  if (!remember) return scratch[kCheckWord] == key && scratch[kCheckUnitWord] == unit;
  const rules::engine::FlowPolicy* fp = lazy_.flow_policy();
  const bool cacheable = fp != nullptr && !fp->any_windows;
  scratch[kCheckWord] = cacheable ? key : 0;
  scratch[kCheckUnitWord] = unit;
  return false;
}

RulesObserver::~RulesObserver() = default;

const rules::engine::FlowPolicy* RulesObserver::flow_policy(const FlowEndpoints& e, bool src_is_master,
                                                            protocols::ProtocolId protocol) {
  if (cache_ == nullptr) return nullptr;
  const std::uint64_t id = e.flow != nullptr ? e.flow_id : 0;
  const std::uint16_t vlan = e.flow != nullptr ? e.flow->key.vlan : 0;
  return &cache_->get(id, src_is_master ? e.src_ip : e.dst_ip, src_is_master ? e.dst_ip : e.src_ip, vlan, protocol);
}

const rules::engine::FlowPolicy* RulesObserver::LazyPolicy::flow_policy() {
  if (!asked_) {
    asked_ = true;
    value_ = endpoints_ != nullptr ? owner_.flow_policy(*endpoints_, src_is_master_, protocol_) : nullptr;
  }
  return value_;
}

// Whether the master is listed, remembered in the flow's words: the policy view of a flow does
// not change, so only the flow's first PDU of each orientation looks it up.
int RulesObserver::LazyPolicy::master_listed() {
  if (owner_.policy_ == nullptr || endpoints_ == nullptr) return -1;
  std::uint64_t* scratch = endpoints_->observer_scratch;
  if (scratch == nullptr) return PolicySource::master_listed();
  const unsigned shift = (src_is_master_ == endpoints_->from_client) ? 0 : 8;
  const std::uint64_t bits = scratch[kPolicyWord] >> shift;
  if ((bits & kKnown) != 0) return (bits & kListed) != 0 ? 1 : 0;
  const rules::engine::FlowPolicy* p = flow_policy();
  if (p == nullptr) return -1;
  scratch[kPolicyWord] |= (kKnown | (p->master_listed ? kListed : 0)) << shift;
  return p->master_listed ? 1 : 0;
}

void RulesObserver::on_pdu(const protocols::PduRecord& record, const FlowEndpoints& endpoints) {
  // Most PDUs concern no clause (replies to polls, measured values): for them the facts that
  // pick the candidates are all the work, unless the policy is to check the PDU.
  rules::engine::PduCandidates candidates;
  if (!engine_.lookup(record, facts_, candidates)) return;
  if (candidates.empty() && (policy_ == nullptr || !facts_.from_master)) return;
  judge(record, endpoints, candidates);
}

void RulesObserver::judge(const protocols::PduRecord& record, const FlowEndpoints& endpoints,
                          rules::engine::PduCandidates candidates) {
  const bool check_policy = policy_ != nullptr && facts_.from_master;
  // The light facts suffice when the candidates read no more and the policy does not check.
  rules::engine::extract_rest(record, facts_, candidates.light && !check_policy);
  lazy_.reset(&endpoints, facts_.from_master, record.protocol);
  const rules::engine::EndpointsSource lazy_where{
      &endpoints, &fill_endpoints,
      endpoints.observer_scratch != nullptr ? endpoints.observer_scratch + kEngineWords : nullptr};
  // Without a policy no source at all: the engine then treats policy clauses as silent without
  // asking (what the lazy view would answer, through a virtual call per candidate).
  engine_.evaluate(candidates, facts_, lazy_where, policy_ != nullptr ? &lazy_ : nullptr, sink_);
  if (!check_policy) return;
  std::uint64_t* scratch = endpoints.observer_scratch;
  if (repeat_of_clean_check(scratch, false)) return;
  findings_.clear();
  const std::string_view app = protocols::name(record.protocol);
  // The PDU's protocol is known, so the policy needs no application name to pick conduits (an
  // empty one spares it matching protocol aliases for every conduit of the zone pair).
  policy_->check_pdu(flow_facts(endpoints, true, record.protocol, {}), facts_, record.ts, findings_);
  if (findings_.empty()) {
    repeat_of_clean_check(scratch, true);
    return;
  }
  if (scratch != nullptr) scratch[kCheckWord] = 0;
  const rules::engine::Endpoints where = engine_endpoints(endpoints);
  const rules::engine::FlowPolicy* fp = lazy_.flow_policy();
  for (const auto& f : findings_) {
    engine_.on_policy_finding(f, record.ts, record.frame_no, where, record.protocol, app, &facts_, fp, sink_);
  }
}

void RulesObserver::on_anomaly(const protocols::AnomalyRecord& record, const FlowEndpoints& endpoints) {
  const bool src_is_master = record.from == protocols::Side::client;
  engine_.on_anomaly(record, engine_endpoints(endpoints), flow_policy(endpoints, src_is_master, record.protocol),
                     sink_);
}

void RulesObserver::on_flow_classified(const FlowClassified& info, const FlowEndpoints& endpoints) {
  if (policy_ == nullptr) return;
  findings_.clear();
  policy_->check_flow(flow_facts(endpoints, true, info.ics, info.app_name), info.ics_on_foreign_port,
                      info.foreign_on_ics_port, info.ts, findings_);
  if (findings_.empty()) return;
  const rules::engine::Endpoints where = engine_endpoints(endpoints);
  const rules::engine::FlowPolicy* fp = flow_policy(endpoints, true, info.ics);
  for (const auto& f : findings_) {
    engine_.on_policy_finding(f, info.ts, info.frame_no, where, info.ics, info.app_name, nullptr, fp, sink_);
  }
}

}  // namespace normwatch::pipeline
