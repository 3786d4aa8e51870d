// EventHeader: the fields of a canonical normwatch.event/1 line that a collector indexes and
// de-duplicates on (sensor, epoch, seq), read back from the line without trusting the sender.
// The JSON library stays inside the events module; the collector sees only this struct.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "normwatch/core/result.hpp"
#include "normwatch/events/event.hpp"

namespace normwatch::events {

inline constexpr std::string_view kSchemaName = "normwatch.event/1";
inline constexpr std::size_t kMaxSensorIdLength = 128;

struct EventHeader {
  std::string sensor;
  std::uint64_t epoch = 0;
  std::uint64_t seq = 0;
  std::string ts;                 // RFC 3339 as written by the sensor (sorts as text)
  EventKind kind = EventKind::anomaly;
  Severity severity = Severity::info;
  std::string rule_id;            // "" when the event has no rule
  std::string source_zone;
  std::string destination_zone;
  // Evidence chain (issue 10, chain.hpp); read, not checked here: the collector's integrity
  // checker compares it with the stored predecessor.
  std::optional<ChainLink> chain;  // "chain" with a string prev and an unsigned prev_seq
  bool chain_malformed = false;    // a "chain" member without them
  bool has_checkpoint = false;     // a top-level "checkpoint" member
};

// Parses and checks one line: a JSON object with schema "normwatch.event/1", a non-empty sensor
// id of at most kMaxSensorIdLength printable characters, unsigned epoch and seq, id equal to
// "<sensor>:<epoch>:<seq>", an RFC 3339 ts, and known kind and severity names. The error is a
// stable short reason ("event.bad_json", "event.bad_schema", ...).
core::Result<EventHeader, std::string> parse_event_header(std::string_view line);

// True when `id` is usable as a sensor id: 1..kMaxSensorIdLength characters from [A-Za-z0-9._-].
bool valid_sensor_id(std::string_view id);

}  // namespace normwatch::events
