// TurnObserver (turn_observer.hpp): waiting for the turn, spinning and yielding first (the other
// worker is usually a few frames behind; spin_wait.hpp), then sleeping on its completion counter.
#include "turn_observer.hpp"

#include "normwatch/pipeline/spin_wait.hpp"

namespace normwatch::pipeline {

namespace {
// The entry a turn waits for is being processed by the other worker right now, usually done
// within microseconds: spin through that before yielding. With 64 pauses (the ring waits' figure)
// two workers on the plant mix with rules yielded and slept for most turns, 0.50-0.63 M packets/s;
// with 1024 for the turns alone, 0.95-1.15 M (4 runs each; with 1024 for every wait, 8192 was no
// better and 65536 worse; tests/bench/peer-bench.sh's file, --workers 2 --events /dev/null).
constexpr int kTurnPauses = 1024;
}  // namespace

void TurnObserver::wait_for_turn() {
  bool slept = false;
  for (unsigned j = 0; j < workers_; ++j) {
    if (j == self_) continue;
    Completion& c = completions_[j];
    Backoff backoff(kTurnPauses);
    while (c.done.load(std::memory_order_acquire) < need_[j]) {
      if (backoff.spin()) continue;
      // Announce the sleep, then re-check: a completion after this either is seen or notifies.
      c.waiters.fetch_add(1, std::memory_order_seq_cst);
      const std::uint64_t seen = c.done.load(std::memory_order_seq_cst);
      if (seen < need_[j]) {
        c.done.wait(seen, std::memory_order_seq_cst);
        slept = true;
      }
      c.waiters.fetch_sub(1, std::memory_order_relaxed);
      backoff.reset();
    }
  }
  if (slept) ++turn_waits_;
  have_turn_ = true;
}

void TurnObserver::end_entry() {
  Completion& mine = completions_[self_];
  mine.done.store(++done_, std::memory_order_seq_cst);
  if (mine.waiters.load(std::memory_order_seq_cst) != 0) mine.done.notify_all();
}

}  // namespace normwatch::pipeline
