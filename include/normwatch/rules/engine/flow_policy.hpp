// What the site policy says about one conversation, worked out once per flow and then read by
// every rule that needs a policy: the zones of the master and outstation ends, whether the master
// is a listed master of a conduit covering the flow, the conduits (for maintenance windows), and
// whether a zone or site tag raises severity (NORMS-AND-RULES.md §1: indispensable,
// dangerous_forces, medical and safety raise it by one level).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "normwatch/core/ip_address.hpp"
#include "normwatch/core/timestamp.hpp"
#include "normwatch/protocols/common/protocol_id.hpp"
#include "normwatch/rules/policy.hpp"

namespace normwatch::rules::engine {

struct FlowPolicy {
  const Zone* master_zone = nullptr;
  const Zone* outstation_zone = nullptr;
  bool has_conduit = false;        // some conduit runs from the master's zone to the outstation's
  bool master_listed = false;      // ... and lists this master (or lists none: any host of `from`)
  bool any_windows = false;        // some conduit between the two zones (any protocol) has windows
  static constexpr std::size_t kMaxConduits = 4;
  std::array<const Conduit*, kMaxConduits> conduits{};  // conduits covering the flow
  std::uint8_t conduit_count = 0;
  // Severity raise (§1): the tag and where it was found ("site" or a zone id); empty: none.
  std::string_view raise_tag;
  std::string_view raise_where;
};

// Zone tags that raise severity by one level.
bool is_raising_tag(std::string_view tag);

// `master` opened or polls the conversation; `outstation` answers. `vlan` 0: untagged.
FlowPolicy describe_flow(const Policy& policy, const core::IpAddress& master, const core::IpAddress& outstation,
                         std::uint16_t vlan, protocols::ProtocolId protocol);

// The maintenance window of a covering conduit that contains `ts`, with its conduit; null if none.
struct WindowHit {
  const MaintenanceWindow* window = nullptr;
  const Conduit* conduit = nullptr;
};
WindowHit window_at(const FlowPolicy& flow, core::Timestamp ts);

// A direct-mapped cache of FlowPolicy by flow id (bounded: a colliding flow recomputes).
class FlowPolicyCache {
 public:
  explicit FlowPolicyCache(const Policy& policy) : policy_(policy) {}
  const FlowPolicy& get(std::uint64_t flow_id, const core::IpAddress& master, const core::IpAddress& outstation,
                        std::uint16_t vlan, protocols::ProtocolId protocol);
  std::uint64_t computed() const { return computed_; }

 private:
  struct Slot {
    bool used = false;
    std::uint64_t flow_id = 0;
    core::IpAddress master;
    protocols::ProtocolId protocol = protocols::ProtocolId::unknown;
    FlowPolicy value;
  };
  static constexpr std::size_t kSlots = 4096;
  const Policy& policy_;
  std::array<Slot, kSlots> slots_{};
  std::uint64_t computed_ = 0;
};

}  // namespace normwatch::rules::engine
