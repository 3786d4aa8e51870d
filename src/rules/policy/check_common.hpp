// Helpers shared by the flow checks (policy.cpp) and the PDU checks (check_pdu.cpp): conduit
// lookup by zone pair, master and window tests, and the wording of findings.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy_data.hpp"

namespace normwatch::rules::detail {

// The conduits declared from zone `from` to zone `to` (a sorted range of by_pair).
inline std::pair<std::vector<ConduitKey>::const_iterator, std::vector<ConduitKey>::const_iterator> conduits_of(
    const PolicyData& d, std::int32_t from, std::int32_t to) {
  const auto lo = std::lower_bound(d.by_pair.begin(), d.by_pair.end(), ConduitKey{from, to, 0});
  auto hi = lo;
  while (hi != d.by_pair.end() && hi->from == from && hi->to == to) ++hi;
  return {lo, hi};
}

inline bool master_listed(const CompiledConduit& c, const core::IpAddress& ip) {
  return c.masters.empty() || std::binary_search(c.masters.begin(), c.masters.end(), ip);
}

// A conduit without windows is always open; with windows, only inside one (start <= ts < end).
inline bool window_open(const Conduit& c, core::Timestamp ts) {
  if (c.windows.empty()) return true;
  return std::any_of(c.windows.begin(), c.windows.end(),
                     [ts](const MaintenanceWindow& w) { return w.start <= ts && ts < w.end; });
}

inline std::string zone_label_id(const PolicyData& d, std::int32_t z) {
  return z >= 0 ? d.zones[static_cast<std::size_t>(z)].id : std::string("(no zone)");
}

inline std::string zone_label(const PolicyData& d, std::int32_t z) {
  return z >= 0 ? "zone " + d.zones[static_cast<std::size_t>(z)].id : std::string("no zone");
}

inline std::string describe_flow(const PolicyData& d, const FlowFacts& f, std::int32_t cz, std::int32_t sz) {
  return core::format_endpoint(f.client_ip, f.client_port) + " (" + zone_label_id(d, cz) + ") -> " +
         core::format_endpoint(f.server_ip, f.server_port) + " (" + zone_label_id(d, sz) + ")";
}

inline void add_finding(std::vector<PolicyFinding>& out, const PolicyData& d, std::string_view rule,
                        std::string clause, std::string message, std::int32_t cz, std::int32_t sz) {
  PolicyFinding f;
  f.rule_id = std::string(rule);
  f.clause = std::move(clause);
  f.message = std::move(message);
  f.source_zone = cz >= 0 ? &d.zones[static_cast<std::size_t>(cz)] : nullptr;
  f.destination_zone = sz >= 0 ? &d.zones[static_cast<std::size_t>(sz)] : nullptr;
  out.push_back(std::move(f));
}

}  // namespace normwatch::rules::detail
