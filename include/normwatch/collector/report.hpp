// `normwatch-collector report`: the inspector's compliance report (issue 10 §4;
// NORMS-AND-RULES.md §4 items 4, 7, 8). gather_report() reads one period of the store into a
// ReportData (bounded: aggregates and a capped list of findings); render_report_html() turns it
// into one self-contained HTML page. Same store, same options -> byte-identical page.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "normwatch/collector/event_store.hpp"
#include "normwatch/core/result.hpp"

namespace normwatch::collector {

// When "no event of class X" may be said (report_coverage.cpp applies them per sensor).
struct CoverageThresholds {
  double max_heartbeat_gap_intervals = 3.0;  // longest silence between heartbeats, in intervals
  double max_drop_ratio = 0.001;             // (kernel + interface drops) / (packets + drops)
  double max_tcp_gap_ratio = 0.01;           // TCP gap bytes / bytes captured
};

struct ReportPolicy {
  std::string id;                                          // "" = no policy given
  std::vector<std::string> zones;                          // in policy order
  std::vector<std::pair<std::string, std::string>> conduits;  // (from zone, to zone)
};

struct ReportOptions {
  std::string from;          // RFC 3339 UTC or Unix seconds, inclusive
  std::string to;            // exclusive
  std::string sensor;        // "" = every sensor
  bool redact = false;       // information barrier: no process values, no addresses in zones
  std::string db_label;      // shown in the header (the --db argument)
  ReportPolicy policy;       // zones and conduits for the matrix (optional)
  CoverageThresholds thresholds;
  // Named limits: memory stays bounded whatever the store holds.
  std::size_t max_listed_findings = 200;     // rows of the findings table
  std::size_t max_distinct_keys = 10'000;    // per aggregate table (rules, zones, pairs); then "(other)"
  std::size_t timeline_buckets = 48;
};

// Coverage of one sensor over the period, from its heartbeats (counters are cumulative per
// epoch: the period's share is the last heartbeat before T1 minus the last one before T0).
struct SensorCoverage {
  std::string sensor;
  std::string principal;
  std::uint64_t events = 0;            // stored events in the period (all kinds)
  std::uint64_t findings = 0;          // norm_violation, segmentation, anomaly
  std::uint64_t heartbeats = 0;        // in the period
  double interval_s = 0;               // heartbeat interval the sensor declares
  std::string first_heartbeat;         // "" = none
  std::string last_heartbeat;
  double longest_silence_s = 0;        // longest stretch of the period without a heartbeat
  std::string longest_silence_at;      // where it starts
  double covered_s = 0;                // period time between heartbeats no more than the limit apart
  double period_s = 0;
  std::uint64_t epochs = 0;            // boot epochs with events in the period
  std::uint64_t packets = 0, bytes = 0, kernel_drops = 0, interface_drops = 0;
  std::uint64_t tcp_gaps = 0, tcp_gap_bytes = 0, decode_anomalies = 0, parse_anomalies = 0, pdus = 0;
  std::uint64_t flows = 0;
  std::uint64_t sequence_missing = 0;  // events the collector's gap tracker misses
  std::uint64_t sequence_gap_ranges = 0;
  std::uint64_t loss_events = 0, lost = 0;          // the sensor's own spool losses
  std::uint64_t silence_findings = 0;  // SYS-01 "no packets" anomalies
  std::uint64_t config_changes = 0;    // SYS-01 config_change
  // Heartbeats stating that the sensor ran without a site policy or without a rule pack (their
  // hash is null): the rules that need one could not fire, so no absence is claimed for them.
  std::uint64_t heartbeats_without_policy = 0;
  std::uint64_t heartbeats_without_rules = 0;
  std::map<std::string, std::uint64_t> integrity;   // integrity status -> marks
  bool integrity_checked = true;       // false: the store has no integrity table
  std::vector<std::string> zones;      // zones seen in its events (sorted)
  std::string clock_source;            // of the last heartbeat
  // Filled by evaluate_coverage():
  bool supports_statements = false;
  std::vector<std::string> reasons;    // why not (plain sentences)
};

struct CountRow {
  std::string key;
  std::string label;                   // e.g. the rule name
  std::uint64_t total = 0;
  std::uint64_t by_severity[5] = {};   // info .. critical
  std::string first_ts, last_ts;
};

struct ZoneCell {
  std::uint64_t events = 0;
  std::uint64_t violations = 0;        // kind segmentation
};

struct FindingRow {
  std::string ts, sensor, kind, severity, rule_id, rule_name, source_zone, destination_zone;
  std::string source, destination;     // "ip:port" ("" when redacted or absent)
  std::string protocol, function;      // function identity (fc, sub, type ...), never values
  std::string detail;                  // message, or the decoded PDU; "" when redacted
  std::string norms;
  int severity_rank = 0;
};

// A class of events that an absence statement can be about.
struct EventClass {
  std::string id;                      // "kind:segmentation", "norm:g", "severity:high+"
  std::string description;
};

struct ReportStatement {
  std::string sensor;
  bool made = false;                   // false: the reasons say why not
  std::string text;
  std::vector<std::string> absent;     // classes with no event (made statements)
  std::vector<std::string> present;    // classes that did occur (no absence claim)
  std::vector<std::string> unjudged;   // classes the sensor could not judge (no policy / rule pack)
};

struct ReportData {
  ReportOptions options;
  std::string from;                    // normalised bounds
  std::string to;
  std::uint64_t events = 0;            // every stored event in the period
  std::uint64_t findings = 0;
  std::uint64_t integrity_events = 0;  // the collector's integrity events (chain problems)
  std::uint64_t checkpoints = 0;       // the sensors' signed checkpoints (kind integrity)
  std::uint64_t rejected_lines = 0;    // the store's quarantine (all time)
  std::vector<SensorCoverage> sensors;
  std::vector<CountRow> by_kind, by_severity, by_norm, by_rule, by_zone, by_sensor;
  std::vector<std::string> zones;      // matrix axes: policy zones, then zones seen
  std::map<std::pair<std::string, std::string>, ZoneCell> matrix;
  std::vector<std::vector<std::uint64_t>> timeline;  // [bucket][severity]
  std::int64_t timeline_start_ns = 0;
  std::int64_t timeline_bucket_ns = 0;
  std::vector<FindingRow> listed;      // most severe first, capped
  std::uint64_t findings_not_listed = 0;
  bool keys_capped = false;            // an aggregate hit max_distinct_keys
  // sensor -> statement class id (statement_classes()) -> events of that class in the period
  std::map<std::string, std::map<std::string, std::uint64_t>> class_counts;
  std::vector<ReportStatement> statements;
};

inline constexpr const char* kSeverityNames[5] = {"info", "low", "medium", "high", "critical"};

// Reads the period from the store (read-only use). Errors: bad time, storage errors.
core::Result<ReportData, std::string> gather_report(EventStore& store, const ReportOptions& options);

// The classes an absence statement is made about, and the statement logic (report_coverage.cpp).
const std::vector<EventClass>& statement_classes();
void evaluate_coverage(ReportData& data);

// The page (report_html.cpp). Deterministic; everything from events is HTML-escaped.
std::string render_report_html(const ReportData& data);

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// The timeline chart as inline SVG (report_svg.cpp).
std::string render_timeline_svg(const ReportData& data);

// RFC 3339 (as stored) to Unix nanoseconds; nullopt-like -1 on a malformed value.
std::int64_t report_time_ns(std::string_view rfc3339);

}  // namespace normwatch::collector
