// Norm rules as loaded from rules/*.yaml (NORMS-AND-RULES.md §2): the identity and metadata every
// event carries (id, version, name, kind, severity, ATT&CK, norm tags, benign explanations) and one
// or more clauses. A clause is a declarative match on a PDU's facts, on a parser anomaly's name or
// on a policy finding, optionally counted by a threshold (N in a window per key) or capped by a
// limit. rules/README.md documents every field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/events/event.hpp"
#include "normwatch/protocols/common/protocol_id.hpp"

namespace normwatch::rules::engine {

// A set of integers given as values and inclusive ranges ("15-16", [5, 6, 15]).
class ValueSet {
 public:
  struct Range {
    std::int64_t lo = 0;
    std::int64_t hi = 0;
  };
  void add(std::int64_t lo, std::int64_t hi);
  bool contains(std::int64_t v) const {
    for (const Range& r : ranges_) {
      if (v >= r.lo && v <= r.hi) return true;
    }
    return false;
  }
  bool empty() const { return ranges_.empty(); }
  const std::vector<Range>& ranges() const { return ranges_; }
  // "5, 6, 15-16" (for README tables and messages).
  std::string to_string(bool hex = false) const;

 private:
  std::vector<Range> ranges_;
};

// Which way a PDU went: requests and commands come from the master (Modbus client, DNP3 master,
// IEC 104 controlling station); responses, unsolicited reports and confirmations from the other end.
enum class Direction : std::uint8_t { any, from_master, from_outstation };

// What a threshold or limit counts per: the PDU's sender or receiver address, the flow, the
// (sender, receiver) pair, or the master or outstation end of the conversation.
enum class KeyBy : std::uint8_t { source, destination, flow, pair, master, outstation };

// What a distinct-count threshold counts: different addresses (register, point index, IOA), units,
// senders, receivers or function codes.
enum class DistinctField : std::uint8_t { none, address, unit, source, destination, function };

inline constexpr std::uint32_t kMaxDistinct = 16;   // distinct values a threshold can count up to
inline constexpr std::uint32_t kMaxEvidence = 8;    // frame numbers kept per threshold key

struct Threshold {
  std::uint32_t count = 1;          // fire when the count reaches this within the window
  std::int64_t window_ns = 0;
  KeyBy by = KeyBy::source;
  DistinctField distinct = DistinctField::none;
};

// At most `count` events per window per key (floods of anomalies stay readable).
struct Limit {
  std::uint32_t count = 1;
  std::int64_t window_ns = 0;
  KeyBy by = KeyBy::flow;
};

enum class Tri : std::uint8_t { any, yes, no };

struct Match {
  protocols::ProtocolId protocol = protocols::ProtocolId::unknown;  // unknown: any protocol
  Direction direction = Direction::any;
  std::optional<ValueSet> function;   // Modbus FC / DNP3 application FC / IEC 104 type id; -1 = none
  std::optional<ValueSet> sub;        // Modbus FC8 sub / FC43 MEI / FC90 UMAS code; IEC 104 U function
  std::optional<ValueSet> exception;  // Modbus exception code
  std::optional<ValueSet> unit;       // Modbus unit, DNP3 destination, IEC 104 common address
  std::optional<ValueSet> cot;        // IEC 104 cause of transmission
  std::optional<ValueSet> qualifier;  // IEC 104 QRP/QOI/SCO...; DNP3 CROB control code
  std::optional<ValueSet> address;    // first address / point index / IOA concerned
  std::optional<ValueSet> group;      // DNP3: some object header of this group
  std::optional<ValueSet> variation;  // DNP3: ... and of this variation (with group)
  Tri broadcast = Tri::any;
  Tri malformed = Tri::any;
  std::uint16_t iin_any = 0;          // DNP3: some of these IIN bits set (IIN1 << 8 | IIN2)
  std::uint32_t classes = 0;          // bit per rules::FunctionClass; 0: any
  std::vector<std::string> anomalies; // parser anomaly names; "dnp3.*" matches a prefix
  std::vector<std::string> policy_findings;  // PolicyFinding::rule_id ("SG-01", "POL-RANGE")
  std::vector<std::string> internal;  // the engine's own conditions ("rules.threshold_evicted")
  // Needs a policy: the master end of the flow is (not) a listed master of a conduit covering it;
  // the master end's zone lacks every one of these roles.
  Tri master_listed = Tri::any;
  std::vector<std::string> master_not_roles;

  bool is_pdu_match() const { return anomalies.empty() && policy_findings.empty() && internal.empty(); }
  bool needs_policy() const {
    return master_listed != Tri::any || !master_not_roles.empty() || !policy_findings.empty();
  }
};

struct Clause {
  Match match;
  std::optional<Threshold> threshold;
  std::optional<Limit> limit;
  int line = 0;
  int column = 0;
};

// `escalate: [{when: {...}, severity: critical}]`: a higher (or lower) severity when a further
// condition holds, e.g. DN-01 is critical from an unlisted source.
struct Escalation {
  Match when;
  events::Severity severity = events::Severity::critical;
};

// Inside a maintenance window of a conduit covering the flow (needs a policy), a `downgrade` rule
// still reports, at severity info, with the window's ticket among the explanations.
enum class Maintenance : std::uint8_t { ignore, downgrade };

struct Rule {
  std::string id;                     // "MB-01"
  int version = 1;
  std::string name;
  std::string description;
  events::EventKind kind = events::EventKind::norm_violation;
  events::Severity severity = events::Severity::medium;
  std::vector<std::string> attack;    // ATT&CK for ICS technique ids
  std::vector<std::string> norms;     // "f", "g", "i", "P1"
  std::vector<std::string> explanations;
  bool enabled = true;
  std::string needs;                  // why a rule ships disabled (state it needs)
  std::string emitted_by;             // "health": reported by another part of the sensor
  Maintenance maintenance = Maintenance::ignore;
  std::vector<Clause> clauses;
  std::vector<Escalation> escalate;
  std::string file;
  int line = 0;
  int column = 0;

  // Every clause needs a policy (the rule is silent without --policy).
  bool needs_policy() const;
  // Some clause does.
  bool partly_needs_policy() const;
};

struct RulePack {
  std::string directory;
  std::vector<std::string> files;     // the rule files read, in order
  std::vector<Rule> rules;
  const Rule* find(std::string_view id) const;
};

// "60s", "10 s", "1m", "500ms", "2h" or a plain number of seconds.
std::optional<std::int64_t> parse_duration_ns(std::string_view text);

}  // namespace normwatch::rules::engine
