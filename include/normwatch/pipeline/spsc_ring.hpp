// SpscByteRing: a bounded single-producer single-consumer queue of variable-length records in one
// preallocated byte buffer (issue 9 §1: frames reach the workers without locks or allocation).
// Lamport's ring with monotonic head/tail byte counters; acquire/release orders the bytes.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace normwatch::pipeline {

class SpscByteRing {
 public:
  // Every record starts on this alignment; its header is one 8-byte size word.
  static constexpr std::size_t kAlign = 16;
  static constexpr std::size_t kHeader = 8;

  // `capacity_bytes` is rounded up to a power of two (at least 4 KiB).
  explicit SpscByteRing(std::size_t capacity_bytes);
  SpscByteRing(const SpscByteRing&) = delete;
  SpscByteRing& operator=(const SpscByteRing&) = delete;

  std::size_t capacity() const { return capacity_; }
  // The largest record payload that can ever fit (half the ring, so a wrap never starves it).
  std::size_t max_record() const { return capacity_ / 2 - kHeader; }

  // Records are never empty (n >= 1): an empty span means "nothing".
  // Producer: room for `n` payload bytes, or an empty span when the ring is full right now (or
  // n > max_record()). Fill it, then commit(). Nothing is visible to the consumer before commit.
  std::span<std::byte> try_reserve(std::size_t n);
  void commit();
  // commit() without making the record visible yet: publish() shows every deferred record at once
  // (one atomic store, and a wake-up only if the consumer sleeps: batching saves both).
  void commit_deferred() { local_head_ = reserved_head_; }
  void publish();
  std::uint64_t deferred_bytes() const { return local_head_ - published_head_; }

  // Consumer: the oldest committed record, or an empty span when there is none. Valid until
  // release(), which frees it for the producer.
  std::span<const std::byte> try_peek();
  void release();

  // Blocking variants: pause and yield briefly (spin_wait.hpp), then sleep on the other side's
  // counter (futex) until it moves, so that an idle thread burns no core.
  // reserve_wait publishes deferred records before it sleeps, and returns an empty span only
  // when n is 0 or more than max_record().
  std::span<std::byte> reserve_wait(std::size_t n);
  std::span<const std::byte> peek_wait();

 private:
  static std::size_t padded(std::size_t n) { return (kHeader + n + kAlign - 1) & ~(kAlign - 1); }

  std::size_t capacity_;
  std::unique_ptr<std::byte[]> buffer_;
  // Producer's and consumer's counters on their own cache lines.
  alignas(64) std::atomic<std::uint64_t> head_{0};  // bytes committed (written by the producer)
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // bytes released (written by the consumer)
  alignas(64) std::uint64_t reserved_head_ = 0;     // producer only: head after the pending record
  std::uint64_t local_head_ = 0;                    // producer only: head after the last commit
  std::uint64_t published_head_ = 0;                // producer only: last value stored in head_
  std::uint64_t cached_tail_ = 0;                   // producer only
  alignas(64) std::uint64_t cached_head_ = 0;       // consumer only
  std::uint64_t peeked_end_ = 0;                    // consumer only: tail after the peeked record
  // Set by a side about to sleep; the other side notifies only then (Dekker: both seq_cst).
  alignas(64) std::atomic<bool> consumer_sleeping_{false};
  std::atomic<bool> producer_sleeping_{false};
  // A sleeping producer is woken once the consumer has released up to here (a quarter of the
  // ring past where it fell asleep), not at the first record freed: a full ring otherwise woke
  // the reader for every record, a futex round trip each.
  std::atomic<std::uint64_t> producer_wake_tail_{0};
};

}  // namespace normwatch::pipeline
