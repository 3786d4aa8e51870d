// FlowPolicy: the policy's view of one conversation (zones, covering conduits, listed master,
// severity-raising tags), computed once per flow through a bounded direct-mapped cache.
#include "normwatch/rules/engine/flow_policy.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace normwatch::rules::engine {

namespace {

// NORMS-AND-RULES.md §1: AP I art. 54(2) (indispensable), art. 56(1) (dangerous forces), the
// medical-unit rules, and safety instrumented systems.
constexpr std::array<std::string_view, 4> kRaisingTags{"indispensable", "dangerous_forces", "medical", "safety"};

bool between(const Conduit& c, const Zone* from, const Zone* to) {
  return from != nullptr && to != nullptr && c.from == from->id && c.to == to->id;
}

const std::string* raising_tag_of(const std::vector<std::string>& tags) {
  for (const auto& t : tags) {
    if (is_raising_tag(t)) return &t;
  }
  return nullptr;
}

}  // namespace

bool is_raising_tag(std::string_view tag) {
  return std::find(kRaisingTags.begin(), kRaisingTags.end(), tag) != kRaisingTags.end();
}

FlowPolicy describe_flow(const Policy& policy, const core::IpAddress& master, const core::IpAddress& outstation,
                         std::uint16_t vlan, protocols::ProtocolId protocol) {
  FlowPolicy f;
  f.master_zone = policy.zone_of(master, vlan, std::nullopt);
  f.outstation_zone = policy.zone_of(outstation, vlan, std::nullopt);
  for (const Conduit& c : policy.conduits()) {
    if (!between(c, f.master_zone, f.outstation_zone)) continue;
    f.any_windows = f.any_windows || !c.windows.empty();
    if (!c.carries(protocol, {})) continue;
    f.has_conduit = true;
    if (f.conduit_count < FlowPolicy::kMaxConduits) f.conduits[f.conduit_count++] = &c;
    if (c.lists_master(master)) f.master_listed = true;
  }
  // The outstation's zone first (it is what a command acts on), then the master's, then the site.
  for (const Zone* z : {f.outstation_zone, f.master_zone}) {
    if (z == nullptr || !f.raise_tag.empty()) continue;
    if (const auto* t = raising_tag_of(z->tags)) {
      f.raise_tag = *t;
      f.raise_where = z->id;
    }
  }
  if (f.raise_tag.empty()) {
    if (const auto* t = raising_tag_of(policy.meta().site_tags)) {
      f.raise_tag = *t;
      f.raise_where = "site";
    }
  }
  return f;
}

WindowHit window_at(const FlowPolicy& flow, core::Timestamp ts) {
  for (std::size_t i = 0; i < flow.conduit_count; ++i) {
    const Conduit* c = flow.conduits[i];
    if (c->windows.empty() || !c->open_at(ts)) continue;
    for (const auto& w : c->windows) {
      if (ts >= w.start && ts < w.end) return {&w, c};
    }
  }
  return {};
}

namespace {
bool same_address(const core::IpAddress& a, const core::IpAddress& b) {
  std::uint64_t x[2];
  std::uint64_t y[2];
  std::memcpy(x, a.bytes.data(), 16);
  std::memcpy(y, b.bytes.data(), 16);
  return x[0] == y[0] && x[1] == y[1] && a.family == b.family;
}
}  // namespace

const FlowPolicy& FlowPolicyCache::get(std::uint64_t flow_id, const core::IpAddress& master,
                                       const core::IpAddress& outstation, std::uint16_t vlan,
                                       protocols::ProtocolId protocol) {
  Slot& s = slots_[flow_id % kSlots];
  if (!s.used || s.flow_id != flow_id || s.protocol != protocol || !same_address(s.master, master)) {
    s.used = true;
    s.flow_id = flow_id;
    s.master = master;
    s.protocol = protocol;
    s.value = describe_flow(policy_, master, outstation, vlan, protocol);
    ++computed_;
  }
  return s.value;
}

}  // namespace normwatch::rules::engine
