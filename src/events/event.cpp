// Event names and the canonical JSON encoding of an event.
#include "normwatch/events/event.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace normwatch::events {

namespace {
constexpr std::array<std::string_view, 7> kKindNames = {"norm_violation", "segmentation", "anomaly", "health",
                                                        "loss", "config_change", "integrity"};
constexpr std::array<std::string_view, 5> kSeverityNames = {"info", "low", "medium", "high", "critical"};

nlohmann::json endpoint_json(const Endpoint& e) { return {{"ip", e.ip.to_string()}, {"port", e.port}}; }

nlohmann::json parse_object(const std::string& text) {
  if (text.empty()) return nlohmann::json::object();
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json{{"unparsable", text}} : parsed;
}
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

std::string to_json_line(const Event& e) {
  nlohmann::json j;
  j["schema"] = "normwatch.event/1";
  j["id"] = e.id();
  j["sensor"] = e.sensor;
  j["epoch"] = e.epoch;
  j["seq"] = e.seq;
  j["ts"] = e.ts.to_rfc3339();
  j["kind"] = name(e.kind);
  j["severity"] = name(e.severity);
  if (e.chain) j["chain"] = {{"prev", e.chain->prev}, {"prev_seq", e.chain->prev_seq}};
  if (e.rule) {
    j["rule"] = {{"id", e.rule->id},
                 {"version", e.rule->version},
                 {"name", e.rule->name},
                 {"severity", name(e.rule->severity)},
                 {"attack", e.rule->attack},
                 {"norms", e.rule->norms}};
  }
  if (e.source) j["source"] = endpoint_json(*e.source);
  if (e.destination) j["destination"] = endpoint_json(*e.destination);
  if (!e.transport.empty() || !e.protocol.empty()) {
    nlohmann::json network = nlohmann::json::object();
    if (!e.transport.empty()) network["transport"] = e.transport;
    if (!e.protocol.empty()) network["protocol"] = e.protocol;
    if (e.source && e.destination && (e.transport == "tcp" || e.transport == "udp")) {
      network["community_id"] = community_id(e.source->ip, e.source->port, e.destination->ip, e.destination->port,
                                             e.transport == "tcp" ? 6 : 17);
    }
    j["network"] = network;
  }
  if (!e.source_zone.empty() || !e.destination_zone.empty()) {
    j["zones"] = {{"source", e.source_zone}, {"destination", e.destination_zone}};
  }
  if (!e.pdu_json.empty()) j["pdu"] = parse_object(e.pdu_json);
  if (!e.body_json.empty()) {
    const nlohmann::json body = parse_object(e.body_json);
    if (body.is_object()) j.update(body);
  }
  if (!e.evidence_frames.empty()) j["evidence"] = {{"frames", e.evidence_frames}};
  if (e.slice) {
    nlohmann::json& evidence = j["evidence"];
    if (!e.slice->dropped.empty()) {
      evidence["slice_dropped"] = e.slice->dropped;
    } else {
      evidence["slice"] = {{"name", e.slice->name},
                           {"sha256", e.slice->sha256},
                           {"frames", e.slice->frames},
                           {"first_frame", e.slice->first_frame},
                           {"last_frame", e.slice->last_frame}};
    }
  }
  if (!e.explanations.empty()) j["explanations"] = e.explanations;
  if (!e.message.empty()) j["message"] = e.message;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace normwatch::events
