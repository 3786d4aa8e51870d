// HeartbeatScan (report_scan.hpp): uptime, silences and the period's counters of one sensor, for
// the compliance report's coverage section (NORMS-AND-RULES.md §4 item 4).
#include "report_scan.hpp"

#include <algorithm>

namespace normwatch::collector {

namespace {

using nlohmann::json;

constexpr const char* kCounterKeys[] = {"packets",  "bytes",           "kernel_drops",    "interface_drops",
                                        "tcp_gaps", "tcp_gap_bytes",   "decode_anomalies", "parse_anomalies",
                                        "pdus",     "flows.total"};

std::uint64_t u64(const json& j, std::string_view key) {
  const json* v = &j;
  while (true) {
    const auto dot = key.find('.');
    const std::string part(key.substr(0, dot));
    if (!v->is_object() || !v->contains(part)) return 0;
    v = &(*v)[part];
    if (dot == std::string_view::npos) break;
    key = key.substr(dot + 1);
  }
  return v->is_number_unsigned() || v->is_number_integer() ? v->get<std::uint64_t>() : 0;
}

double interval_of(const json& e) {
  if (!e.is_object() || !e.contains("health")) return 0;
  const json& h = e["health"];
  return h.is_object() && h.contains("interval_s") && h["interval_s"].is_number() ? h["interval_s"].get<double>() : 0;
}

}  // namespace

HeartbeatScan::Counters HeartbeatScan::read_counters(const json& health) {
  Counters c{};
  for (std::size_t i = 0; i < kCounters; ++i) c[i] = u64(health, kCounterKeys[i]);
  return c;
}

core::Result<void, std::string> HeartbeatScan::load_edges(Database& db, const std::string& from,
                                                          const std::string& to) {
  struct Edge {
    const char* sql;
    const std::string& bound;
    std::int64_t* ns;
    double* interval;
  };
  const Edge edges[] = {
      {"SELECT ts, line FROM events WHERE kind = 'health' AND sensor = ?1 AND ts < ?2 ORDER BY ts DESC LIMIT 1", from,
       &prev_ns_, &prev_interval_s_},
      {"SELECT ts, line FROM events WHERE kind = 'health' AND sensor = ?1 AND ts >= ?2 ORDER BY ts LIMIT 1", to,
       &next_ns_, nullptr},
  };
  for (const Edge& edge : edges) {
    auto s = db.prepare(edge.sql);
    if (!s) return core::unexpected(s.error());
    s->bind(1, coverage.sensor);
    s->bind(2, edge.bound);
    auto row = s->step();
    if (!row) return core::unexpected(row.error());
    if (!*row) continue;
    *edge.ns = report_time_ns(s->column_text(0));
    if (edge.interval) *edge.interval = interval_of(json::parse(s->column_text(1), nullptr, false));
  }
  return {};
}

void HeartbeatScan::on_event(std::int64_t epoch, const std::string& kind, const std::string& rule_id, const json& e,
                             const std::string&) {
  event_epochs_.insert(epoch);
  ++coverage.events;
  if (kind == "norm_violation" || kind == "segmentation" || kind == "anomaly") ++coverage.findings;
  if (kind == "loss") {
    ++coverage.loss_events;
    if (e.is_object() && e.contains("loss")) coverage.lost += u64(e["loss"], "dropped");
  }
  if (rule_id == "SYS-01" && kind == "anomaly") ++coverage.silence_findings;
  if (kind == "config_change") ++coverage.config_changes;
}

// One stretch between two points of the period's time line; covered when both ends are
// heartbeats no further apart than the threshold allows.
void HeartbeatScan::segment(std::int64_t from_ns, std::int64_t to_ns, double interval_s, bool both_heartbeats) {
  const std::int64_t a = std::max(from_ns, t0_);
  const std::int64_t b = std::min(to_ns, t1_);
  if (b <= a) return;
  const double length = static_cast<double>(b - a) / 1e9;
  const double limit = thresholds_.max_heartbeat_gap_intervals * interval_s;
  if (both_heartbeats && static_cast<double>(to_ns - from_ns) / 1e9 <= limit) coverage.covered_s += length;
  if (length > coverage.longest_silence_s) {
    coverage.longest_silence_s = length;
    coverage.longest_silence_at = core::Timestamp{a}.to_rfc3339();
  }
}

core::Result<void, std::string> HeartbeatScan::on_heartbeat(Database& db, std::int64_t epoch, const std::string& ts,
                                                            const json& e) {
  const std::int64_t t = report_time_ns(ts);
  const double interval = interval_of(e);
  ++coverage.heartbeats;
  if (coverage.first_heartbeat.empty()) coverage.first_heartbeat = ts;
  coverage.last_heartbeat = ts;
  coverage.interval_s = interval;
  if (e.is_object() && e.contains("health") && e["health"].contains("clock")) {
    const json& clock = e["health"]["clock"];
    if (clock.is_object()) coverage.clock_source = clock.value("source", std::string());
  }
  if (e.is_object() && e.contains("health") && e["health"].contains("hashes")) {
    const json& hashes = e["health"]["hashes"];
    if (hashes.is_object() && hashes.contains("policy") && hashes["policy"].is_null()) ++coverage.heartbeats_without_policy;
    if (hashes.is_object() && hashes.contains("rule_pack") && hashes["rule_pack"].is_null()) {
      ++coverage.heartbeats_without_rules;
    }
  }
  segment(prev_ns_ < 0 ? t0_ : prev_ns_, t, prev_ns_ < 0 ? interval : prev_interval_s_, prev_ns_ >= 0);
  prev_ns_ = t;
  prev_interval_s_ = interval;

  auto it = epochs_.find(epoch);
  if (it == epochs_.end()) {
    EpochCounters c;
    auto s = db.prepare(
        "SELECT line FROM events WHERE kind = 'health' AND sensor = ?1 AND epoch = ?2 AND ts < ?3 "
        "ORDER BY ts DESC LIMIT 1");
    if (!s) return core::unexpected(s.error());
    s->bind(1, coverage.sensor);
    s->bind(2, epoch);
    s->bind(3, core::Timestamp{t0_}.to_rfc3339());
    auto row = s->step();
    if (!row) return core::unexpected(row.error());
    if (*row) {
      const json before = json::parse(s->column_text(0), nullptr, false);
      if (before.is_object() && before.contains("health")) c.baseline = read_counters(before["health"]);
    }
    it = epochs_.emplace(epoch, c).first;
  }
  if (e.is_object() && e.contains("health")) it->second.last = read_counters(e["health"]);
  return {};
}

core::Result<void, std::string> HeartbeatScan::finish(Database& db, const std::string& from, const std::string& to) {
  // The tail of the period after the last heartbeat (or the whole period without one).
  if (prev_ns_ >= 0) {
    segment(prev_ns_, next_ns_ >= 0 ? next_ns_ : t1_, prev_interval_s_, next_ns_ >= 0);
  } else {
    segment(t0_, t1_, 0, false);
  }
  Counters sum{};
  for (const auto& [epoch, c] : epochs_) {
    for (std::size_t i = 0; i < kCounters; ++i) sum[i] += c.last[i] > c.baseline[i] ? c.last[i] - c.baseline[i] : 0;
  }
  std::uint64_t* targets[kCounters] = {&coverage.packets,          &coverage.bytes,           &coverage.kernel_drops,
                                       &coverage.interface_drops,  &coverage.tcp_gaps,        &coverage.tcp_gap_bytes,
                                       &coverage.decode_anomalies, &coverage.parse_anomalies, &coverage.pdus,
                                       &coverage.flows};
  for (std::size_t i = 0; i < kCounters; ++i) *targets[i] = sum[i];

  // Sequence gaps the collector holds for the epochs that have events in the period.
  coverage.epochs = event_epochs_.size();
  auto ep = db.prepare("SELECT first_seq, last_seq, events FROM epochs WHERE sensor = ?1 AND epoch = ?2");
  if (!ep) return core::unexpected(ep.error());
  auto gaps = db.prepare("SELECT count(*) FROM gaps WHERE sensor = ?1 AND epoch = ?2");
  if (!gaps) return core::unexpected(gaps.error());
  for (const std::int64_t epoch : event_epochs_) {
    ep->bind(1, coverage.sensor);
    ep->bind(2, epoch);
    if (auto row = ep->step(); row && *row) {
      const std::int64_t missing = ep->column_int(1) - ep->column_int(0) + 1 - ep->column_int(2);
      if (missing > 0) coverage.sequence_missing += static_cast<std::uint64_t>(missing);
    }
    ep->reset();
    gaps->bind(1, coverage.sensor);
    gaps->bind(2, epoch);
    if (auto row = gaps->step(); row && *row) coverage.sequence_gap_ranges += static_cast<std::uint64_t>(gaps->column_int(0));
    gaps->reset();
  }

  // Chain and checkpoint marks (integrity.hpp) on the sensor's events of the period.
  coverage.integrity_checked =
      db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'integrity'").value_or(0) > 0;
  if (coverage.integrity_checked) {
    auto marks = db.prepare(
        "SELECT i.status, count(*) FROM integrity i JOIN events e ON e.sensor = i.sensor AND e.epoch = i.epoch AND "
        "e.seq = i.seq WHERE i.sensor = ?1 AND e.ts >= ?2 AND e.ts < ?3 GROUP BY i.status ORDER BY i.status");
    if (!marks) return core::unexpected(marks.error());
    marks->bind(1, coverage.sensor);
    marks->bind(2, from);
    marks->bind(3, to);
    for (;;) {
      auto row = marks->step();
      if (!row) return core::unexpected(row.error());
      if (!*row) break;
      coverage.integrity[std::string(marks->column_text(0))] = static_cast<std::uint64_t>(marks->column_int(1));
    }
  }
  return {};
}

}  // namespace normwatch::collector
