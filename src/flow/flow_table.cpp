// FlowTable: find-or-create of flows, counters, state-dependent idle timeouts, the max_flows cap
// with longest-idle eviction, and flush at end of capture. ARCHITECTURE.md "flow"; memory is
// bounded by max_flows records plus an index of at most 2 * max_flows slots.
#include "normwatch/flow/flow_table.hpp"

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "normwatch/core/prefetch.hpp"

#include "flow_index.hpp"
#include "flow_key_inline.hpp"
#include "flow_pool.hpp"
#include "tcp_tracking.hpp"

namespace normwatch::flow {

struct FlowTable::Impl {
  explicit Impl(const FlowTableLimits& limits)
      : pool(std::max<std::size_t>(1, limits.max_flows)), index(std::max<std::size_t>(1, limits.max_flows)) {}

  FlowPool pool;
  FlowIndex index;
  std::uint64_t seed = 0;
  std::uint64_t next_id = 1;
  std::array<std::int64_t, kTimeoutClassCount> timeouts{};
};

namespace {

// Full-key equality with word loads (operator== calls memcmp for the address arrays).
bool same_key(const FlowKey& x, const FlowKey& y) {
  const auto words = [](const core::IpAddress& a, std::size_t i) {
    std::uint64_t w = 0;
    std::memcpy(&w, a.bytes.data() + 8 * i, sizeof w);
    return w;
  };
  return x.port_a == y.port_a && x.port_b == y.port_b && x.ip_proto == y.ip_proto && x.vlan == y.vlan &&
         x.addr_a.family == y.addr_a.family && x.addr_b.family == y.addr_b.family &&
         words(x.addr_a, 0) == words(y.addr_a, 0) && words(x.addr_a, 1) == words(y.addr_a, 1) &&
         words(x.addr_b, 0) == words(y.addr_b, 0) && words(x.addr_b, 1) == words(y.addr_b, 1);
}

std::uint64_t random_seed() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

FlowTable::FlowTable(FlowTableLimits limits, FlowEndHandler* handler)
    : impl_(std::make_unique<Impl>(limits)), limits_(limits), handler_(handler) {
  impl_->seed = limits.hash_seed != 0 ? limits.hash_seed : random_seed();
  impl_->timeouts = {limits.tcp_half_open_timeout_ns, limits.tcp_established_timeout_ns,
                     limits.tcp_closing_timeout_ns,   limits.tcp_closed_timeout_ns,
                     limits.udp_timeout_ns,           limits.other_timeout_ns};
}

FlowTable::~FlowTable() = default;

std::size_t FlowTable::size() const { return impl_->pool.in_use(); }

void FlowTable::end_flow(std::uint32_t id, FlowEndReason reason) {
  FlowNode& node = impl_->pool.node(id);
  // The handler sees the record intact; it is reset only afterwards.
  if (handler_ != nullptr) handler_->on_flow_end(node.flow, reason);
  switch (reason) {
    case FlowEndReason::idle_timeout: ++counters_.expired; break;
    case FlowEndReason::evicted: ++counters_.evicted; break;
    case FlowEndReason::closed: ++counters_.closed; break;
    case FlowEndReason::end_of_capture: break;
  }
  impl_->pool.unlink(id);
  impl_->index.erase(node.hash, id);
  impl_->pool.release(id);
  --counters_.active;
}

std::uint32_t FlowTable::pick_victim() const {
  const FlowPool& pool = impl_->pool;
  // Closed and half-open flows go first: a SYN sweep then displaces only its own kind and the
  // established (ICS) sessions survive. Otherwise the longest idle across the other classes.
  for (TimeoutClass c : {TimeoutClass::closed, TimeoutClass::half_open}) {
    if (pool.oldest(c) != kNoFlow) return pool.oldest(c);
  }
  std::uint32_t victim = kNoFlow;
  for (TimeoutClass c : {TimeoutClass::closing, TimeoutClass::udp, TimeoutClass::other, TimeoutClass::established}) {
    const std::uint32_t id = pool.oldest(c);
    if (id == kNoFlow) continue;
    if (victim == kNoFlow || pool.node(id).flow.last_seen < pool.node(victim).flow.last_seen) victim = id;
  }
  return victim;
}

std::uint32_t FlowTable::create(const KeyedPacket& keyed, std::uint64_t hash, const decode::DecodedPacket& packet) {
  if (impl_->pool.in_use() >= std::max<std::size_t>(1, limits_.max_flows)) {
    const std::uint32_t victim = pick_victim();
    if (victim != kNoFlow) end_flow(victim, FlowEndReason::evicted);
  }
  const std::uint32_t id = impl_->pool.acquire();
  if (id == kNoFlow) return kNoFlow;  // cannot happen: a full pool always has a victim
  FlowNode& node = impl_->pool.node(id);
  node.hash = hash;
  Flow& flow = node.flow;
  flow.key = keyed.key;
  flow.id = impl_->next_id++;
  flow.first_seen = packet.ts;
  flow.last_seen = packet.ts;
  flow.first_frame_no = packet.reassembled && packet.first_frame_no != 0 ? packet.first_frame_no : packet.frame_no;
  decide_client(flow, keyed.direction, packet);
  impl_->index.insert(hash, id);

  ++counters_.created;
  ++counters_.active;
  counters_.peak_active = std::max(counters_.peak_active, counters_.active);
  if (flow.is_tcp()) ++counters_.tcp_flows;
  if (flow.is_udp()) ++counters_.udp_flows;
  return id;
}

FlowLookup FlowTable::track(const decode::DecodedPacket& packet) {
  if (packet.src_ip.family == core::IpFamily::none) return {};
  const KeyedPacket keyed = detail::keyed_packet(packet);
  const std::uint64_t hash = detail::index_hash(keyed.key, impl_->seed);
  FlowPool& pool = impl_->pool;
  std::uint32_t id = impl_->index.find(hash, [&](std::uint32_t i) { return same_key(pool.node(i).flow.key, keyed.key); });

  if (id != kNoFlow && starts_new_connection(pool.node(id).flow, packet)) {
    end_flow(id, FlowEndReason::closed);  // port reuse: the old connection is over
    id = kNoFlow;
  }
  const bool created = id == kNoFlow;
  if (created) {
    id = create(keyed, hash, packet);
    if (id == kNoFlow) return {};
  }

  Flow& flow = pool.node(id).flow;
  // The caller goes to the flow's extension next; with many flows in turn it is rarely cached,
  // so its load starts now, while the counters and timers below are updated.
  core::prefetch_object<FlowExtension::kHotBytes>(flow.extension.get());
  FlowSide& side = flow.side(keyed.direction);
  ++side.packets;
  side.bytes += packet.ip_packet.empty() ? packet.wire_len : packet.ip_packet.size();
  side.payload_bytes += packet.payload.size();
  // Keep last_seen monotonic so the LRU lists stay ordered when capture time steps back.
  if (flow.last_seen < packet.ts) flow.last_seen = packet.ts;
  if (packet.transport == decode::Transport::tcp) {
    remember_syn(flow, packet);
    update_tcp_state(flow, keyed.direction, packet.tcp.flags);
  }
  pool.touch(id, timeout_class(flow), flow.last_seen.ns);
  return FlowLookup{&flow, keyed.direction, created};
}

void FlowTable::expire(core::Timestamp now) {
  FlowPool& pool = impl_->pool;
  for (std::size_t c = 0; c < kTimeoutClassCount; ++c) {
    const auto cls = static_cast<TimeoutClass>(c);
    const FlowEndReason reason = cls == TimeoutClass::closed ? FlowEndReason::closed : FlowEndReason::idle_timeout;
    // Stop at the first flow that is not idle long enough. The lists are ordered to within
    // FlowPool::kRequeueNs, so a flow behind it ends at most that late.
    for (std::uint32_t id = pool.oldest(cls); id != kNoFlow; id = pool.oldest(cls)) {
      if (now.ns - pool.node(id).flow.last_seen.ns <= impl_->timeouts[c]) break;
      end_flow(id, reason);
    }
  }
}

void FlowTable::flush(FlowEndReason reason) {
  // End of capture, not the hot path: collect and end in creation order so output is deterministic.
  FlowPool& pool = impl_->pool;
  std::vector<std::uint32_t> ids;
  ids.reserve(pool.in_use());
  for (std::size_t c = 0; c < kTimeoutClassCount; ++c) {
    const auto cls = static_cast<TimeoutClass>(c);
    for (std::uint32_t id = pool.oldest(cls); id != kNoFlow; id = pool.node(id).next) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end(),
            [&](std::uint32_t x, std::uint32_t y) { return pool.node(x).flow.id < pool.node(y).flow.id; });
  for (std::uint32_t id : ids) end_flow(id, reason);
}

}  // namespace normwatch::flow
