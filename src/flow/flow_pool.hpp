// FlowPool: flow records in chunks allocated lazily up to max_flows, a free list that reuses ended
// records, and one intrusive least-recently-used list per timeout class, so that expiry and
// eviction look only at list heads (O(ended flows), nothing when nothing expires).
// The lists are lazy: a busy flow is moved to the newest end at most once per kRequeueNs of
// capture time (moving touches two neighbouring records, often cache misses), so list order is
// last-seen order to within kRequeueNs, and expiry and eviction are exact to within that too.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "flow_index.hpp"
#include "normwatch/flow/flow.hpp"

namespace normwatch::flow {

enum class TimeoutClass : std::uint8_t { half_open, established, closing, closed, udp, other, kCount };
inline constexpr std::size_t kTimeoutClassCount = static_cast<std::size_t>(TimeoutClass::kCount);

struct FlowNode {
  Flow flow;
  std::uint64_t hash = 0;           // the index hash, kept for erase
  std::int64_t queued_ns = 0;       // capture time when last moved to the newest end
  std::uint32_t prev = kNoFlow;     // LRU links within the class list (or free list via next)
  std::uint32_t next = kNoFlow;
  TimeoutClass cls = TimeoutClass::kCount;  // kCount: free
};

class FlowPool {
 public:
  explicit FlowPool(std::size_t max_nodes);

  // A free record id, growing the pool by one chunk if needed; kNoFlow when max_nodes are in use.
  std::uint32_t acquire();
  // Resets the record (destroying its extension) and puts it on the free list. Unlink first.
  void release(std::uint32_t id);

  FlowNode& node(std::uint32_t id) { return chunks_[id >> kChunkShift][id & kChunkMask]; }
  const FlowNode& node(std::uint32_t id) const { return chunks_[id >> kChunkShift][id & kChunkMask]; }

  static constexpr std::int64_t kRequeueNs = 1'000'000'000;

  // Moves (or adds) the record to the newest end of class `cls`, unless it is already in that
  // class and was queued less than kRequeueNs before `now_ns`.
  void touch(std::uint32_t id, TimeoutClass cls, std::int64_t now_ns) {
    const FlowNode& n = node(id);
    if (n.cls == cls && now_ns - n.queued_ns < kRequeueNs) return;  // most packets: inline
    requeue(id, cls, now_ns);
  }
  void unlink(std::uint32_t id);
  std::uint32_t oldest(TimeoutClass cls) const { return heads_[static_cast<std::size_t>(cls)]; }

  std::size_t in_use() const { return in_use_; }
  std::size_t allocated() const { return allocated_; }

 private:
  void requeue(std::uint32_t id, TimeoutClass cls, std::int64_t now_ns);

  static constexpr unsigned kChunkShift = 10;
  static constexpr std::uint32_t kChunkSize = 1u << kChunkShift;
  static constexpr std::uint32_t kChunkMask = kChunkSize - 1;

  std::vector<std::unique_ptr<FlowNode[]>> chunks_;
  std::size_t max_nodes_;
  std::size_t allocated_ = 0;
  std::size_t in_use_ = 0;
  std::uint32_t free_head_ = kNoFlow;
  std::array<std::uint32_t, kTimeoutClassCount> heads_;
  std::array<std::uint32_t, kTimeoutClassCount> tails_;
};

}  // namespace normwatch::flow
