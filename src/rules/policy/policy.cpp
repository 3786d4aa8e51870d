// Policy: loading entry points, accessors, zone lookup, and the per-flow segmentation checks
// SG-01, SG-02, SG-05, SG-06, SG-07 (NORMS-AND-RULES.md §2.4, §3). The per-PDU checks are in
// check_pdu.cpp. Nothing here allocates unless a finding is written.
#include <algorithm>
#include <fstream>
#include <iterator>

#include "check_common.hpp"
#include "policy_data.hpp"
#include "protocol_names.hpp"

namespace normwatch::rules {

using detail::PolicyData;

std::string Diagnostic::to_string() const {
  std::string out = file.empty() ? std::string("<policy>") : file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out + ": " + message;
}

bool Zone::has_tag(std::string_view t) const { return std::find(tags.begin(), tags.end(), t) != tags.end(); }
bool Zone::has_role(std::string_view r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }

bool Conduit::open_at(core::Timestamp ts) const { return detail::window_open(*this, ts); }
bool Conduit::lists_master(const core::IpAddress& ip) const {
  return masters.empty() || std::find(masters.begin(), masters.end(), ip) != masters.end();
}
bool Conduit::carries(protocols::ProtocolId ics, std::string_view app_name) const {
  return detail::protocol_matches(protocol, ics, app_name);
}

Policy::Policy() = default;
Policy::~Policy() = default;

core::Result<std::unique_ptr<Policy>, std::vector<Diagnostic>> Policy::load(const std::string& path) {
  return load(path, PolicyLimits{});
}

core::Result<std::unique_ptr<Policy>, std::vector<Diagnostic>> Policy::load(const std::string& path,
                                                                           const PolicyLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::unexpected(std::vector<Diagnostic>{{path, 0, 0, "cannot open the policy file"}});
  // Read at most one byte past the limit, so that an oversized file is refused without reading it all.
  std::string bytes;
  std::array<char, 65536> buf{};
  while (in && bytes.size() <= limits.max_file_bytes) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    bytes.append(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return core::unexpected(std::vector<Diagnostic>{{path, 0, 0, "cannot read the policy file"}});
  return load_text(bytes, path, limits);
}

core::Result<std::unique_ptr<Policy>, std::vector<Diagnostic>> Policy::load_text(std::string_view yaml,
                                                                                const std::string& file_name,
                                                                                const PolicyLimits& limits) {
  std::unique_ptr<Policy> p(new Policy());
  p->impl_ = std::make_unique<Impl>(limits.rate_states);
  std::vector<Diagnostic> diags;
  if (!detail::load_policy(yaml, file_name, limits, p->impl_->data, diags)) {
    if (diags.empty()) diags.push_back({file_name, 0, 0, "invalid policy"});
    return core::unexpected(std::move(diags));
  }
  return p;
}

const PolicyMeta& Policy::meta() const { return impl_->data.meta; }
const std::vector<Zone>& Policy::zones() const { return impl_->data.zones; }
const std::vector<Conduit>& Policy::conduits() const { return impl_->data.conduits; }
const std::string& Policy::sha256() const { return impl_->data.sha256; }
const std::string& Policy::path() const { return impl_->data.path; }
const NormRuleSettings& Policy::norm_rules() const { return impl_->data.norm_rules; }

const Zone* Policy::zone_by_id(std::string_view id) const {
  const std::int32_t z = impl_->data.zone_index(id);
  return z >= 0 ? &impl_->data.zones[static_cast<std::size_t>(z)] : nullptr;
}

PolicyCounters Policy::counters() const {
  PolicyCounters c;
  c.rate_states_in_use = impl_->rates.in_use();
  c.rate_state_capacity = impl_->rates.capacity();
  c.rate_state_evictions = impl_->rates.evictions();
  return c;
}

const Zone* Policy::zone_of(const core::IpAddress& ip, std::uint16_t vlan,
                            const std::optional<std::array<std::uint8_t, 6>>& mac) const {
  const std::int32_t z = impl_->data.index.lookup(ip, vlan, mac).zone;
  return z >= 0 ? &impl_->data.zones[static_cast<std::size_t>(z)] : nullptr;
}

namespace {

using namespace detail;

// How the conduits of the flow's zone pair treat this flow.
struct FlowConduits {
  std::int32_t first = -1;          // first conduit of the pair whose protocol matches
  std::int32_t admitted = -1;       // first that lets the flow through (see check_flow)
  std::int32_t explicit_open = -1;  // first that names the protocol (not "any"), is open, admits the client
};

FlowConduits resolve(const PolicyData& d, std::int32_t cz, std::int32_t sz, const FlowFacts& flow,
                     core::Timestamp ts) {
  FlowConduits r;
  if (cz < 0 || sz < 0) return r;
  const bool ics = flow.ics != protocols::ProtocolId::unknown;
  const auto [lo, hi] = conduits_of(d, cz, sz);
  for (auto it = lo; it != hi; ++it) {
    const CompiledConduit& c = d.compiled[it->conduit];
    if (!protocol_matches(c.protocol, flow.ics, flow.app_name)) continue;
    const auto k = static_cast<std::int32_t>(it->conduit);
    if (r.first < 0) r.first = k;
    const bool master_ok = master_listed(c, flow.client_ip);
    const bool open = window_open(d.conduits[it->conduit], ts);
    // ICS flows: masters and windows are judged per PDU (POL-MASTER, POL-WINDOW), since one
    // session can outlive a window's start; other protocols are judged here, once.
    if (r.admitted < 0 && (ics || (master_ok && open))) r.admitted = k;
    if (r.explicit_open < 0 && c.protocol != "any" && master_ok && open) r.explicit_open = k;
  }
  return r;
}

std::string protocol_label(const FlowFacts& flow) {
  if (flow.ics != protocols::ProtocolId::unknown) return std::string(protocols::name(flow.ics));
  return flow.app_name.empty() ? std::string("unknown protocol") : std::string(flow.app_name);
}

}  // namespace

void Policy::check_flow(const FlowFacts& flow, bool ics_on_foreign_port, bool foreign_on_ics_port,
                        core::Timestamp ts, std::vector<PolicyFinding>& out) const {
  const PolicyData& d = impl_->data;
  const std::int32_t cz = d.index.lookup(flow.client_ip, flow.vlan, flow.client_mac).zone;
  const std::int32_t sz = d.index.lookup(flow.server_ip, flow.vlan, flow.server_mac).zone;
  const bool intra = cz == sz;
  const bool ics = flow.ics != protocols::ProtocolId::unknown;
  const bool into_control = !intra && sz >= 0 && d.flags[static_cast<std::size_t>(sz)].control;
  const FlowConduits fc = resolve(d, cz, sz, flow, ts);
  const auto conduit_clause = [&](std::int32_t k) { return "conduit " + d.conduits[static_cast<std::size_t>(k)].id; };
  const std::string_view default_clause = d.meta.default_deny ? "default: deny" : "default: allow";

  if (d.meta.default_deny && !intra && fc.admitted < 0) {
    std::string msg = describe_flow(d, flow, cz, sz) + " (" + protocol_label(flow) + ")";
    if (fc.first >= 0) {
      const Conduit& c = d.conduits[static_cast<std::size_t>(fc.first)];
      msg += master_listed(d.compiled[static_cast<std::size_t>(fc.first)], flow.client_ip)
                 ? ": conduit " + c.id + " is closed outside its windows"
                 : ": " + flow.client_ip.to_string() + " is not a master listed in conduit " + c.id;
    } else {
      msg += " matches no conduit";
    }
    add_finding(out, d, policy_rule::kNoConduit, fc.first >= 0 ? conduit_clause(fc.first) : std::string(default_clause),
                std::move(msg), cz, sz);
  }
  if (ics && into_control && (cz < 0 || d.flags[static_cast<std::size_t>(cz)].outside) && fc.explicit_open < 0) {
    add_finding(out, d, policy_rule::kIcsFromOutside,
                fc.admitted >= 0 ? conduit_clause(fc.admitted) : std::string(default_clause),
                std::string(protocols::name(flow.ics)) + " into control " + zone_label(d, sz) + " from " +
                    (cz < 0 ? std::string("an address in no zone") : "IT/external " + zone_label(d, cz)) + ": " +
                    describe_flow(d, flow, cz, sz),
                cz, sz);
  }
  if (into_control && fc.explicit_open < 0) {
    const std::string_view remote = remote_access_name(flow.app_name);
    const std::string_view transfer = file_transfer_name(flow.app_name);
    const std::string clause = fc.first >= 0 ? conduit_clause(fc.first) : std::string(default_clause);
    if (!remote.empty()) {
      add_finding(out, d, policy_rule::kRemoteAccess, clause,
                  "remote access (" + std::string(flow.app_name) + ") into control " + zone_label(d, sz) +
                      " outside any open conduit window naming it: " + describe_flow(d, flow, cz, sz),
                  cz, sz);
    }
    if (!transfer.empty()) {
      add_finding(out, d, policy_rule::kFileTransfer, clause,
                  "file transfer (" + std::string(flow.app_name) + ") into control " + zone_label(d, sz) +
                      " with no conduit naming it: " + describe_flow(d, flow, cz, sz),
                  cz, sz);
    }
  }
  if (ics_on_foreign_port || foreign_on_ics_port) {
    const std::string clause = fc.admitted >= 0 ? conduit_clause(fc.admitted)
                               : intra        ? "zone " + zone_label_id(d, cz)
                                              : std::string(default_clause);
    if (ics_on_foreign_port) {
      add_finding(out, d, policy_rule::kPortMismatch, clause,
                  std::string(protocols::name(flow.ics)) + " on port " + std::to_string(flow.server_port) +
                      ", not its registered port: " + describe_flow(d, flow, cz, sz),
                  cz, sz);
    }
    if (foreign_on_ics_port) {
      add_finding(out, d, policy_rule::kPortMismatch, clause,
                  "non-ICS payload (" + protocol_label(flow) + ") on ICS port " + std::to_string(flow.server_port) +
                      ": " + describe_flow(d, flow, cz, sz),
                  cz, sz);
    }
  }
}

}  // namespace normwatch::rules
