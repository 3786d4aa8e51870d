// Backoff: how the sharded pipeline's threads wait for one another (issue 9 §2). A few CPU pause
// hints first (the other side is usually a few hundred nanoseconds away), then sched yields (more
// threads than cores, or emulation: let the thread we wait for run), then the caller sleeps on the
// atomic (std::atomic::wait, a futex), so an idle thread neither livelocks nor burns a core.
#pragma once

#include <atomic>
#include <thread>

namespace normwatch::pipeline {

// A hint that this is a spin-wait loop: on x86 it stops speculative loads piling up and frees the
// sibling hyperthread; on aarch64 `yield` tells the core (or a hypervisor) the same.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  asm volatile("yield" ::: "memory");
#else
  std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
}

class Backoff {
 public:
  // Polls with pause hints, then with std::this_thread::yield() before giving up the core.
  static constexpr int kPauses = 64;
  static constexpr int kYields = 8;
  Backoff() = default;
  // A wait whose end is usually near (a turn: the other worker is busy with the entry before)
  // spins longer before it yields: a sleep and its wake-up cost far more than the wait itself.
  explicit Backoff(int pauses) : pauses_(pauses) {}

  // One more cheap round of waiting; false once the caller should block (sleep on the atomic).
  // The caller re-checks its condition between rounds.
  bool spin() {
    if (round_ < pauses_) {
      cpu_relax();
      ++round_;
      return true;
    }
    if (round_ < pauses_ + kYields) {
      std::this_thread::yield();
      ++round_;
      return true;
    }
    return false;
  }
  void reset() { round_ = 0; }

 private:
  int pauses_ = kPauses;
  int round_ = 0;
};

}  // namespace normwatch::pipeline
