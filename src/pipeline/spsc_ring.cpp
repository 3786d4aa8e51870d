// SpscByteRing (spsc_ring.hpp): records are [8-byte length][payload][padding to 16]; a record that
// would straddle the end of the buffer is preceded by a skip marker filling the rest of it.
#include "normwatch/pipeline/spsc_ring.hpp"

#include <bit>
#include <cstring>

#include "normwatch/pipeline/spin_wait.hpp"

namespace normwatch::pipeline {

namespace {
constexpr std::uint64_t kSkip = ~std::uint64_t{0};  // header value: the rest of the buffer is unused
}  // namespace

SpscByteRing::SpscByteRing(std::size_t capacity_bytes)
    : capacity_(std::bit_ceil(capacity_bytes < 4096 ? std::size_t{4096} : capacity_bytes)),
      buffer_(std::make_unique<std::byte[]>(capacity_)) {}

std::span<std::byte> SpscByteRing::try_reserve(std::size_t n) {
  if (n == 0 || n > max_record()) return {};
  const std::uint64_t head = local_head_;
  const std::size_t pos = static_cast<std::size_t>(head & (capacity_ - 1));
  const std::size_t need = padded(n);
  const std::size_t to_end = capacity_ - pos;
  const std::size_t skip = need > to_end ? to_end : 0;
  const std::uint64_t total = skip + need;
  if (capacity_ - (head - cached_tail_) < total) {
    cached_tail_ = tail_.load(std::memory_order_acquire);
    if (capacity_ - (head - cached_tail_) < total) return {};
  }
  std::size_t at = pos;
  if (skip != 0) {
    std::memcpy(buffer_.get() + pos, &kSkip, sizeof kSkip);
    at = 0;
  }
  const std::uint64_t length = n;
  std::memcpy(buffer_.get() + at, &length, sizeof length);
  reserved_head_ = head + total;
  return {buffer_.get() + at + kHeader, n};
}

void SpscByteRing::commit() {
  local_head_ = reserved_head_;
  publish();
}

void SpscByteRing::publish() {
  if (published_head_ == local_head_) return;
  published_head_ = local_head_;
  head_.store(local_head_, std::memory_order_seq_cst);
  if (consumer_sleeping_.load(std::memory_order_seq_cst)) head_.notify_one();
}

std::span<const std::byte> SpscByteRing::try_peek() {
  std::uint64_t tail = tail_.load(std::memory_order_relaxed);
  if (cached_head_ == tail) {
    cached_head_ = head_.load(std::memory_order_acquire);
    if (cached_head_ == tail) return {};
  }
  std::size_t pos = static_cast<std::size_t>(tail & (capacity_ - 1));
  std::uint64_t length = 0;
  std::memcpy(&length, buffer_.get() + pos, sizeof length);
  if (length == kSkip) {
    // The producer wrote the skip marker and the record after it in one commit.
    tail += capacity_ - pos;
    pos = 0;
    std::memcpy(&length, buffer_.get(), sizeof length);
  }
  peeked_end_ = tail + padded(static_cast<std::size_t>(length));
  return {buffer_.get() + pos + kHeader, static_cast<std::size_t>(length)};
}

void SpscByteRing::release() {
  tail_.store(peeked_end_, std::memory_order_seq_cst);
  if (producer_sleeping_.load(std::memory_order_seq_cst) &&
      peeked_end_ >= producer_wake_tail_.load(std::memory_order_relaxed)) {
    tail_.notify_one();
  }
}

std::span<std::byte> SpscByteRing::reserve_wait(std::size_t n) {
  if (n == 0 || n > max_record()) return {};
  if (auto room = try_reserve(n); !room.empty()) return room;
  publish();  // the consumer cannot make room with records it does not see
  Backoff backoff;
  for (;;) {
    if (auto room = try_reserve(n); !room.empty()) return room;
    if (backoff.spin()) continue;
    // Dekker with release(): announce the sleep, then re-read tail_ (both seq_cst, as release()'s
    // store and load); a release() in between either is seen here or sees the flag and notifies
    // (once the tail has passed the wake mark, stored before the flag so that release() sees it
    // with the flag). The ring is full, so a quarter of it past cached_tail_ is records the
    // consumer holds: it gets there. The wait returns at once if tail_ has moved past `seen`.
    producer_wake_tail_.store(cached_tail_ + capacity_ / 4, std::memory_order_relaxed);
    producer_sleeping_.store(true, std::memory_order_seq_cst);
    const std::uint64_t seen = tail_.load(std::memory_order_seq_cst);
    cached_tail_ = seen;
    if (auto room = try_reserve(n); !room.empty()) {
      producer_sleeping_.store(false, std::memory_order_relaxed);
      return room;
    }
    tail_.wait(seen, std::memory_order_seq_cst);
    producer_sleeping_.store(false, std::memory_order_relaxed);
    backoff.reset();
  }
}

std::span<const std::byte> SpscByteRing::peek_wait() {
  Backoff backoff;
  for (;;) {
    if (auto rec = try_peek(); !rec.empty()) return rec;
    if (backoff.spin()) continue;
    // Dekker with publish(), as in reserve_wait.
    const std::uint64_t seen = head_.load(std::memory_order_seq_cst);
    consumer_sleeping_.store(true, std::memory_order_seq_cst);
    if (head_.load(std::memory_order_seq_cst) == seen && seen == tail_.load(std::memory_order_relaxed)) {
      head_.wait(seen, std::memory_order_seq_cst);
    }
    consumer_sleeping_.store(false, std::memory_order_relaxed);
    backoff.reset();
  }
}

}  // namespace normwatch::pipeline
