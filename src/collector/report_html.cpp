// The compliance report page (issue 10 §4; NORMS-AND-RULES.md §4): one self-contained HTML file,
// inline CSS, inline SVG and a few lines of inline script (table sorting, and a load marker and
// error trap that headless tests read from the DOM). No network resource of any kind. Every
// string that comes from the store passes html_escape().
#include <cstdio>

#include "normwatch/collector/report.hpp"

namespace normwatch::collector {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

namespace {

constexpr std::string_view kStyle = R"css(
:root{--ink:#1d2733;--muted:#5b6b7c;--line:#d5dde6;--bg:#f6f8fa;--ok:#1a7f37;--bad:#c4161c;--warn:#e8701a}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:0;background:#fff}
header{background:#1d2733;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}header p{margin:2px 0;color:#cfd8e3}
main{padding:8px 28px 40px;max-width:1400px}h2{font-size:18px;border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:28px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.card{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:10px 16px;min-width:150px}
.card b{display:block;font-size:24px}.card span{color:var(--muted);font-size:12px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);cursor:pointer;user-select:none}td.n{text-align:right;font-variant-numeric:tabular-nums}
.sev-critical{color:#fff;background:#c4161c}.sev-high{color:#fff;background:#e8701a}.sev-medium{background:#ffe58a}.sev-low{background:#d6ebfa}.sev-info{background:#eef1f4}
.pill{border-radius:3px;padding:0 6px;font-size:12px;white-space:nowrap}
.ok{color:var(--ok);font-weight:600}.bad{color:var(--bad);font-weight:600}.muted{color:var(--muted)}
.statement{border-left:4px solid var(--ok);background:#eefaf1;padding:8px 12px;margin:10px 0}.statement.none{border-color:var(--bad);background:#fdf0f0}
.matrix td{text-align:center;min-width:70px}.matrix td.viol{background:#fbd5d5;color:var(--bad);font-weight:600}.matrix td.conduit{background:#e8f5ec}
.matrix td.seen{background:#fff7e0}.matrix th.row{text-align:right}td.t{white-space:nowrap}.detail{min-width:420px;max-width:640px;word-break:break-word;font-family:ui-monospace,monospace;font-size:12px}
.scroll{overflow-x:auto}#errors{color:var(--bad);font-weight:600}@media print{th{cursor:auto}header{background:#fff;color:#000}header p{color:#333}}
)css";

// Sorts a table by the clicked column (numbers numerically); marks the page ready for headless
// checks and writes any script error into the DOM (#errors, data-errors) so --dump-dom shows it.
constexpr std::string_view kScript = R"js(
window.onerror=function(m,s,l,c){var e=document.getElementById('errors');if(e){e.textContent+='script error: '+m+' (line '+l+')\n';}
document.body.setAttribute('data-errors',String(1+Number(document.body.getAttribute('data-errors')||0)));return false;};
document.addEventListener('DOMContentLoaded',function(){
document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){
var tb=th.closest('table').tBodies[0];var rows=Array.prototype.slice.call(tb.rows);var asc=th.getAttribute('data-asc')!=='1';
rows.sort(function(a,b){var x=a.cells[th.cellIndex].textContent,y=b.cells[th.cellIndex].textContent;var nx=parseFloat(x.replace(/[^0-9.\-]/g,'')),ny=parseFloat(y.replace(/[^0-9.\-]/g,''));
var r=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?r:-r;});rows.forEach(function(r){tb.appendChild(r);});th.setAttribute('data-asc',asc?'1':'0');});});
var n=document.querySelectorAll('#timeline rect.bar').length;document.body.setAttribute('data-bars',String(n));
document.body.setAttribute('data-ready','1');});
)js";

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string pct(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? "–" : fixed(100.0 * static_cast<double>(part) / static_cast<double>(whole), 2) + " %";
}

std::string td(std::string_view text) { return "<td>" + html_escape(text) + "</td>"; }
// Times never wrap: a timestamp broken over three lines is unreadable.
std::string tdt(std::string_view ts) { return "<td class=\"t\">" + html_escape(ts) + "</td>"; }
std::string tdn(std::uint64_t v) { return "<td class=\"n\">" + std::to_string(v) + "</td>"; }
std::string sev_pill(std::string_view sev) {
  return "<span class=\"pill sev-" + html_escape(sev) + "\">" + html_escape(sev) + "</span>";
}

std::string head_row(std::initializer_list<std::string_view> names) {
  std::string s = "<thead><tr>";
  for (std::string_view n : names) s += "<th>" + html_escape(n) + "</th>";
  return s + "</tr></thead><tbody>";
}

void card(std::string& h, std::string_view id, std::uint64_t value, std::string_view label) {
  h += "<div class=\"card\"><b id=\"" + std::string(id) + "\">" + std::to_string(value) + "</b><span>" +
       html_escape(label) + "</span></div>";
}

void counts_table(std::string& h, std::string_view id, std::string_view title, std::string_view key_name,
                  const std::vector<CountRow>& rows, bool with_label) {
  h += "<h3>" + html_escape(title) + "</h3>";
  if (rows.empty()) {
    h += "<p class=\"muted\">none</p>";
    return;
  }
  h += "<table class=\"sortable\" id=\"" + std::string(id) + "\">";
  h += with_label ? head_row({key_name, "name", "events", "critical", "high", "medium", "low", "info", "first", "last"})
                  : head_row({key_name, "events", "critical", "high", "medium", "low", "info", "first", "last"});
  for (const CountRow& r : rows) {
    h += "<tr data-key=\"" + html_escape(r.key) + "\">" + td(r.key);
    if (with_label) h += td(r.label);
    h += tdn(r.total);
    for (int s = 4; s >= 0; --s) h += tdn(r.by_severity[s]);
    h += tdt(r.first_ts) + tdt(r.last_ts) + "</tr>";
  }
  h += "</tbody></table>";
}

void statements_section(std::string& h, const ReportData& d) {
  h += "<h2 id=\"statements\">Compliance statements</h2>";
  h += "<p class=\"muted\">A statement that no event of a class occurred is made only where the sensor's measured "
       "coverage supports it (rule at the end of this page). Classes that did occur are listed, never claimed "
       "absent.</p>";
  if (d.statements.empty()) h += "<p>No sensor is in scope: no statement can be made.</p>";
  for (const ReportStatement& st : d.statements) {
    h += "<div class=\"statement" + std::string(st.made ? "" : " none") + "\" data-sensor=\"" +
         html_escape(st.sensor) + "\" data-made=\"" + (st.made ? "1" : "0") + "\"><p>" + html_escape(st.text) +
         "</p>";
    if (st.made) {
      h += "<ul>";
      for (const std::string& id : st.absent) {
        for (const EventClass& c : statement_classes()) {
          if (c.id == id) h += "<li class=\"absent\">no event of class <b>" + html_escape(c.description) + "</b></li>";
        }
      }
      h += "</ul>";
    } else {
      h += "<p>Why not:</p><ul>";
      for (const SensorCoverage& s : d.sensors) {
        if (s.sensor != st.sensor) continue;
        for (const std::string& why : s.reasons) h += "<li class=\"reason\">" + html_escape(why) + "</li>";
      }
      h += "</ul>";
    }
    if (st.made && !st.unjudged.empty()) {
      h += "<p class=\"muted\">Not judged by this sensor (no site policy or rule pack loaded; no absence claim):";
      for (const std::string& id : st.unjudged) h += " <code>" + html_escape(id) + "</code>";
      h += "</p>";
    }
    if (!st.present.empty()) {
      h += "<p class=\"muted\">Occurred in the period (no absence claim):";
      for (const std::string& id : st.present) h += " <code>" + html_escape(id) + "</code>";
      h += "</p>";
    }
    h += "</div>";
  }
}

void sensors_section(std::string& h, const ReportData& d) {
  h += "<h2 id=\"coverage\">Sensors and coverage</h2>";
  if (d.sensors.empty()) {
    h += "<p>No sensor has delivered events to this store.</p>";
    return;
  }
  h += "<div class=\"scroll\"><table class=\"sortable\" id=\"sensors\">" +
       head_row({"sensor", "key", "statements", "heartbeats", "interval", "uptime", "longest silence", "packets",
                 "drops (kernel + if)", "TCP gaps (bytes)", "decode / parse anomalies", "PDUs", "flows",
                 "sequence gaps", "spool losses", "integrity marks", "SYS-01", "epochs", "events", "findings"});
  for (const SensorCoverage& s : d.sensors) {
    std::uint64_t marks = 0;
    std::string statuses;
    for (const auto& [status, n] : s.integrity) {
      marks += n;
      statuses += status + " " + std::to_string(n) + " ";
    }
    const std::uint64_t drops = s.kernel_drops + s.interface_drops;
    h += "<tr data-sensor=\"" + html_escape(s.sensor) + "\">" + td(s.sensor) + td(s.principal);
    h += std::string("<td class=\"") + (s.supports_statements ? "ok\">supported" : "bad\">not supported") + "</td>";
    h += tdn(s.heartbeats) + "<td class=\"n\">" + fixed(s.interval_s, 1) + " s</td>";
    h += "<td class=\"n\">" +
         (s.period_s > 0 ? fixed(100.0 * s.covered_s / s.period_s, 2) + " %" : std::string("–")) + "</td>";
    h += "<td class=\"n\" title=\"from " + html_escape(s.longest_silence_at) + "\">" + fixed(s.longest_silence_s, 1) +
         " s</td>";
    h += tdn(s.packets);
    h += "<td class=\"n\">" + std::to_string(s.kernel_drops) + " + " + std::to_string(s.interface_drops) + " (" +
         pct(drops, s.packets + drops) + ")</td>";
    h += "<td class=\"n\">" + std::to_string(s.tcp_gaps) + " (" + std::to_string(s.tcp_gap_bytes) + " B, " +
         pct(s.tcp_gap_bytes, s.bytes) + ")</td>";
    h += "<td class=\"n\">" + std::to_string(s.decode_anomalies) + " / " + std::to_string(s.parse_anomalies) + "</td>";
    h += tdn(s.pdus) + tdn(s.flows);
    h += "<td class=\"n\">" + std::to_string(s.sequence_missing) + " missing in " +
         std::to_string(s.sequence_gap_ranges) + "</td>";
    h += tdn(s.lost);
    h += "<td class=\"n\" title=\"" + html_escape(statuses) + "\">" + std::to_string(marks) + "</td>";
    h += "<td class=\"n\">" + std::to_string(s.silence_findings + s.config_changes) + "</td>";
    h += tdn(s.epochs) + tdn(s.events) + tdn(s.findings) + "</tr>";
  }
  h += "</tbody></table></div>";
  h += "<p class=\"muted\">Uptime: share of the period between heartbeats no more than " +
       fixed(d.options.thresholds.max_heartbeat_gap_intervals, 0) +
       " intervals apart. Counters are the period's share of the heartbeats' cumulative counters (per boot "
       "epoch). Sequence gaps: events the sensor stamped that the collector never received, in the epochs "
       "with events in the period. Sessions the sensor cannot read (TLS, IEC 62351, DNP3 SAv5) are not "
       "counted separately by this sensor version; they appear as parse anomalies at most.</p>";
}

void matrix_section(std::string& h, const ReportData& d) {
  h += "<h2 id=\"zones\">Zone-to-zone communication</h2>";
  if (d.zones.empty()) {
    h += "<p class=\"muted\">No event in the period names a zone, and no policy was given.</p>";
    return;
  }
  auto conduit = [&d](const std::string& a, const std::string& b) {
    for (const auto& [from, to] : d.options.policy.conduits) {
      if (from == a && to == b) return true;
    }
    return false;
  };
  h += "<p class=\"muted\">Rows: source zone; columns: destination zone. A cell counts the events between the "
       "two zones; <span class=\"bad\">red</span>: segmentation violations (count in brackets)";
  if (!d.options.policy.id.empty()) {
    h += "; green: a conduit of policy <b>" + html_escape(d.options.policy.id) + "</b> allows the pair";
  }
  h += ". The sensor reports findings, not every flow: an empty cell is not proof of no traffic.</p>";
  h += "<table class=\"matrix\" id=\"matrix\"><thead><tr><th>from \\ to</th>";
  for (const std::string& z : d.zones) h += "<th>" + html_escape(z) + "</th>";
  h += "</tr></thead><tbody>";
  for (const std::string& a : d.zones) {
    h += "<tr><th class=\"row\">" + html_escape(a) + "</th>";
    for (const std::string& b : d.zones) {
      const auto it = d.matrix.find({a, b});
      const bool allowed = conduit(a, b);
      std::string cls = allowed ? "conduit" : "";
      std::string text = allowed ? "C" : "";
      if (it != d.matrix.end()) {
        cls = it->second.violations > 0 ? "viol" : (allowed ? "conduit" : "seen");
        text = std::to_string(it->second.events);
        if (it->second.violations > 0) text += " (" + std::to_string(it->second.violations) + ")";
      }
      h += "<td class=\"" + cls + "\" data-from=\"" + html_escape(a) + "\" data-to=\"" + html_escape(b) + "\">" +
           html_escape(text) + "</td>";
    }
    h += "</tr>";
  }
  h += "</tbody></table>";
}

void findings_section(std::string& h, const ReportData& d) {
  const bool redact = d.options.redact;
  h += "<h2 id=\"findings\">Findings, most severe first</h2>";
  if (d.listed.empty()) {
    h += "<p class=\"muted\">none</p>";
    return;
  }
  h += "<div class=\"scroll\"><table class=\"sortable\" id=\"findings-table\">";
  h += redact ? head_row({"time", "sensor", "severity", "kind", "rule", "norms", "from zone", "to zone", "protocol",
                          "function"})
              : head_row({"time", "sensor", "severity", "kind", "rule", "norms", "source", "destination", "protocol",
                          "function", "detail"});
  for (const FindingRow& f : d.listed) {
    h += "<tr>" + tdt(f.ts) + td(f.sensor) + "<td>" + sev_pill(f.severity) + "</td>" + td(f.kind);
    h += "<td>" + html_escape(f.rule_id) + (f.rule_name.empty() ? "" : " " + html_escape(f.rule_name)) + "</td>";
    h += td(f.norms);
    if (redact) {
      h += td(f.source_zone) + td(f.destination_zone);
    } else {
      h += td(f.source + (f.source_zone.empty() ? "" : " (" + f.source_zone + ")"));
      h += td(f.destination + (f.destination_zone.empty() ? "" : " (" + f.destination_zone + ")"));
    }
    h += td(f.protocol) + td(f.function);
    if (!redact) h += "<td class=\"detail\">" + html_escape(f.detail) + "</td>";
    h += "</tr>";
  }
  h += "</tbody></table></div>";
  if (d.findings_not_listed > 0) {
    h += "<p class=\"muted\">" + std::to_string(d.findings_not_listed) +
         " less severe or later findings are not listed (limit " + std::to_string(d.options.max_listed_findings) +
         "); the tables above count them all.</p>";
  }
}

void method_section(std::string& h, const ReportData& d) {
  const CoverageThresholds& t = d.options.thresholds;
  h += "<h2 id=\"method\">How statements are decided</h2><p>A sensor supports a statement of absence for the "
       "period only when all of these hold; otherwise the report says which did not:</p><ol>";
  h += "<li>at least one heartbeat, and no stretch of the period (its start and end included) longer than " +
       fixed(t.max_heartbeat_gap_intervals, 0) + " heartbeat intervals without one;</li>";
  h += "<li>the heartbeats show captured packets, and no SYS-01 \"no packets\" finding;</li>";
  h += "<li>no sequence gap (every event the sensor stamped reached the collector) and no spool loss;</li>";
  h += "<li>capture drops (kernel and interface) at most " + fixed(100.0 * t.max_drop_ratio, 3) +
       " % of frames, and TCP bytes never seen at most " + fixed(100.0 * t.max_tcp_gap_ratio, 3) +
       " % of bytes captured;</li>";
  h += "<li>no integrity mark on its events (chain links and checkpoint signatures checked by the collector);</li>";
  h += "<li>no change of rule pack or policy during the period.</li></ol>";
  h += "<p class=\"muted\">Times are capture times (UTC). The store's quarantine holds " +
       std::to_string(d.rejected_lines) + " invalid line(s) (all time)." +
       (d.keys_capped ? " Some tables reached their key limit and count the rest under \"(other)\"." : "") +
       "</p>";
}

}  // namespace

std::string render_report_html(const ReportData& d) {
  const bool redact = d.options.redact;
  std::string h;
  h.reserve(64 * 1024);
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  // No resource may be fetched: the page must open the same offline, years later.
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
       "script-src 'unsafe-inline'; img-src data:\">";
  h += "<title>normwatch compliance report " + html_escape(d.from) + " to " + html_escape(d.to) + "</title>";
  h += "<style>" + std::string(kStyle) + "</style><script>" + std::string(kScript) + "</script></head>\n";
  h += "<body data-ready=\"0\" data-errors=\"0\" data-redacted=\"" + std::string(redact ? "1" : "0") + "\">";
  h += "<header><h1>normwatch compliance report</h1>";
  h += "<p>Period: <b>" + html_escape(d.from) + "</b> to <b>" + html_escape(d.to) + "</b> (capture time, end "
       "exclusive)</p>";
  h += "<p>Store: " + html_escape(d.options.db_label) +
       (d.options.sensor.empty() ? "; all sensors" : "; sensor " + html_escape(d.options.sensor)) +
       (d.options.policy.id.empty() ? "" : "; policy " + html_escape(d.options.policy.id)) + "</p>";
  if (redact) {
    h += "<p id=\"redacted\"><b>Redacted</b> (information barrier): function class, target zone and counts "
         "only; no process values, object addresses, IP addresses or messages.</p>";
  }
  h += "</header><main><div id=\"errors\"></div>";

  std::uint64_t high = 0;
  for (const CountRow& r : d.by_severity) high += r.by_severity[3] + r.by_severity[4];
  std::uint64_t made = 0;
  for (const ReportStatement& s : d.statements) made += s.made ? 1 : 0;
  h += "<div class=\"cards\">";
  card(h, "total-events", d.events, "events stored in the period");
  card(h, "total-findings", d.findings, "findings (norm, segmentation, anomaly)");
  card(h, "total-high", high, "high or critical");
  card(h, "total-integrity", d.integrity_events, "chain problems raised by the collector");
  card(h, "total-checkpoints", d.checkpoints, "signed checkpoints");
  card(h, "total-sensors", d.sensors.size(), "sensors");
  card(h, "total-statements", made, "sensors supporting statements");
  h += "</div>";

  statements_section(h, d);
  sensors_section(h, d);
  const double bucket_s = static_cast<double>(d.timeline_bucket_ns) / 1e9;
  h += "<h2 id=\"timeline-title\">Timeline</h2><p class=\"muted\">Events per " +
       fixed(bucket_s, bucket_s < 10 ? 3 : 0) + " s, by severity (heartbeats not drawn).</p>";
  h += render_timeline_svg(d);
  h += "<h2 id=\"events\">Events</h2>";
  counts_table(h, "by-kind", "By kind (heartbeats included)", "kind", d.by_kind, false);
  counts_table(h, "by-severity", "By severity", "severity", d.by_severity, false);
  counts_table(h, "by-norm", "By norm tag", "norm", d.by_norm, false);
  counts_table(h, "by-rule", "By rule", "rule", d.by_rule, true);
  counts_table(h, "by-zone", "By zone pair", "from → to", d.by_zone, false);
  counts_table(h, "by-sensor", "By sensor", "sensor", d.by_sensor, false);
  matrix_section(h, d);
  findings_section(h, d);
  method_section(h, d);
  h += "</main></body></html>\n";
  return h;
}

}  // namespace normwatch::collector
