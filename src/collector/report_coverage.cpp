// The compliance report's statement rule (NORMS-AND-RULES.md §4 item 7: "no absence claim beyond
// measured coverage"). A sensor supports "from T0 to T1, with coverage C on links L, no event of
// class X" only when ALL hold over the period:
//   1. heartbeats: at least one, and no stretch of the period (edges included) without a
//      heartbeat longer than max_heartbeat_gap_intervals declared intervals;
//   2. it saw traffic (packets > 0) and raised no SYS-01 "no packets" finding;
//   3. no sequence gap in its epochs (every event it stamped reached the collector) and no spool
//      loss reported by the sensor;
//   4. (kernel + interface drops) / (packets + drops) <= max_drop_ratio, and
//      TCP gap bytes / bytes <= max_tcp_gap_ratio (SPAN loss that kernel counters miss);
//   5. the collector checked the evidence chain and left no integrity mark (broken or missing
//      chain link, bad or unpinned checkpoint signature);
//   6. no rule-pack or policy change during the period (one rule set judged the whole period).
// Classes the sensor could not judge are left out of a statement: segmentation (and GGE 13(g))
// when a heartbeat says it ran without a site policy, every class when it ran without rules.
// Otherwise each failed condition is said plainly and no absence statement is made.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "normwatch/collector/report.hpp"

namespace normwatch::collector {

namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string percent(double ratio) { return fixed(100.0 * ratio, ratio < 0.001 && ratio > 0 ? 4 : 2) + " %"; }

double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

void check(SensorCoverage& s, const CoverageThresholds& t) {
  auto no = [&s](std::string why) { s.reasons.push_back(std::move(why)); };
  const double limit = t.max_heartbeat_gap_intervals * s.interval_s;
  if (s.heartbeats == 0) {
    no("no heartbeat was received in the period, so nothing shows the sensor was watching");
  } else if (s.longest_silence_s > limit) {
    no("no heartbeat for " + fixed(s.longest_silence_s, 1) + " s from " + s.longest_silence_at + " (limit " +
       fixed(t.max_heartbeat_gap_intervals, 0) + " heartbeat intervals = " + fixed(limit, 1) + " s)");
  }
  if (s.heartbeats > 0 && s.packets == 0) no("the heartbeats report no packet captured in the period");
  if (s.silence_findings > 0) {
    no(std::to_string(s.silence_findings) + " SYS-01 finding(s): the sensor saw no packets for a while");
  }
  if (s.sequence_missing > 0) {
    no(std::to_string(s.sequence_missing) + " event(s) the sensor stamped never reached the collector (" +
       std::to_string(s.sequence_gap_ranges) + " sequence gap(s))");
  }
  if (s.lost > 0 || s.loss_events > 0) {
    no("the sensor reported " + std::to_string(s.lost) + " event(s) lost from its spool");
  }
  const std::uint64_t drops = s.kernel_drops + s.interface_drops;
  if (ratio(drops, s.packets + drops) > t.max_drop_ratio) {
    no("capture drops " + std::to_string(drops) + " of " + std::to_string(s.packets + drops) + " frames (" +
       percent(ratio(drops, s.packets + drops)) + ", limit " + percent(t.max_drop_ratio) + ")");
  }
  if (ratio(s.tcp_gap_bytes, s.bytes) > t.max_tcp_gap_ratio) {
    no("TCP bytes never seen: " + std::to_string(s.tcp_gap_bytes) + " in " + std::to_string(s.tcp_gaps) +
       " gap(s), " + percent(ratio(s.tcp_gap_bytes, s.bytes)) + " of the bytes captured (limit " +
       percent(t.max_tcp_gap_ratio) + ")");
  }
  std::uint64_t marks = 0;
  std::string statuses;
  for (const auto& [status, n] : s.integrity) {
    marks += n;
    statuses += (statuses.empty() ? "" : ", ") + status + " " + std::to_string(n);
  }
  if (!s.integrity_checked) no("this store holds no check of the evidence chain (no integrity table)");
  if (marks > 0) no("the evidence chain has " + std::to_string(marks) + " integrity mark(s): " + statuses);
  if (s.config_changes > 0) {
    no("the rule pack or policy changed " + std::to_string(s.config_changes) +
       " time(s) in the period (SYS-01 config_change)");
  }
  s.supports_statements = s.reasons.empty();
}

}  // namespace

const std::vector<EventClass>& statement_classes() {
  static const std::vector<EventClass> kClasses = {
      {"kind:segmentation", "segmentation violation (a flow or command the site policy does not allow)"},
      {"kind:norm_violation", "norm violation (any norm rule of the rule pack)"},
      {"severity:high+", "finding of high or critical severity"},
      {"norm:f", "finding under GGE 13(f) (commands that damage or impair critical infrastructure)"},
      {"norm:g", "finding under GGE 13(g) (protection of critical infrastructure: segmentation)"},
      {"norm:i", "finding under GGE 13(i) (supply-chain integrity: firmware, files, hidden functions)"},
      {"norm:P1", "finding under Paris Call principle 1 (broadcast or sweeping commands)"},
  };
  return kClasses;
}

std::int64_t report_time_ns(std::string_view text) {
  // A stored capture time, or a prefix of one (2024-01-31): the rest is taken from midnight.
  constexpr std::string_view kTemplate = "0000-01-01T00:00:00";
  std::string full(kTemplate);
  const std::size_t head = std::min(text.size(), kTemplate.size());
  for (std::size_t i = 0; i < head; ++i) full[i] = text[i];
  for (std::size_t i = 0; i < full.size(); ++i) {
    const bool digit = full[i] >= '0' && full[i] <= '9';
    if ((kTemplate[i] == '0' || kTemplate[i] == '1') != digit) return -1;
  }
  std::tm tm{};
  if (strptime(full.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return -1;
  std::int64_t ns = static_cast<std::int64_t>(timegm(&tm)) * core::kNsPerSecond;
  if (text.size() > kTemplate.size() + 1 && text[kTemplate.size()] == '.') {
    std::int64_t scale = core::kNsPerSecond / 10;
    for (std::size_t i = kTemplate.size() + 1; i < text.size() && scale > 0; ++i, scale /= 10) {
      if (text[i] < '0' || text[i] > '9') break;
      ns += (text[i] - '0') * scale;
    }
  }
  return ns;
}

void evaluate_coverage(ReportData& d) {
  d.statements.clear();
  for (SensorCoverage& s : d.sensors) {
    s.reasons.clear();
    check(s, d.options.thresholds);
  }
  // Statements are per sensor: a sensor covers only its own links.
  for (SensorCoverage& s : d.sensors) {
    ReportStatement st;
    st.sensor = s.sensor;
    auto found = d.class_counts.find(s.sensor);
    for (const EventClass& c : statement_classes()) {
      const bool occurred = found != d.class_counts.end() && found->second.count(c.id) > 0;
      // Segmentation findings need the site's zones and conduits; every class needs rules.
      const bool needs_policy = c.id == "kind:segmentation" || c.id == "norm:g";
      const bool judged = s.heartbeats_without_rules == 0 && !(needs_policy && s.heartbeats_without_policy > 0);
      (occurred ? st.present : judged ? st.absent : st.unjudged).push_back(c.id);
    }
    const std::string period = "From " + d.from + " to " + d.to;
    std::string links = "the links tapped by sensor " + s.sensor;
    if (!s.zones.empty()) {
      links += " (zones seen:";
      for (const std::string& z : s.zones) links += " " + z;
      links += ")";
    }
    if (!s.supports_statements) {
      st.made = false;
      st.text = period + ", no statement of absence can be made for " + links + ": coverage does not support one.";
    } else {
      const std::uint64_t drops = s.kernel_drops + s.interface_drops;
      const std::string coverage = "heartbeats every " + fixed(s.interval_s, 0) + " s with no silence over " +
                                   fixed(s.longest_silence_s, 1) + " s, " + std::to_string(s.packets) +
                                   " packets, capture drops " + percent(ratio(drops, s.packets + drops)) +
                                   ", TCP bytes missed " + percent(ratio(s.tcp_gap_bytes, s.bytes)) +
                                   ", no sequence gap, no integrity mark on the evidence chain";
      st.made = true;
      st.text = period + ", with coverage C (" + coverage + ") on " + links + ":";
      if (s.heartbeats_without_rules > 0) {
        st.text += " (the sensor ran without a rule pack: no statement about findings)";
      } else if (s.heartbeats_without_policy > 0) {
        st.text += " (the sensor ran without a site policy: no statement about segmentation)";
      }
    }
    d.statements.push_back(std::move(st));
  }
}

}  // namespace normwatch::collector
