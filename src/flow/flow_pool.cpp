// FlowPool: chunked record storage, free list and per-timeout-class LRU lists (see flow_pool.hpp).
#include "flow_pool.hpp"

#include <algorithm>

namespace normwatch::flow {

FlowPool::FlowPool(std::size_t max_nodes) : max_nodes_(std::min<std::size_t>(max_nodes, kNoFlow - 1)) {
  heads_.fill(kNoFlow);
  tails_.fill(kNoFlow);
  chunks_.reserve((max_nodes_ + kChunkSize - 1) / kChunkSize);
}

std::uint32_t FlowPool::acquire() {
  if (free_head_ == kNoFlow) {
    if (allocated_ >= max_nodes_) return kNoFlow;
    // Only the last chunk may be partial, so that a small max_flows costs a small pool.
    const std::size_t n = std::min<std::size_t>(kChunkSize, max_nodes_ - allocated_);
    chunks_.push_back(std::make_unique<FlowNode[]>(n));
    // Push in reverse so records are handed out in ascending order (cache-friendly, predictable).
    for (std::size_t i = n; i-- > 0;) {
      const auto id = static_cast<std::uint32_t>(allocated_ + i);
      node(id).next = free_head_;
      free_head_ = id;
    }
    allocated_ += n;
  }
  const std::uint32_t id = free_head_;
  FlowNode& n = node(id);
  free_head_ = n.next;
  n.next = kNoFlow;
  n.prev = kNoFlow;
  ++in_use_;
  return id;
}

void FlowPool::release(std::uint32_t id) {
  FlowNode& n = node(id);
  n.flow = Flow{};
  n.hash = 0;
  n.cls = TimeoutClass::kCount;
  n.prev = kNoFlow;
  n.next = free_head_;
  free_head_ = id;
  --in_use_;
}

void FlowPool::unlink(std::uint32_t id) {
  FlowNode& n = node(id);
  if (n.cls == TimeoutClass::kCount) return;
  const auto c = static_cast<std::size_t>(n.cls);
  if (n.prev != kNoFlow) node(n.prev).next = n.next; else heads_[c] = n.next;
  if (n.next != kNoFlow) node(n.next).prev = n.prev; else tails_[c] = n.prev;
  n.prev = n.next = kNoFlow;
  n.cls = TimeoutClass::kCount;
}

void FlowPool::requeue(std::uint32_t id, TimeoutClass cls, std::int64_t now_ns) {
  FlowNode& n = node(id);
  n.queued_ns = now_ns;
  const auto c = static_cast<std::size_t>(cls);
  if (n.cls == cls && tails_[c] == id) return;
  unlink(id);
  n.cls = cls;
  n.prev = tails_[c];
  n.next = kNoFlow;
  if (tails_[c] != kNoFlow) node(tails_[c]).next = id; else heads_[c] = id;
  tails_[c] = id;
}

}  // namespace normwatch::flow
