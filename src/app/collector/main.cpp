// normwatch-collector: the collector's command line (issue 7 §3, §4).
//   normwatch-collector --listen tcp://*:7700 --db FILE --key collector.key --allow DIR [--pub EP]
//   normwatch-collector --listen ... --db FILE --plaintext-lab            (lab only, no security)
//   normwatch-collector query --db FILE [--sensor S] [--rule R] [--severity S[+]] [--kind K]
//                             [--from T] [--to T] [--zone Z] [--limit N] [--json]
//   normwatch-collector sensors --db FILE [--json]
//   normwatch-collector export --db FILE --from T0 --to T1 [--sensor ID] --out DIR [--keys DIR]
//                              [--rules DIR] [--policy FILE]      (evidence bundle, issue 10)
//   normwatch-collector report --db FILE --from T0 --to T1 --out report.html [--sensor ID]
//                              [--redact] [--policy FILE]         (compliance report, issue 10)
// Exit status: 0 success, 1 runtime error (cannot listen, bad key, bad database), 2 bad usage.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <yaml-cpp/yaml.h>

#include "config_file.hpp"
#include "normwatch/collector/export_bundle.hpp"
#include "normwatch/collector/query.hpp"
#include "normwatch/collector/report.hpp"
#include "normwatch/collector/server.hpp"
#include "normwatch/version.hpp"

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop.store(true); }

int serve(normwatch::collector::ServerOptions options) {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  auto server = normwatch::collector::Server::open(std::move(options));
  if (!server) {
    std::fprintf(stderr, "normwatch-collector: %s\n", server.error().c_str());
    return 1;
  }
  if (auto r = (*server)->run(g_stop); !r) {
    std::fprintf(stderr, "normwatch-collector: %s\n", r.error().c_str());
    return 1;
  }
  return 0;
}

std::unique_ptr<normwatch::collector::EventStore> open_read_only(const std::string& db) {
  normwatch::collector::StoreOptions options;
  options.read_only = true;
  auto store = normwatch::collector::EventStore::open(db, options);
  if (!store) {
    std::fprintf(stderr, "normwatch-collector: %s\n", store.error().c_str());
    return nullptr;
  }
  return std::move(*store);
}

// The zones and conduits of a site policy, for the report's zone matrix (ids only; the sensor's
// rules/policy library validates policies, here a readable file is enough). Start-up only.
bool load_report_policy(const std::string& path, normwatch::collector::ReportPolicy& out) {
  try {
    const YAML::Node root = YAML::LoadFile(path);
    out.id = root["policy"] && root["policy"]["id"] ? root["policy"]["id"].as<std::string>() : path;
    for (const YAML::Node& z : root["zones"]) out.zones.push_back(z["id"].as<std::string>());
    for (const YAML::Node& c : root["conduits"]) {
      out.conduits.emplace_back(c["from"].as<std::string>(), c["to"].as<std::string>());
    }
    return true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "normwatch-collector: report: policy %s: %s\n", path.c_str(), e.what());
    return false;
  }
}

int write_report(const std::string& db, normwatch::collector::ReportOptions options, const std::string& policy,
                 const std::string& out) {
  if (!policy.empty() && !load_report_policy(policy, options.policy)) return 1;
  auto store = open_read_only(db);
  if (!store) return 1;
  options.db_label = db;
  auto data = normwatch::collector::gather_report(*store, options);
  if (!data) {
    std::fprintf(stderr, "normwatch-collector: report: %s\n", data.error().c_str());
    return data.error().starts_with("bad time") ? 2 : 1;
  }
  const std::string html = normwatch::collector::render_report_html(*data);
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file.write(html.data(), static_cast<std::streamsize>(html.size()));
  file.close();
  if (!file) {
    std::fprintf(stderr, "normwatch-collector: report: cannot write %s\n", out.c_str());
    return 1;
  }
  std::size_t made = 0;
  for (const auto& s : data->statements) made += s.made ? 1 : 0;
  std::printf("report written to %s: %llu events, %llu findings, %zu sensors, %zu supporting statements%s\n",
              out.c_str(), static_cast<unsigned long long>(data->events),
              static_cast<unsigned long long>(data->findings), data->sensors.size(), made,
              options.redact ? " (redacted)" : "");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"normwatch-collector: receives normwatch sensor events over ZeroMQ (CURVE) and stores them in SQLite"};
  app.set_version_flag("--version",
                       fmt::format("normwatch-collector {} (git {})", normwatch::kVersion, normwatch::kGitRevision));

  normwatch::collector::ServerOptions serve_options;
  std::string key;
  std::string allow;
  std::string db;
  std::string sync = "full";
  int commit_ms = 10;
  app.add_option("--listen", serve_options.listen, "ZeroMQ endpoint to listen on, e.g. tcp://*:7700");
  app.add_option("--db", db, "SQLite database file (created if missing)");
  app.add_option("--key", key, "The collector's CURVE secret key file (normwatch keygen NAME writes NAME.key)");
  app.add_option("--allow", allow, "Directory of the .pub files of the sensors to accept (name.pub: name = key name)");
  app.add_option("--pub", serve_options.pub, "Re-publish accepted events on a PUB socket at this endpoint");
  app.add_flag("--plaintext-lab", serve_options.plaintext_lab,
               "Accept unencrypted, unauthenticated sensors (a lab only; the sensors need it too)");
  app.add_option("--sync", sync, "SQLite durability of an acknowledged commit: full (survives a power cut) or normal")
      ->check(CLI::IsMember({"full", "normal"}))
      ->capture_default_str();
  app.add_option("--commit-ms", commit_ms, "Longest wait before a batch of events is committed and acknowledged")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();
  app.add_option("--commit-events", serve_options.commit_events, "Commit once this many events are pending")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_flag("--bind-sensor-ids", serve_options.require_sensor_matches_key,
               "Quarantine events whose sensor id differs from the name of the key that delivered them");

  normwatch::collector::QueryFilter filter;
  std::string query_db;
  bool query_json = false;
  auto* query = app.add_subcommand("query", "List stored events (a table, or the stored JSON lines with --json)");
  query->add_option("--db", query_db, "SQLite database file")->required();
  query->add_option("--sensor", filter.sensor, "Only this sensor");
  query->add_option("--rule", filter.rule, "Only this rule id, e.g. MB-01");
  query->add_option("--severity", filter.severity, "Only this severity (info..critical); high+ = high and critical");
  query->add_option("--kind", filter.kind, "Only this kind (norm_violation, segmentation, anomaly, health, loss, ...)");
  query->add_option("--from", filter.from, "Events at or after this capture time (RFC 3339 UTC or Unix seconds)");
  query->add_option("--to", filter.to, "Events before this capture time (RFC 3339 UTC or Unix seconds)");
  query->add_option("--zone", filter.zone, "Events from or to this zone");
  query->add_option("--limit", filter.limit, "At most this many events");
  query->add_flag("--json", query_json, "Print the stored canonical JSON lines");

  std::string sensors_db;
  bool sensors_json = false;
  auto* sensors = app.add_subcommand("sensors", "Show each sensor's last heartbeat, coverage and sequence gaps");
  sensors->add_option("--db", sensors_db, "SQLite database file")->required();
  sensors->add_flag("--json", sensors_json, "One JSON object per sensor");

  // One YAML file for the whole command line (issue 8 §3, src/app/config_file.hpp): section
  // `collector:`; `normwatch-collector --config FILE` runs it, `check-config FILE` validates it.
  normwatch::app::ConfigArgv config(argc, argv, app, "collector");
  if (config.exit_code()) return *config.exit_code();
  argc = config.argc();
  argv = config.argv();

  normwatch::collector::ExportOptions export_options;
  std::string export_db;
  std::string export_out;
  std::string export_keys;
  std::string export_rules;
  std::string export_policy;
  auto* export_cmd = app.add_subcommand(
      "export", "Write an evidence bundle of a period for an inspector (check it with `normwatch verify DIR`)");
  export_cmd->add_option("--db", export_db, "SQLite database file")->required();
  export_cmd->add_option("--from", export_options.from, "Start of the period (RFC 3339 UTC, inclusive)")->required();
  export_cmd->add_option("--to", export_options.to, "End of the period (RFC 3339 UTC, exclusive)")->required();
  export_cmd->add_option("--sensor", export_options.sensor, "Only this sensor");
  export_cmd->add_option("--out", export_out, "Bundle directory to create (must not exist or be empty)")->required();
  export_cmd->add_option("--keys", export_keys,
                         "Directory of the sensors' pinned NAME.sign.pub keys (usually the collector's --allow DIR)");
  export_cmd->add_option("--rules", export_rules, "Rule pack (directory or file) to include with its hash");
  export_cmd->add_option("--policy", export_policy, "Policy file to include with its hash");

  normwatch::collector::ReportOptions report_options;
  std::string report_db;
  std::string report_out;
  std::string report_policy;
  auto* report_cmd = app.add_subcommand(
      "report", "Write the compliance report of a period as one self-contained HTML page (for inspectors)");
  report_cmd->add_option("--db", report_db, "SQLite database file")->required();
  report_cmd->add_option("--from", report_options.from, "Start of the period (RFC 3339 UTC, inclusive)")->required();
  report_cmd->add_option("--to", report_options.to, "End of the period (RFC 3339 UTC, exclusive)")->required();
  report_cmd->add_option("--out", report_out, "HTML file to write")->required();
  report_cmd->add_option("--sensor", report_options.sensor, "Only this sensor");
  report_cmd->add_flag("--redact", report_options.redact,
                       "Information barrier: no process values, object addresses, IP addresses or messages");
  report_cmd->add_option("--policy", report_policy, "Site policy: its zones and conduits frame the zone matrix");
  report_cmd->add_option("--max-heartbeat-gap", report_options.thresholds.max_heartbeat_gap_intervals,
                         "Longest silence between heartbeats, in intervals, that still supports statements")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  report_cmd->add_option("--max-drop-ratio", report_options.thresholds.max_drop_ratio,
                         "Largest share of frames dropped by the kernel or interface that still supports statements")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  report_cmd->add_option("--max-tcp-gap-ratio", report_options.thresholds.max_tcp_gap_ratio,
                         "Largest share of TCP bytes never seen that still supports statements")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();

  if (const auto status = normwatch::app::parse_command_line(app, argc, argv)) return *status;

  if (*query) {
    auto store = open_read_only(query_db);
    if (!store) return 1;
    auto n = normwatch::collector::print_events(*store, filter, query_json, stdout);
    if (!n) {
      std::fprintf(stderr, "normwatch-collector: %s\n", n.error().c_str());
      return n.error().starts_with("unknown") || n.error().starts_with("bad time") ? 2 : 1;
    }
    return 0;
  }
  if (*sensors) {
    auto store = open_read_only(sensors_db);
    if (!store) return 1;
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto n = normwatch::collector::print_sensors(*store, sensors_json, stdout, now);
    if (!n) {
      std::fprintf(stderr, "normwatch-collector: %s\n", n.error().c_str());
      return 1;
    }
    return 0;
  }
  if (*export_cmd) {
    auto store = open_read_only(export_db);
    if (!store) return 1;
    export_options.out = export_out;
    export_options.keys_dir = export_keys;
    export_options.rules = export_rules;
    export_options.policy = export_policy;
    auto summary = normwatch::collector::export_bundle(*store, export_options);
    if (!summary) {
      std::fprintf(stderr, "normwatch-collector: export: %s\n", summary.error().c_str());
      return summary.error().starts_with("bad time") ? 2 : 1;
    }
    for (const auto& w : summary->warnings) std::fprintf(stderr, "normwatch-collector: export: warning: %s\n", w.c_str());
    for (const auto& s : summary->sensors) {
      std::printf("%s: %llu events (seq %llu..%llu), %llu checkpoints, %llu heartbeats%s\n", s.sensor.c_str(),
                  static_cast<unsigned long long>(s.events), static_cast<unsigned long long>(s.first_seq),
                  static_cast<unsigned long long>(s.last_seq), static_cast<unsigned long long>(s.checkpoints),
                  static_cast<unsigned long long>(s.heartbeats), s.key ? "" : ", NO pinned key");
    }
    std::printf("bundle written to %s; check it with: normwatch verify %s\n", export_out.c_str(), export_out.c_str());
    return 0;
  }
  if (*report_cmd) return write_report(report_db, report_options, report_policy, report_out);
  if (serve_options.listen.empty() || db.empty()) {
    std::fprintf(stderr, "normwatch-collector: --listen and --db are required (or use the query / sensors commands)\n%s",
                 app.help().c_str());
    return 2;
  }
  serve_options.db = db;
  serve_options.key = key;
  serve_options.allow_dir = allow;
  serve_options.sync_full = sync == "full";
  serve_options.commit_interval = std::chrono::milliseconds(commit_ms);
  return serve(std::move(serve_options));
}
