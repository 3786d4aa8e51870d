// prefetch_lines: starts loading the cache lines of a per-flow record before it is used. A replay
// or a busy link meets thousands of flows in turn, so each flow's state is rarely cached when its
// packet arrives; the pipeline asks for it as soon as it knows where it is, and does other work
// while the loads are in flight.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

namespace normwatch::core {

inline constexpr std::size_t kCacheLine = 64;

// Every line that [at, at + bytes) touches, whatever the alignment of `at`. A prefetch never
// faults: a stale or dangling pointer costs one wasted load, nothing else. kForWrite asks for the
// lines in a state that lets them be written at once (the caller is about to update them).
template <bool kForWrite = false>
inline void prefetch_lines(const void* at, std::size_t bytes) {
  if (at == nullptr || bytes == 0) return;
  const auto begin = reinterpret_cast<std::uintptr_t>(at) & ~std::uintptr_t{kCacheLine - 1};
  const auto end = reinterpret_cast<std::uintptr_t>(at) + bytes;
  for (std::uintptr_t line = begin; line < end; line += kCacheLine) {
    __builtin_prefetch(reinterpret_cast<const void*>(line), kForWrite ? 1 : 0);
  }
}

// The same for a size known at compile time, without the loop: one prefetch per 64 bytes from
// `at` and one at the last byte, so every line is covered whatever the alignment (consecutive
// addresses lie at most a line apart). At a few hundred bytes per packet the loop's set-up and
// branches cost more instructions than the prefetches themselves (cachegrind).
template <std::size_t kBytes, bool kForWrite = false>
inline void prefetch_object(const void* at) {
  static_assert(kBytes > 0);
  if (at == nullptr) return;
  const auto* p = static_cast<const char*>(at);
  [&]<std::size_t... i>(std::index_sequence<i...>) {
    (__builtin_prefetch(p + i * kCacheLine, kForWrite ? 1 : 0), ...);
  }(std::make_index_sequence<(kBytes + kCacheLine - 1) / kCacheLine>{});
  __builtin_prefetch(p + kBytes - 1, kForWrite ? 1 : 0);
}

}  // namespace normwatch::core
