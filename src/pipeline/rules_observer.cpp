// RulesObserver (rules_observer.hpp): translating the pipeline's records into the rule engine's
// and the policy's vocabulary. The master end of a PDU's conversation is its sender when the PDU
// is a request, its receiver otherwise; for anomalies and flows it is the flow's client.
#include "rules_observer.hpp"

#include "normwatch/flow/flow.hpp"
#include "normwatch/rules/engine/facts_extract.hpp"

namespace normwatch::pipeline {

namespace {

rules::engine::Endpoints engine_endpoints(const FlowEndpoints& e) {
  rules::engine::Endpoints w;
  w.src_ip = e.src_ip;
  w.src_port = e.src_port;
  w.dst_ip = e.dst_ip;
  w.dst_port = e.dst_port;
  w.udp = e.udp;
  w.flow_id = e.flow != nullptr ? e.flow->id : 0;
  return w;
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

RulesObserver::~RulesObserver() = default;

const rules::engine::FlowPolicy* RulesObserver::flow_policy(const FlowEndpoints& e, bool src_is_master,
                                                            protocols::ProtocolId protocol) {
  if (cache_ == nullptr) return nullptr;
  const std::uint64_t id = e.flow != nullptr ? e.flow->id : 0;
  const std::uint16_t vlan = e.flow != nullptr ? e.flow->key.vlan : 0;
  return &cache_->get(id, src_is_master ? e.src_ip : e.dst_ip, src_is_master ? e.dst_ip : e.src_ip, vlan, protocol);
}

void RulesObserver::on_pdu(const protocols::PduRecord& record, const FlowEndpoints& endpoints) {
  if (!rules::engine::extract_facts(record, facts_)) return;
  const rules::engine::Endpoints where = engine_endpoints(endpoints);
  const rules::engine::FlowPolicy* fp = flow_policy(endpoints, facts_.from_master, record.protocol);
  engine_.on_pdu(facts_, where, fp, sink_);
  if (policy_ == nullptr || !facts_.from_master) return;
  findings_.clear();
  const std::string_view app = protocols::name(record.protocol);
  policy_->check_pdu(flow_facts(endpoints, true, record.protocol, app), facts_, record.ts, findings_);
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
