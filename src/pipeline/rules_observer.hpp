// RulesObserver: the pipeline's observer that runs the norm rules and the site policy (issue 6):
// each PDU's facts go to the rule engine and, from the master side, to Policy::check_pdu; each
// parser anomaly to the engine; each flow, once classified, to Policy::check_flow. Whatever fires
// becomes a normwatch.event/1 event in the EventSink. Without a policy only the engine runs (its
// policy clauses stay silent).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "normwatch/events/event_sink.hpp"
#include "normwatch/pipeline/pipeline.hpp"
#include "normwatch/rules/engine/engine.hpp"
#include "normwatch/rules/engine/flow_policy.hpp"
#include "normwatch/rules/policy.hpp"

namespace normwatch::pipeline {

class RulesObserver final : public PduObserver {
 public:
  // `policy` may be null. All three must outlive the observer.
  RulesObserver(rules::engine::Engine& engine, rules::Policy* policy, events::EventSink& sink);
  ~RulesObserver() override;

  void on_pdu(const protocols::PduRecord& record, const FlowEndpoints& endpoints) override;
  void on_anomaly(const protocols::AnomalyRecord& record, const FlowEndpoints& endpoints) override;
  void on_flow_classified(const FlowClassified& info, const FlowEndpoints& endpoints) override;

 private:
  const rules::engine::FlowPolicy* flow_policy(const FlowEndpoints& e, bool src_is_master,
                                               protocols::ProtocolId protocol);

  // The policy view of the PDU being handled, computed only if the engine asks for it.
  class LazyPolicy final : public rules::engine::PolicySource {
   public:
    explicit LazyPolicy(RulesObserver& owner) : owner_(owner) {}
    void reset(const FlowEndpoints* e, bool src_is_master, protocols::ProtocolId protocol) {
      endpoints_ = e;
      src_is_master_ = src_is_master;
      protocol_ = protocol;
      value_ = nullptr;
      asked_ = false;
    }
    const rules::engine::FlowPolicy* flow_policy() override;
    int master_listed() override;

   private:
    RulesObserver& owner_;
    const FlowEndpoints* endpoints_ = nullptr;
    bool src_is_master_ = true;
    protocols::ProtocolId protocol_ = protocols::ProtocolId::unknown;
    const rules::engine::FlowPolicy* value_ = nullptr;
    bool asked_ = false;
  };

  // The PDUs some clause concerns or the policy checks (out of line: the common path stays short).
  [[gnu::noinline]] void judge(const protocols::PduRecord& record, const FlowEndpoints& endpoints,
                               rules::engine::PduCandidates candidates);

  // Skips Policy::check_pdu for a PDU like the flow's previous one when that broke nothing and
  // its checks cannot change within the flow (see rules_observer.cpp); `scratch` is the flow's.
  bool repeat_of_clean_check(std::uint64_t* scratch, bool remember);

  rules::engine::Engine& engine_;
  rules::Policy* policy_;
  LazyPolicy lazy_{*this};
  events::EventSink& sink_;
  std::unique_ptr<rules::engine::FlowPolicyCache> cache_;
  rules::PduFacts facts_;                       // reused for every PDU
  std::vector<rules::PolicyFinding> findings_;  // reused; grows only to the most findings per call
};

}  // namespace normwatch::pipeline
