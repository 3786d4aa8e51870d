// FrameRing (frame_ring.hpp): a slab of fixed-size frame slots linked twice, once in allocation
// order (the oldest goes when the slab is full) and once per conversation (its frames in order).
#include "normwatch/evidence/frame_ring.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <tuple>

namespace normwatch::evidence {

ConversationKey make_conversation_key(const core::IpAddress& a, std::uint16_t a_port, const core::IpAddress& b,
                                      std::uint16_t b_port, std::uint8_t ip_proto, std::uint16_t vlan) {
  ConversationKey k;
  k.ip_proto = ip_proto;
  k.vlan = vlan;
  const bool a_low = std::tie(a, a_port) <= std::tie(b, b_port);
  k.low_ip = a_low ? a : b;
  k.low_port = a_low ? a_port : b_port;
  k.high_ip = a_low ? b : a;
  k.high_port = a_low ? b_port : a_port;
  return k;
}

std::size_t ConversationKeyHash::operator()(const ConversationKey& k) const noexcept {
  // FNV-1a over the fields: the map is keyed on the full key, this only spreads it.
  std::uint64_t h = 1469598103934665603ULL;
  const auto mix = [&h](std::uint8_t byte) {
    h ^= byte;
    h *= 1099511628211ULL;
  };
  for (const std::uint8_t b : k.low_ip.bytes) mix(b);
  for (const std::uint8_t b : k.high_ip.bytes) mix(b);
  mix(static_cast<std::uint8_t>(k.low_port));
  mix(static_cast<std::uint8_t>(k.low_port >> 8));
  mix(static_cast<std::uint8_t>(k.high_port));
  mix(static_cast<std::uint8_t>(k.high_port >> 8));
  mix(k.ip_proto);
  mix(static_cast<std::uint8_t>(k.vlan));
  mix(static_cast<std::uint8_t>(k.vlan >> 8));
  return static_cast<std::size_t>(h);
}

FrameRing::FrameRing(std::size_t memory_bytes, std::size_t snap_bytes, std::size_t per_flow)
    : snap_(std::max<std::size_t>(snap_bytes, 64)), per_flow_(std::max<std::size_t>(per_flow, 1)) {
  const std::size_t count = std::min<std::size_t>(memory_bytes / (snap_ + sizeof(Slot)),
                                                  std::numeric_limits<std::uint32_t>::max() - 1);
  data_.resize(count * snap_);
  slots_.resize(count);
  // A conversation holds at least one slot, so there are never more conversations than slots
  // (plus the one being added while the last slot is taken from another).
  flows_.resize(count + 1);
  free_slots_.reserve(count);
  for (std::size_t i = count; i > 0; --i) free_slots_.push_back(static_cast<std::uint32_t>(i - 1));
  free_flows_.reserve(count + 1);
  for (std::size_t i = count + 1; i > 0; --i) free_flows_.push_back(static_cast<std::uint32_t>(i - 1));
  index_.reserve(count + 1);
}

void FrameRing::unlink_global(std::uint32_t s) {
  Slot& slot = slots_[s];
  if (slot.older != kNone) slots_[slot.older].newer = slot.newer; else oldest_ = slot.newer;
  if (slot.newer != kNone) slots_[slot.newer].older = slot.older; else newest_ = slot.older;
  slot.older = slot.newer = kNone;
}

// Takes the conversation's oldest frame out of both lists; the slot is the caller's.
void FrameRing::drop_oldest_of_flow(std::uint32_t f) {
  Flow& flow = flows_[f];
  const std::uint32_t s = flow.oldest;
  flow.oldest = slots_[s].flow_newer;
  if (flow.oldest == kNone) flow.newest = kNone;
  --flow.count;
  unlink_global(s);
  slots_[s].flow = kNone;
  slots_[s].flow_newer = kNone;
}

std::uint32_t FrameRing::take_slot(std::uint32_t f) {
  if (flows_[f].count >= per_flow_) {
    const std::uint32_t s = flows_[f].oldest;
    drop_oldest_of_flow(f);
    return s;
  }
  if (!free_slots_.empty()) {
    const std::uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  const std::uint32_t s = oldest_;
  const std::uint32_t owner = slots_[s].flow;
  drop_oldest_of_flow(owner);
  if (owner != f) {
    ++counters_.evicted;
    if (flows_[owner].count == 0) {
      index_.erase(flows_[owner].key);
      free_flows_.push_back(owner);
    }
  }
  return s;
}

void FrameRing::add(const ConversationKey& key, const capture::RawFrame& frame) {
  if (slots_.empty()) return;
  std::uint32_t f = kNone;
  if (const auto it = index_.find(key); it != index_.end()) {
    f = it->second;
  } else {
    f = free_flows_.back();
    free_flows_.pop_back();
    flows_[f] = Flow{key, kNone, kNone, 0};
    index_.emplace(key, f);
  }
  const std::uint32_t s = take_slot(f);
  Slot& slot = slots_[s];
  const std::size_t caplen = std::min(frame.bytes.size(), snap_);
  if (caplen < frame.bytes.size()) ++counters_.frames_cut;
  if (caplen > 0) std::memcpy(data_.data() + static_cast<std::size_t>(s) * snap_, frame.bytes.data(), caplen);
  slot.ts = frame.ts;
  slot.frame_no = frame.frame_no;
  slot.wire_len = std::max<std::uint32_t>(frame.wire_len, static_cast<std::uint32_t>(frame.bytes.size()));
  slot.caplen = static_cast<std::uint32_t>(caplen);
  slot.flow = f;
  slot.flow_newer = kNone;
  slot.newer = kNone;
  slot.older = newest_;
  if (newest_ != kNone) slots_[newest_].newer = s; else oldest_ = s;
  newest_ = s;
  Flow& flow = flows_[f];
  if (flow.newest != kNone) slots_[flow.newest].flow_newer = s; else flow.oldest = s;
  flow.newest = s;
  ++flow.count;
  ++counters_.frames_kept;
  counters_.conversations = index_.size();
}

std::size_t FrameRing::for_each(const ConversationKey& key, const std::function<void(const StoredFrame&)>& fn) const {
  const auto it = index_.find(key);
  if (it == index_.end()) return 0;
  std::size_t n = 0;
  for (std::uint32_t s = flows_[it->second].oldest; s != kNone; s = slots_[s].flow_newer) {
    const Slot& slot = slots_[s];
    fn(StoredFrame{slot.ts, slot.frame_no, slot.wire_len,
                   std::span<const std::byte>(data_.data() + static_cast<std::size_t>(s) * snap_, slot.caplen)});
    ++n;
  }
  return n;
}

}  // namespace normwatch::evidence
