// Gathering for `normwatch-collector report` (issue 10 §4): one pass over the period's events in
// capture-time order, parsed with nlohmann-json, into bounded aggregates; heartbeats feed the
// per-sensor coverage as they stream by (NORMS-AND-RULES.md §4 item 4).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "normwatch/collector/query.hpp"
#include "normwatch/collector/report.hpp"
#include "report_scan.hpp"

namespace normwatch::collector {

namespace {

using nlohmann::json;

int severity_rank(std::string_view s) {
  for (int i = 0; i < 5; ++i) {
    if (s == kSeverityNames[i]) return i;
  }
  return 0;
}

bool is_finding(std::string_view kind) {
  return kind == "norm_violation" || kind == "segmentation" || kind == "anomaly";
}

// Aggregates with a named cap on distinct keys: past it, new keys count under "(other)".
class Tally {
 public:
  explicit Tally(std::size_t max_keys, bool* capped) : max_keys_(max_keys), capped_(capped) {}
  void add(const std::string& key, std::string_view label, int severity, const std::string& ts) {
    auto it = rows_.find(key);
    if (it == rows_.end()) {
      if (rows_.size() >= max_keys_) {
        *capped_ = true;
        it = rows_.try_emplace("(other)").first;
        it->second.key = "(other)";
      } else {
        it = rows_.try_emplace(key).first;
        it->second.key = key;
        it->second.label = std::string(label);
      }
    }
    CountRow& r = it->second;
    ++r.total;
    ++r.by_severity[severity];
    if (r.first_ts.empty() || ts < r.first_ts) r.first_ts = ts;
    if (ts > r.last_ts) r.last_ts = ts;
  }
  std::vector<CountRow> rows(bool by_total) const {
    std::vector<CountRow> out;
    for (const auto& [k, r] : rows_) out.push_back(r);
    if (by_total) {
      std::stable_sort(out.begin(), out.end(), [](const CountRow& a, const CountRow& b) { return a.total > b.total; });
    }
    return out;
  }

 private:
  std::size_t max_keys_;
  bool* capped_;
  std::map<std::string, CountRow> rows_;
};

std::string endpoint_text(const json& ep) {
  if (!ep.is_object()) return "";
  std::string out = ep.value("ip", std::string());
  if (ep.contains("port") && ep["port"].is_number()) {
    out = (out.find(':') != std::string::npos ? "[" + out + "]" : out) + ":" + std::to_string(ep["port"].get<int>());
  }
  return out;
}

std::string num(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return "";
  const json& v = j[key];
  if (v.is_number_unsigned() || v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_string()) return v.get<std::string>();
  return "";
}

// What was asked, never with what values or which objects (the information barrier's
// "function class"): fc/sub, DNP3 application function, IEC 104 type and cause, anomaly name.
std::string function_identity(const std::string& protocol, const json& pdu) {
  if (!pdu.is_object()) return "";
  std::string f;
  if (pdu.contains("anomaly") && pdu["anomaly"].is_string()) return pdu["anomaly"].get<std::string>();
  if (protocol == "modbus") {
    f = "fc " + num(pdu, "fc");
    if (const std::string sub = num(pdu, "sub"); !sub.empty()) f += "/" + sub;
    if (const std::string ex = num(pdu, "exception"); !ex.empty()) f += " exception " + ex;
  } else if (protocol == "dnp3") {
    if (pdu.contains("app")) f = "app fc " + num(pdu["app"], "fc");
    else if (pdu.contains("link")) f = "link fc " + num(pdu["link"], "fc");
  } else if (protocol == "iec104") {
    if (pdu.contains("asdu")) {
      f = "type " + num(pdu["asdu"], "type") + " cot " + num(pdu["asdu"], "cot");
    } else if (pdu.contains("u")) {
      f = "U " + num(pdu, "u");
    } else {
      f = num(pdu, "apci");
    }
  }
  return f == "fc " ? "" : f;
}

}  // namespace

core::Result<ReportData, std::string> gather_report(EventStore& store, const ReportOptions& options) {
  ReportData d;
  d.options = options;
  auto from = normalise_time(options.from);
  if (!from) return core::unexpected(from.error());
  auto to = normalise_time(options.to);
  if (!to) return core::unexpected(to.error());
  const std::int64_t t0 = report_time_ns(*from);
  const std::int64_t t1 = report_time_ns(*to);
  if (t0 < 0 || t1 < 0 || t1 <= t0) {
    return core::unexpected("bad time: the period --from " + options.from + " --to " + options.to + " is empty");
  }
  // Bounds in the stored form (microseconds, 'Z'): compared as text, "...:09Z" would sort after
  // "...:09.203800Z" and let events past the end in.
  d.from = core::Timestamp{t0}.to_rfc3339();
  d.to = core::Timestamp{t1}.to_rfc3339();
  Database& db = store.database();
  d.rejected_lines = static_cast<std::uint64_t>(db.scalar("SELECT count(*) FROM rejected").value_or(0));

  // Every known sensor is listed, also one that delivered nothing in the period: its silence is
  // exactly what the coverage section must show.
  std::map<std::string, HeartbeatScan> scans;
  {
    auto s = db.prepare("SELECT sensor, principal FROM sensors ORDER BY sensor");
    if (!s) return core::unexpected(s.error());
    for (;;) {
      auto row = s->step();
      if (!row) return core::unexpected(row.error());
      if (!*row) break;
      const std::string name(s->column_text(0));
      if (name == kCollectorSensorId || (!options.sensor.empty() && name != options.sensor)) continue;
      HeartbeatScan& scan = scans.try_emplace(name, t0, t1, options.thresholds).first->second;
      scan.coverage.sensor = name;
      scan.coverage.principal = std::string(s->column_text(1));
    }
  }
  for (auto& [name, scan] : scans) {
    if (auto r = scan.load_edges(db, d.from, d.to); !r) return core::unexpected(r.error());
  }

  bool capped = false;
  const std::size_t cap = options.max_distinct_keys;
  Tally kinds(cap, &capped), severities(cap, &capped), norms(cap, &capped), rules(cap, &capped),
      zone_pairs(cap, &capped), sensors(cap, &capped);
  std::map<std::string, std::set<std::string>> sensor_zones;
  std::set<std::string> seen_zones;
  const std::size_t buckets = std::max<std::size_t>(1, options.timeline_buckets);
  d.timeline.assign(buckets, std::vector<std::uint64_t>(5, 0));
  d.timeline_start_ns = t0;
  d.timeline_bucket_ns = std::max<std::int64_t>(1, (t1 - t0 + static_cast<std::int64_t>(buckets) - 1) /
                                                       static_cast<std::int64_t>(buckets));
  // The findings table keeps the most severe first; trimmed as it grows (bounded memory).
  auto more_severe = [](const FindingRow& a, const FindingRow& b) {
    if (a.severity_rank != b.severity_rank) return a.severity_rank > b.severity_rank;
    return std::tie(a.ts, a.sensor, a.rule_id) < std::tie(b.ts, b.sensor, b.rule_id);
  };
  std::uint64_t listable = 0;

  std::string sql =
      "SELECT sensor, epoch, ts, kind, severity, rule_id, source_zone, destination_zone, line FROM events "
      "WHERE ts >= ?1 AND ts < ?2";
  if (!options.sensor.empty()) sql += " AND (sensor = ?3 OR sensor = ?4)";
  sql += " ORDER BY ts, sensor, epoch, seq";
  auto ev = db.prepare(sql);
  if (!ev) return core::unexpected(ev.error());
  ev->bind(1, d.from);
  ev->bind(2, d.to);
  if (!options.sensor.empty()) {
    ev->bind(3, options.sensor);
    ev->bind(4, kCollectorSensorId);  // the collector's chain problems stay in view whatever the filter
  }
  for (;;) {
    auto row = ev->step();
    if (!row) return core::unexpected(row.error());
    if (!*row) break;
    const std::string sensor(ev->column_text(0));
    const std::int64_t epoch = ev->column_int(1);
    const std::string ts(ev->column_text(2));
    const std::string kind(ev->column_text(3));
    const std::string severity(ev->column_text(4));
    const std::string rule_id(ev->column_text(5));
    const std::string szone(ev->column_text(6));
    const std::string dzone(ev->column_text(7));
    const int sev = severity_rank(severity);
    const json e = json::parse(ev->column_text(8), nullptr, false);
    ++d.events;
    kinds.add(kind, kind, sev, ts);
    auto scan_it = scans.find(sensor);
    HeartbeatScan* scan = scan_it == scans.end() ? nullptr : &scan_it->second;
    if (scan) scan->on_event(epoch, kind, rule_id, e, ts);
    if (kind == "health") {
      if (scan) {
        if (auto r = scan->on_heartbeat(db, epoch, ts, e); !r) return core::unexpected(r.error());
      }
      continue;
    }
    // Checkpoints are the sensors' own integrity events; the collector's are chain problems.
    const bool chain_problem = kind == "integrity" && sensor == kCollectorSensorId;
    if (chain_problem) ++d.integrity_events;
    if (kind == "integrity" && !chain_problem) ++d.checkpoints;
    const bool finding = is_finding(kind);
    if (finding) ++d.findings;
    severities.add(severity, severity, sev, ts);
    sensors.add(sensor, sensor, sev, ts);
    const json& rule = e.is_object() && e.contains("rule") ? e["rule"] : json();
    if (!rule_id.empty()) rules.add(rule_id, rule.is_object() ? rule.value("name", std::string()) : "", sev, ts);
    std::map<std::string, std::uint64_t>* classes = scan ? &d.class_counts[sensor] : nullptr;
    if (classes) {
      ++(*classes)["kind:" + kind];
      if (sev >= 3) ++(*classes)["severity:high+"];
    }
    if (rule.is_object() && rule.contains("norms") && rule["norms"].is_array()) {
      for (const json& n : rule["norms"]) {
        if (!n.is_string()) continue;
        norms.add(n.get<std::string>(), n.get<std::string>(), sev, ts);
        if (classes) ++(*classes)["norm:" + n.get<std::string>()];
      }
    }
    if (!szone.empty() || !dzone.empty()) {
      const std::string a = szone.empty() ? "(no zone)" : szone;
      const std::string b = dzone.empty() ? "(no zone)" : dzone;
      zone_pairs.add(a + " \xE2\x86\x92 " + b, "", sev, ts);
      if (d.matrix.size() < cap || d.matrix.count({a, b})) {
        ZoneCell& cell = d.matrix[{a, b}];
        ++cell.events;
        if (kind == "segmentation") ++cell.violations;
      } else {
        capped = true;
      }
      if (seen_zones.size() < cap) {
        seen_zones.insert(a);
        seen_zones.insert(b);
      }
      if (scan && sensor_zones[sensor].size() < cap) {
        if (!szone.empty()) sensor_zones[sensor].insert(szone);
        if (!dzone.empty()) sensor_zones[sensor].insert(dzone);
      }
    }
    const std::int64_t t = report_time_ns(ts);
    if (t >= t0 && t < t1) {
      const auto b = static_cast<std::size_t>((t - t0) / d.timeline_bucket_ns);
      ++d.timeline[std::min(b, buckets - 1)][sev];
    }
    if (!finding && !chain_problem && kind != "config_change" && kind != "loss") continue;
    ++listable;
    FindingRow f;
    f.ts = ts;
    f.sensor = sensor;
    f.kind = kind;
    f.severity = severity;
    f.severity_rank = sev;
    f.rule_id = rule_id;
    f.rule_name = rule.is_object() ? rule.value("name", std::string()) : "";
    f.source_zone = szone;
    f.destination_zone = dzone;
    if (rule.is_object() && rule.contains("norms") && rule["norms"].is_array()) {
      for (const json& n : rule["norms"]) {
        if (!n.is_string()) continue;
        if (!f.norms.empty()) f.norms += " ";
        f.norms += n.get<std::string>();
      }
    }
    if (e.is_object() && e.contains("network") && e["network"].is_object()) {
      f.protocol = e["network"].value("protocol", std::string());
    }
    const json& pdu = e.is_object() && e.contains("pdu") ? e["pdu"] : json();
    f.function = function_identity(f.protocol, pdu);
    if (!options.redact) {
      if (e.is_object()) {
        if (e.contains("source")) f.source = endpoint_text(e["source"]);
        if (e.contains("destination")) f.destination = endpoint_text(e["destination"]);
        f.detail = e.value("message", std::string());
        if (pdu.is_object()) f.detail += (f.detail.empty() ? "" : " ") + pdu.dump();
      }
    }
    d.listed.push_back(std::move(f));
    if (d.listed.size() >= 2 * std::max<std::size_t>(1, options.max_listed_findings)) {
      std::sort(d.listed.begin(), d.listed.end(), more_severe);
      d.listed.resize(options.max_listed_findings);
    }
  }
  std::sort(d.listed.begin(), d.listed.end(), more_severe);
  if (d.listed.size() > options.max_listed_findings) d.listed.resize(options.max_listed_findings);
  d.findings_not_listed = listable - d.listed.size();

  for (auto& [name, scan] : scans) {
    if (auto r = scan.finish(db, d.from, d.to); !r) return core::unexpected(r.error());
    const auto& z = sensor_zones[name];
    scan.coverage.zones.assign(z.begin(), z.end());
    d.sensors.push_back(std::move(scan.coverage));
  }
  d.by_kind = kinds.rows(false);
  d.by_severity = severities.rows(false);
  std::sort(d.by_severity.begin(), d.by_severity.end(), [](const CountRow& a, const CountRow& b) {
    return severity_rank(a.key) > severity_rank(b.key);
  });
  d.by_norm = norms.rows(false);
  d.by_rule = rules.rows(false);
  d.by_zone = zone_pairs.rows(true);
  d.by_sensor = sensors.rows(false);
  d.keys_capped = capped;
  // Matrix axes: the policy's zones in its order, then zones only the events name.
  for (const std::string& z : options.policy.zones) d.zones.push_back(z);
  for (const std::string& z : seen_zones) {
    if (std::find(d.zones.begin(), d.zones.end(), z) == d.zones.end()) d.zones.push_back(z);
  }
  evaluate_coverage(d);
  return d;
}

}  // namespace normwatch::collector
