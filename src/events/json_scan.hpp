// A strict, allocation-light JSON validator (RFC 8259: grammar, string escapes, UTF-8, depth
// limit) that captures the top-level members the collector indexes — without building a DOM,
// which dominated the collector's CPU time per event. Private to the events module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace normwatch::events::detail {

struct ScannedEvent {
  std::optional<std::string> schema, id, sensor, ts, kind, severity;
  std::optional<std::uint64_t> epoch, seq;
  bool epoch_not_unsigned = false;  // present but not an unsigned integer
  bool seq_not_unsigned = false;
  bool has_rule = false;
  bool rule_not_object = false;
  std::string rule_id;
  bool has_zones = false;
  bool zones_not_object = false;
  std::string source_zone, destination_zone;
  // Evidence chain (issue 10, chain.hpp): "chain": {"prev", "prev_seq"} and a "checkpoint" member.
  bool has_chain = false;
  bool chain_not_object = false;
  std::optional<std::string> chain_prev;
  std::optional<std::uint64_t> chain_prev_seq;
  bool has_checkpoint = false;
};

inline constexpr int kMaxJsonDepth = 64;

// False when `line` is not exactly one JSON object (whitespace around it allowed) or when a
// captured member appears twice.
bool scan_event_json(std::string_view line, ScannedEvent& out);

}  // namespace normwatch::events::detail
