// Site policy (NORMS-AND-RULES.md §3.3): zones matched by CIDR, VLAN, MAC or single addresses,
// each with a Purdue level, tags and roles; conduits {from, to, protocol, masters, allow, rate,
// windows, reason}; `default: deny`. Loaded once from YAML (errors carry file:line:column),
// compiled into lookup structures, then asked per flow and per ICS PDU which clause is broken.
#pragma once

#include <array>
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
  core::Timestamp start;
  core::Timestamp end;
};

struct Conduit {
  std::string id;
  std::string from;                     // zone id (initiator side)
  std::string to;                       // zone id
  std::string protocol;                 // "modbus", "dnp3", "iec104", "any", or an nDPI name ("SSH")
  std::vector<core::IpAddress> masters; // empty: any host of `from`
  std::vector<FunctionClass> classes;   // empty: every class
  std::vector<std::int64_t> units;      // empty: every unit / link address / common address
  std::vector<WriteRange> write_ranges; // empty: no address restriction
  std::optional<std::uint32_t> write_per_min;
  std::optional<std::uint32_t> commands_per_min;
  std::vector<MaintenanceWindow> windows;  // when set, the conduit is open only inside them
  std::string reason;
};

struct PolicyMeta {
  std::string id;
  std::string version;
  std::string approved_by;
  std::vector<std::string> site_tags;
};

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
  ~Policy();

  const PolicyMeta& meta() const;
  const std::vector<Zone>& zones() const;
  const std::vector<Conduit>& conduits() const;
  const std::string& sha256() const;    // of the file's bytes, for health events and reports

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
