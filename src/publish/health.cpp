// HealthReporter: heartbeats, configuration-change events and the SYS-01 silence finding.
#include "normwatch/publish/health.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "normwatch/publish/file_digest.hpp"
#include "normwatch/publish/json_text.hpp"

namespace normwatch::publish {

namespace {

constexpr std::int64_t kCheckEveryNs = core::kNsPerSecond;

void put_u64(std::string& out, std::string_view key, std::uint64_t value) {
  append_json_key(out, key);
  out += std::to_string(value);
  out.push_back(',');
}

void put_optional(std::string& out, std::string_view key, const std::optional<std::string>& value) {
  append_json_key(out, key);
  if (value) {
    append_json_string(out, *value);
  } else {
    out += "null";
  }
}

events::RuleRef sys01() {
  events::RuleRef rule;
  rule.id = "SYS-01";
  rule.version = 1;
  rule.name = "Sensor health";
  rule.severity = events::Severity::critical;
  rule.norms = {"k"};  // as rules/system.yaml lists it
  return rule;
}

core::Timestamp wall_now() {
  return core::Timestamp{std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count()};
}

std::string seconds_text(std::int64_t ns) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1e9);
  return buf;
}

}  // namespace

HealthReporter::HealthReporter(HealthOptions options, SnapshotFunction snapshot, events::EventSink& sink,
                               DeliveryFunction delivery)
    : options_(std::move(options)), snapshot_(std::move(snapshot)), sink_(sink), delivery_(std::move(delivery)) {
  if (!options_.binary.empty()) binary_hash_ = sha256_of_path(options_.binary);
  if (!options_.rule_pack.empty()) rule_pack_hash_ = sha256_of_path(options_.rule_pack);
  if (!options_.policy.empty()) policy_hash_ = sha256_of_path(options_.policy);
}

void HealthReporter::tick(core::Timestamp now) {
  if (started_ && now < next_check_) return;
  check(now, false);
}

void HealthReporter::finish(core::Timestamp now) {
  if (options_.interval_ns <= 0) return;
  check(now, true);
}

void HealthReporter::check(core::Timestamp now, bool force_heartbeat) {
  const HealthSnapshot snap = snapshot_ ? snapshot_() : HealthSnapshot{};
  if (!started_) {
    started_ = true;
    start_ = now;
    last_packet_change_ = now;
    last_packets_ = snap.packets;
    next_heartbeat_ = now;  // the first heartbeat announces the hashes right away
  }
  next_check_ = now.plus_ns(options_.interval_ns > 0 ? std::min(kCheckEveryNs, options_.interval_ns) : kCheckEveryNs);

  if (snap.packets != last_packets_) {
    last_packets_ = snap.packets;
    last_packet_change_ = now;
    silence_reported_ = false;
  } else if (options_.silence_ns > 0 && !silence_reported_ && now.ns - last_packet_change_.ns >= options_.silence_ns) {
    silence_reported_ = true;
    events::Event e;
    e.kind = events::EventKind::anomaly;
    e.severity = events::Severity::critical;
    e.ts = now;
    e.rule = sys01();
    e.message = "no packets seen for " + seconds_text(now.ns - last_packet_change_.ns) + " s";
    e.body_json = health_body(now, snap);
    sink_.emit(std::move(e));
  }
  if (options_.interval_ns > 0 && (force_heartbeat || now >= next_heartbeat_)) {
    check_config(now);
    emit_health(now, snap);
    // A jump in capture time gives one heartbeat, not one per missed interval.
    next_heartbeat_ = now.plus_ns(options_.interval_ns);
  }
}

void HealthReporter::check_config(core::Timestamp now) {
  struct Watched {
    const char* what;
    const std::filesystem::path& path;
    std::optional<std::string>& hash;
  };
  Watched watched[] = {{"rule_pack", options_.rule_pack, rule_pack_hash_}, {"policy", options_.policy, policy_hash_}};
  for (Watched& w : watched) {
    if (w.path.empty()) continue;
    std::optional<std::string> current = sha256_of_path(w.path);
    if (current == w.hash) continue;
    events::Event e;
    e.kind = events::EventKind::config_change;
    e.severity = events::Severity::high;
    e.ts = now;
    e.rule = sys01();
    std::string body = "{\"config_change\":{";
    append_json_key(body, "what");
    append_json_string(body, w.what);
    body.push_back(',');
    append_json_key(body, "path");
    append_json_string(body, w.path.string());
    body.push_back(',');
    put_optional(body, "old", w.hash);
    body.push_back(',');
    put_optional(body, "new", current);
    body += "}}";
    e.body_json = std::move(body);
    e.message = std::string(w.what == std::string_view("rule_pack") ? "rule pack" : "policy") + " changed: " +
                w.path.string();
    w.hash = std::move(current);
    sink_.emit(std::move(e));
  }
}

std::string HealthReporter::health_body(core::Timestamp now, const HealthSnapshot& snap) const {
  std::string b = "{\"health\":{";
  append_json_key(b, "interval_s");
  b += seconds_text(options_.interval_ns) + ",";
  append_json_key(b, "uptime_s");
  b += seconds_text(now.ns - start_.ns) + ",";
  put_u64(b, "packets", snap.packets);
  put_u64(b, "bytes", snap.bytes);
  put_u64(b, "kernel_drops", snap.kernel_drops);
  put_u64(b, "interface_drops", snap.interface_drops);
  if (!snap.queue_drops.empty()) {
    append_json_key(b, "queue_drops");
    b.push_back('[');
    for (std::size_t i = 0; i < snap.queue_drops.size(); ++i) {
      if (i > 0) b.push_back(',');
      b += std::to_string(snap.queue_drops[i]);
    }
    b += "],";
  }
  put_u64(b, "tcp_gaps", snap.tcp_gaps);
  put_u64(b, "tcp_gap_bytes", snap.tcp_gap_bytes);
  put_u64(b, "decode_anomalies", snap.decode_anomalies);
  put_u64(b, "parse_anomalies", snap.parse_anomalies);
  put_u64(b, "pdus", snap.pdus);
  b += "\"flows\":{";
  put_u64(b, "active", snap.flows_active);
  put_u64(b, "total", snap.flows_total);
  append_json_key(b, "evicted");
  b += std::to_string(snap.flows_evicted) + "},";
  append_json_key(b, "last_packet");
  if (snap.last_packet.ns != 0) {
    append_json_string(b, snap.last_packet.to_rfc3339());
  } else {
    b += "null";
  }
  b.push_back(',');
  append_json_key(b, "spool");
  const std::optional<DeliveryStats> d = delivery_ ? delivery_() : std::nullopt;
  if (d) {
    b.push_back('{');
    put_u64(b, "unacked", d->spool_unacked);
    put_u64(b, "bytes", d->spool_bytes);
    put_u64(b, "acked_through", d->acked_through);
    put_u64(b, "dropped", d->dropped);
    append_json_key(b, "connected");
    b += d->connected ? "true}," : "false},";
  } else {
    b += "null,";
  }
  const core::Timestamp wall = wall_now();
  b += "\"clock\":{";
  append_json_key(b, "source");
  append_json_string(b, options_.clock_source);
  b += ",\"now\":";
  append_json_string(b, now.to_rfc3339());
  b += ",\"wall\":";
  append_json_string(b, wall.to_rfc3339());
  b += ",\"offset_s\":" + seconds_text(now.ns - wall.ns) + "},";
  b += "\"hashes\":{";
  put_optional(b, "binary", binary_hash_);
  b.push_back(',');
  put_optional(b, "rule_pack", rule_pack_hash_);
  b.push_back(',');
  put_optional(b, "policy", policy_hash_);
  b += "}}}";
  return b;
}

void HealthReporter::emit_health(core::Timestamp now, const HealthSnapshot& snap) {
  events::Event e;
  e.kind = events::EventKind::health;
  e.severity = events::Severity::info;
  e.ts = now;
  e.body_json = health_body(now, snap);
  ++heartbeats_;
  sink_.emit(std::move(e));
}

}  // namespace normwatch::publish
