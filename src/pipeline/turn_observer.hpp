// TurnObserver: one worker's view of the shared observer in a sharded run (sharded_pipeline.hpp).
// Before a worker's first callback for a ring entry it waits until every other worker has finished
// all entries the reader dispatched before this one ("its turn"); callbacks thus reach the shared
// observer in the order a single pipeline would make them, and one at a time. The completion
// counters' release/acquire pairs hand the observer's state from worker to worker.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "normwatch/pipeline/pipeline.hpp"

namespace normwatch::pipeline {

// Per worker: entries finished (written by that worker only), on its own cache line.
struct alignas(64) Completion {
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::uint32_t> waiters{0};  // others sleeping on `done`
};

class TurnObserver final : public PduObserver {
 public:
  TurnObserver(PduObserver* target, Completion* completions, unsigned workers, unsigned self)
      : target_(target), completions_(completions), workers_(workers), self_(self) {}

  // A new entry: `need[j]` entries of worker j must be finished before this one's callbacks.
  void begin_entry(const std::uint64_t* need) {
    for (unsigned j = 0; j < workers_; ++j) need_[j] = need[j];
    have_turn_ = false;
  }
  // The entry is done (with or without callbacks): tells the workers that wait for it.
  void end_entry();

  void on_pdu(const protocols::PduRecord& record, const FlowEndpoints& endpoints) override {
    if (target_ == nullptr) return;
    take_turn();
    target_->on_pdu(record, endpoints);
  }
  void on_anomaly(const protocols::AnomalyRecord& record, const FlowEndpoints& endpoints) override {
    if (target_ == nullptr) return;
    take_turn();
    target_->on_anomaly(record, endpoints);
  }
  void on_flow_classified(const FlowClassified& info, const FlowEndpoints& endpoints) override {
    if (target_ == nullptr) return;
    take_turn();
    target_->on_flow_classified(info, endpoints);
  }

  std::uint64_t turn_waits() const { return turn_waits_; }

 private:
  void take_turn() {
    if (!have_turn_) wait_for_turn();
  }
  void wait_for_turn();

  PduObserver* target_;
  Completion* completions_;
  unsigned workers_;
  unsigned self_;
  std::array<std::uint64_t, 16> need_{};
  std::uint64_t done_ = 0;
  bool have_turn_ = false;
  std::uint64_t turn_waits_ = 0;  // entries that had to sleep for their turn
};

}  // namespace normwatch::pipeline
