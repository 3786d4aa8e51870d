// Event names and the canonical JSON encoding of an event.
#include "normwatch/events/event.hpp"

#include "canonical_line.hpp"

#include <array>

namespace normwatch::events {

namespace {
constexpr std::array<std::string_view, 7> kKindNames = {"norm_violation", "segmentation", "anomaly", "health",
                                                        "loss", "config_change", "integrity"};
constexpr std::array<std::string_view, 5> kSeverityNames = {"info", "low", "medium", "high", "critical"};

}  // namespace

std::string_view name(EventKind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }
std::string_view name(Severity severity) { return kSeverityNames[static_cast<std::size_t>(severity)]; }

std::optional<EventKind> parse_event_kind(std::string_view text) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<EventKind>(i);
  }
  return std::nullopt;
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (std::size_t i = 0; i < kSeverityNames.size(); ++i) {
    if (kSeverityNames[i] == text) return static_cast<Severity>(i);
  }
  // Short forms used by the rule catalogue (C/H/M/L).
  if (text == "C") return Severity::critical;
  if (text == "H") return Severity::high;
  if (text == "M") return Severity::medium;
  if (text == "L") return Severity::low;
  return std::nullopt;
}

std::string Event::id() const { return sensor + ":" + std::to_string(epoch) + ":" + std::to_string(seq); }

std::string to_json_line(const Event& e) { return detail::canonical_line(e); }

}  // namespace normwatch::events
