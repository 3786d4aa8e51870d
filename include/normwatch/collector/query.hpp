// Reading the collector's store back (issue 7 §3): `normwatch-collector query` (events with
// filters, as a table or as the stored canonical lines byte for byte) and `normwatch-collector
// sensors` (per sensor: last heartbeat, coverage figures, sequence gaps).
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "normwatch/collector/event_store.hpp"
#include "normwatch/core/result.hpp"

namespace normwatch::collector {

struct QueryFilter {
  std::string sensor;
  std::string rule;
  std::string severity;   // a name, or "NAME+" for that severity and above
  std::string kind;
  std::string from;       // RFC 3339 (or a prefix like 2024-01-31) or Unix seconds; inclusive
  std::string to;         // same forms; exclusive
  std::string zone;       // source or destination zone
  std::size_t limit = 0;  // 0: all
};

// Turns --from/--to text into the comparable RFC 3339 form; an error names the bad value.
core::Result<std::string, std::string> normalise_time(const std::string& text);

// Prints matching events in arrival order: JSON lines (the stored lines) or a table.
// Returns the number of events printed.
core::Result<std::uint64_t, std::string> print_events(EventStore& store, const QueryFilter& filter, bool json,
                                                      std::FILE* out);

// Prints the per-sensor report; json: one JSON object per sensor and line.
core::Result<std::uint64_t, std::string> print_sensors(EventStore& store, bool json, std::FILE* out,
                                                       std::int64_t now_ns);

}  // namespace normwatch::collector
