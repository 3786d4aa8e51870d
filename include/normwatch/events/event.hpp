// Event: one compliance finding or health report, schema "normwatch.event/1". The sensor stamps
// each event with its id, boot epoch and a sequence number that never repeats for that sensor
// (see publish/), so a collector can de-duplicate and detect gaps.
//
// Top-level JSON keys (docs/event-schema.json is the JSON Schema):
//   schema, id, sensor, epoch, seq, ts (RFC 3339, capture time), kind, severity,
//   rule {id, version, name, severity, attack[], norms[]}      (norm_violation/segmentation/anomaly)
//   source {ip, port}, destination {ip, port},                  (ECS names)
//   network {transport, protocol, community_id, vlan {id}},
//   zones {source, destination}, pdu {...decoded fields...}, evidence {frames[], slice{...}},
//   explanations[], message, health {...}                       (kind health)
//   chain {prev, prev_seq}                                      (evidence chain, chain.hpp)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/core/ip_address.hpp"
#include "normwatch/core/timestamp.hpp"
#include "normwatch/events/slice_ref.hpp"

namespace normwatch::events {

enum class EventKind : std::uint8_t { norm_violation, segmentation, anomaly, health, loss, config_change, integrity };
std::string_view name(EventKind kind);
std::optional<EventKind> parse_event_kind(std::string_view text);

enum class Severity : std::uint8_t { info, low, medium, high, critical };
std::string_view name(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);

// Telemetry (health) may be dropped first when the spool is full; findings never are.
constexpr bool is_droppable(EventKind kind) { return kind == EventKind::health; }

struct RuleRef {
  std::string id;        // "MB-01"
  int version = 1;
  std::string name;
  Severity severity = Severity::medium;
  std::vector<std::string> attack;   // ATT&CK for ICS technique ids
  std::vector<std::string> norms;    // norm tags: "f", "g", "P1" ...
};

struct Endpoint {
  core::IpAddress ip;
  std::uint16_t port = 0;
};

// The evidence chain link (events/chain.hpp): the sequence number and hex BLAKE2b-256 of the
// sensor's previous stamped event. Rendered as "chain": {"prev", "prev_seq"}.
struct ChainLink {
  std::uint64_t prev_seq = 0;
  std::string prev;
};

struct Event {
  // Stamped by the sequencer (publish/) — empty/zero until then.
  std::string sensor;
  std::uint64_t epoch = 0;
  std::uint64_t seq = 0;
  std::optional<ChainLink> chain;   // set by the sequencer when it keeps the evidence chain

  core::Timestamp ts;
  EventKind kind = EventKind::anomaly;
  Severity severity = Severity::medium;
  std::optional<RuleRef> rule;
  std::optional<Endpoint> source;
  std::optional<Endpoint> destination;
  std::string transport;           // "tcp" / "udp"
  std::uint16_t vlan = 0;          // the flow's outermost 802.1Q VLAN id (0: untagged); plants
                                   // reuse addresses across VLANs, so the id is part of "where"
  std::string protocol;            // "modbus", "dnp3", "iec104", or nDPI's name
  std::string source_zone;
  std::string destination_zone;
  std::string pdu_json;            // pre-rendered JSON object of the decoded fields ("" = none)
  std::string body_json;           // pre-rendered JSON object of extra kind-specific fields, e.g. health
  std::vector<std::uint64_t> evidence_frames;
  // The pcap evidence slice (slice_ref.hpp), set by evidence::SliceRecorder; rendered inside
  // "evidence". slice_pcap holds the slice file's bytes for the spool (never rendered).
  std::optional<SliceRef> slice;
  std::shared_ptr<const std::string> slice_pcap;
  std::vector<std::string> explanations;
  std::string message;

  // "<sensor>:<epoch>:<seq>"
  std::string id() const;
};

// The canonical encoding: one line of JSON, keys sorted, no insignificant whitespace. It is what
// is spooled, sent, stored, and (later) hashed into the evidence chain, so it must stay stable.
std::string to_json_line(const Event& event);

// Community ID v1 (https://github.com/corelight/community-id-spec) of a flow, "1:<base64>".
std::string community_id(const core::IpAddress& src, std::uint16_t sport, const core::IpAddress& dst,
                         std::uint16_t dport, std::uint8_t ip_proto, std::uint16_t seed = 0);

}  // namespace normwatch::events
