// Reads the indexed fields back from a canonical event line (collector side of the schema).
#include "normwatch/events/event_header.hpp"

#include "json_scan.hpp"

namespace normwatch::events {

namespace {

using core::unexpected;

// "2023-11-14T22:13:20.000412Z": digits in the right places, a T and a trailing Z.
bool looks_like_rfc3339(std::string_view ts) {
  if (ts.size() < 20 || ts.size() > 40 || ts.back() != 'Z') return false;
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const char c = ts[i];
    if (kShape[i] == 'd' ? (c < '0' || c > '9') : c != kShape[i]) return false;
  }
  return true;
}

}  // namespace

bool valid_sensor_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxSensorIdLength) return false;
  for (const char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

core::Result<EventHeader, std::string> parse_event_header(std::string_view line) {
  detail::ScannedEvent j;
  if (!detail::scan_event_json(line, j)) return unexpected(std::string("event.bad_json"));
  if (!j.schema || *j.schema != kSchemaName) return unexpected(std::string("event.bad_schema"));
  if (!j.sensor || !valid_sensor_id(*j.sensor)) return unexpected(std::string("event.bad_sensor"));
  if (!j.epoch || !j.seq) return unexpected(std::string("event.bad_sequence"));
  EventHeader h;
  h.sensor = std::move(*j.sensor);
  h.epoch = *j.epoch;
  h.seq = *j.seq;
  if (!j.id || *j.id != h.sensor + ":" + std::to_string(h.epoch) + ":" + std::to_string(h.seq)) {
    return unexpected(std::string("event.bad_id"));
  }
  if (!j.ts || !looks_like_rfc3339(*j.ts)) return unexpected(std::string("event.bad_ts"));
  h.ts = std::move(*j.ts);
  const auto kind = j.kind ? parse_event_kind(*j.kind) : std::nullopt;
  if (!kind) return unexpected(std::string("event.bad_kind"));
  h.kind = *kind;
  // Only the long names are canonical; the rule catalogue's C/H/M/L never appear in an event.
  const auto severity = j.severity && j.severity->size() > 1 ? parse_severity(*j.severity) : std::nullopt;
  if (!severity) return unexpected(std::string("event.bad_severity"));
  h.severity = *severity;
  if (j.rule_not_object) return unexpected(std::string("event.bad_rule"));
  h.rule_id = std::move(j.rule_id);
  if (j.zones_not_object) return unexpected(std::string("event.bad_zones"));
  h.source_zone = std::move(j.source_zone);
  h.destination_zone = std::move(j.destination_zone);
  if (j.has_chain && j.chain_prev && j.chain_prev_seq) {
    h.chain = ChainLink{*j.chain_prev_seq, std::move(*j.chain_prev)};
  } else if (j.has_chain || j.chain_not_object) {
    h.chain_malformed = true;
  }
  h.has_checkpoint = j.has_checkpoint;
  return h;
}

}  // namespace normwatch::events
