// Site policy (NORMS-AND-RULES.md §3.3): zones matched by CIDR, VLAN, MAC or single addresses,
// each with a Purdue level, tags and roles; conduits {from, to, protocol, masters, allow, rate,
// windows, reason}; `default: deny`. Loaded once from YAML (errors carry file:line:column),
// compiled into lookup structures, then asked per flow and per ICS PDU which clause is broken.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/core/ip_address.hpp"
#include "normwatch/core/result.hpp"
#include "normwatch/core/timestamp.hpp"
#include "normwatch/protocols/common/protocol_id.hpp"
#include "normwatch/rules/facts.hpp"

namespace normwatch::rules {

// A problem in a rule or policy file, printed "file:line:column: message".
struct Diagnostic {
  std::string file;
  int line = 0;     // 1-based; 0 when unknown
  int column = 0;   // 1-based; 0 when unknown
  std::string message;
  std::string to_string() const;
};

struct Zone {
  std::string id;
  std::optional<double> purdue;         // 0, 1, 2, 3, 3.5 (IDMZ), 4, 5
  std::optional<int> sl_t;
  std::vector<std::string> tags;        // indispensable, dangerous_forces, medical, safety, ...
  std::vector<std::string> roles;       // engineering, time_master, ...
  bool is_default = false;              // match: {default: true}
  bool has_tag(std::string_view t) const;
  bool has_role(std::string_view r) const;
};

struct WriteRange {
  DataTable table = DataTable::none;
  std::uint32_t first = 0;
  std::uint32_t last = 0;
};

struct MaintenanceWindow {
  std::string ticket;
  core::Timestamp start;                // inclusive
  core::Timestamp end;                  // exclusive
};

struct Conduit {
  std::string id;
  std::string from;                     // zone id (initiator side)
  std::string to;                       // zone id
  std::string protocol;                 // canonical lower case: "modbus", "dnp3", "iec104", "any", or an
                                        // nDPI name ("ssh", "ntp"; aliases resolved, see README)
  std::vector<core::IpAddress> masters; // empty: any host of `from`
  std::vector<FunctionClass> classes;   // empty: every class
  std::vector<std::int64_t> units;      // empty: every unit / link address / common address
  std::vector<WriteRange> write_ranges; // empty: no address restriction
  std::optional<std::uint32_t> write_per_min;
  std::optional<std::uint32_t> commands_per_min;
  std::vector<MaintenanceWindow> windows;  // when set, the conduit is open only inside them
  std::string reason;

  // The semantics the checks use, for callers that look at conduits themselves.
  bool open_at(core::Timestamp ts) const;                    // no windows, or start <= ts < end of one
  bool lists_master(const core::IpAddress& ip) const;        // masters empty, or ip among them
  bool carries(protocols::ProtocolId ics, std::string_view app_name) const;  // protocol match, aliases
};

// `time:` is accepted and kept for the health rules (clock offset, SYS-01); the policy itself does
// not act on it.
struct TimeSettings {
  std::string source;                   // ptp, ntp, gps, pps, local, none ("" when absent)
  std::optional<double> max_offset_ms;
};

struct PolicyMeta {
  std::string id;
  std::string version;
  std::string approved_by;
  std::vector<std::string> site_tags;
  std::string sector;                   // site.sector ("" when absent)
  bool reason_required = false;         // policy.reason_required
  bool default_deny = true;             // `default: deny` (also when the key is absent)
  TimeSettings time;
};

// norm_rules.overrides[]: the engine applies these after loading rules/ (it owns the rule ids, so
// it reports an unknown id itself, at this line and column of policy_path()).
struct SeverityOverride {
  std::string rule_id;                  // "MB-07"
  std::string severity;                 // normalised: info, low, medium, high, critical
  int line = 0;                         // 1-based position of the override in the policy file
  int column = 0;
};

struct NormRuleSettings {
  std::string profile = "default";
  std::vector<SeverityOverride> overrides;
};

// Named, configurable limits of a loaded policy.
struct PolicyLimits {
  std::size_t rate_states = 4096;       // (conduit, master) rate counters kept at once
  std::size_t max_file_bytes = 4u << 20;  // larger policy files are refused
  std::size_t max_diagnostics = 200;    // after this many, one "too many errors" and stop
};

// Counters for health events.
struct PolicyCounters {
  std::size_t rate_states_in_use = 0;
  std::size_t rate_state_capacity = 0;
  std::uint64_t rate_state_evictions = 0;  // live counters dropped because the table was full
};

// The finding ids check_flow / check_pdu emit (PolicyFinding::rule_id).
namespace policy_rule {
inline constexpr std::string_view kNoConduit = "SG-01";
inline constexpr std::string_view kIcsFromOutside = "SG-02";
inline constexpr std::string_view kProgramFromNonEngineering = "SG-03";
inline constexpr std::string_view kRemoteAccess = "SG-05";
inline constexpr std::string_view kFileTransfer = "SG-06";
inline constexpr std::string_view kPortMismatch = "SG-07";
inline constexpr std::string_view kMaster = "POL-MASTER";
inline constexpr std::string_view kClass = "POL-CLASS";
inline constexpr std::string_view kUnit = "POL-UNIT";
inline constexpr std::string_view kRange = "POL-RANGE";
inline constexpr std::string_view kRate = "POL-RATE";
inline constexpr std::string_view kWindow = "POL-WINDOW";
}  // namespace policy_rule

// What the policy is asked about a flow (both ends as seen on the wire).
struct FlowFacts {
  core::IpAddress client_ip;
  std::uint16_t client_port = 0;
  core::IpAddress server_ip;
  std::uint16_t server_port = 0;
  std::uint16_t vlan = 0;
  std::optional<std::array<std::uint8_t, 6>> client_mac;
  std::optional<std::array<std::uint8_t, 6>> server_mac;
  std::uint8_t ip_proto = 0;
  protocols::ProtocolId ics = protocols::ProtocolId::unknown;
  std::string_view app_name;            // nDPI's or the ICS parser's name
};

// A broken clause: which SG-/policy rule, which clause, and a sentence for the event.
struct PolicyFinding {
  std::string rule_id;                  // "SG-01", "SG-02", "SG-03", "SG-05", "SG-06", "SG-07",
                                        // "POL-CLASS", "POL-MASTER", "POL-UNIT", "POL-RANGE", "POL-RATE", "POL-WINDOW"
  std::string clause;                   // conduit id, or "default: deny"
  std::string message;
  const Zone* source_zone = nullptr;
  const Zone* destination_zone = nullptr;
};

class Policy {
 public:
  // Loads and validates a policy file. All problems are reported, not just the first.
  static core::Result<std::unique_ptr<Policy>, std::vector<Diagnostic>> load(const std::string& path);
  static core::Result<std::unique_ptr<Policy>, std::vector<Diagnostic>> load(const std::string& path,
                                                                             const PolicyLimits& limits);
  // The same from text in memory; `file_name` is what diagnostics name (tests, the fuzz target).
  static core::Result<std::unique_ptr<Policy>, std::vector<Diagnostic>> load_text(
      std::string_view yaml, const std::string& file_name, const PolicyLimits& limits = {});
  ~Policy();

  const PolicyMeta& meta() const;
  const std::vector<Zone>& zones() const;
  const std::vector<Conduit>& conduits() const;
  const std::string& sha256() const;    // of the file's bytes, for health events and reports
  const std::string& path() const;      // as given to load()
  const NormRuleSettings& norm_rules() const;
  const Zone* zone_by_id(std::string_view id) const;
  PolicyCounters counters() const;

  // The zone of one end: exact ip > MAC > longest CIDR prefix > VLAN > the default zone; nullptr
  // when nothing matches and no zone is the default. vlan 0 means untagged. No allocation.
  const Zone* zone_of(const core::IpAddress& ip, std::uint16_t vlan,
                      const std::optional<std::array<std::uint8_t, 6>>& mac) const;

  // Once per flow, when its application protocol is known: SG-01 (no conduit), SG-02 (ICS into
  // Level 0-2 from an IT/external zone), SG-05 (remote access into a control zone), SG-06 (file
  // transfer protocol into a control zone), SG-07 (ICS port without ICS, ICS off its port).
  void check_flow(const FlowFacts& flow, bool ics_on_foreign_port, bool foreign_on_ics_port,
                  core::Timestamp ts, std::vector<PolicyFinding>& out) const;

  // Per ICS PDU from the master side: class not allowed, master not listed, unit not allowed,
  // write outside ranges, rate over the conduit's limit, outside every maintenance window, SG-03.
  // Keeps bounded per-conduit rate state (hence non-const).
  void check_pdu(const FlowFacts& flow, const PduFacts& pdu, core::Timestamp ts, std::vector<PolicyFinding>& out);

 private:
  Policy();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace normwatch::rules
