// `normwatch-collector sensors`: per sensor, the last heartbeat and its coverage figures, heartbeat
// coverage over time, reported losses, epochs and open sequence gaps.
#include <cinttypes>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "normwatch/collector/query.hpp"
#include "normwatch/core/timestamp.hpp"
#include "normwatch/publish/json_text.hpp"

namespace normwatch::collector {

namespace {

using publish::append_json_key;
using publish::append_json_string;

struct EpochRow {
  std::int64_t epoch = 0;
  std::int64_t first_seq = 0;
  std::int64_t last_seq = 0;
  std::int64_t events = 0;
  std::int64_t duplicates = 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> gaps;
};

struct SensorReport {
  std::string sensor;
  std::string principal;
  std::int64_t first_received_ns = 0;
  std::int64_t last_received_ns = 0;
  std::int64_t events = 0;
  std::int64_t duplicates = 0;
  std::vector<EpochRow> epochs;
  std::int64_t heartbeats = 0;
  std::string first_heartbeat_ts;
  std::string last_heartbeat_ts;
  std::int64_t last_heartbeat_received_ns = 0;
  std::string last_health;  // the health object as JSON text
  double interval_s = 0;
  std::int64_t loss_events = 0;
  std::int64_t lost = 0;
  std::int64_t sys01 = 0;
};

core::Result<void, std::string> fill(Database& db, SensorReport& r) {
  auto epochs = db.prepare(
      "SELECT epoch, first_seq, last_seq, events, duplicates FROM epochs WHERE sensor = ?1 ORDER BY epoch");
  if (!epochs) return core::unexpected(epochs.error());
  epochs->bind(1, r.sensor);
  auto gaps = db.prepare(
      "SELECT first_missing, last_missing FROM gaps WHERE sensor = ?1 AND epoch = ?2 ORDER BY first_missing");
  if (!gaps) return core::unexpected(gaps.error());
  for (;;) {
    auto row = epochs->step();
    if (!row) return core::unexpected(row.error());
    if (!*row) break;
    EpochRow e{epochs->column_int(0), epochs->column_int(1), epochs->column_int(2), epochs->column_int(3),
               epochs->column_int(4), {}};
    gaps->bind(1, r.sensor);
    gaps->bind(2, e.epoch);
    for (;;) {
      auto g = gaps->step();
      if (!g) return core::unexpected(g.error());
      if (!*g) break;
      e.gaps.emplace_back(gaps->column_int(0), gaps->column_int(1));
    }
    gaps->reset();
    r.epochs.push_back(std::move(e));
  }
  auto health = db.prepare(
      "SELECT count(*), min(ts), max(ts) FROM events WHERE kind = 'health' AND sensor = ?1");
  if (!health) return core::unexpected(health.error());
  health->bind(1, r.sensor);
  if (auto row = health->step(); row && *row) {
    r.heartbeats = health->column_int(0);
    r.first_heartbeat_ts = std::string(health->column_text(1));
    r.last_heartbeat_ts = std::string(health->column_text(2));
  }
  auto last = db.prepare(
      "SELECT ts, received_ns, json_extract(line, '$.health'), json_extract(line, '$.health.interval_s') "
      "FROM events WHERE kind = 'health' AND sensor = ?1 ORDER BY id DESC LIMIT 1");
  if (!last) return core::unexpected(last.error());
  last->bind(1, r.sensor);
  if (auto row = last->step(); row && *row) {
    r.last_heartbeat_received_ns = last->column_int(1);
    r.last_health = std::string(last->column_text(2));
    r.interval_s = last->column_double(3);
  }
  auto loss = db.prepare(
      "SELECT count(*), total(json_extract(line, '$.loss.dropped')) FROM events WHERE kind = 'loss' AND sensor = ?1");
  if (!loss) return core::unexpected(loss.error());
  loss->bind(1, r.sensor);
  if (auto row = loss->step(); row && *row) {
    r.loss_events = loss->column_int(0);
    r.lost = loss->column_int(1);
  }
  auto sys = db.prepare("SELECT count(*) FROM events WHERE rule_id = 'SYS-01' AND sensor = ?1");
  if (!sys) return core::unexpected(sys.error());
  sys->bind(1, r.sensor);
  if (auto row = sys->step(); row && *row) r.sys01 = sys->column_int(0);
  return {};
}

// Heartbeats received over heartbeats expected between the first and the last one.
double heartbeat_coverage(const SensorReport& r) {
  if (r.heartbeats == 0 || r.interval_s <= 0 || r.first_heartbeat_ts.size() < 19) return 0;
  auto seconds = [](const std::string& ts) {
    std::tm tm{};
    strptime(ts.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    double fraction = 0;
    if (ts.size() > 20 && ts[19] == '.') fraction = std::atof(("0" + ts.substr(19, ts.size() - 20)).c_str());
    return static_cast<double>(timegm(&tm)) + fraction;
  };
  const double span = seconds(r.last_heartbeat_ts) - seconds(r.first_heartbeat_ts);
  const double expected = span / r.interval_s + 1.0;
  return std::min(1.0, static_cast<double>(r.heartbeats) / expected);
}

std::int64_t missing(const EpochRow& e) { return e.last_seq - e.first_seq + 1 - e.events; }

void print_text(const SensorReport& r, std::FILE* out, std::int64_t now_ns) {
  std::int64_t total_missing = 0;
  for (const EpochRow& e : r.epochs) total_missing += missing(e);
  std::fprintf(out, "sensor %s (key %s)\n", r.sensor.c_str(), r.principal.c_str());
  std::fprintf(out, "  events: %" PRId64 " stored, %" PRId64 " duplicates dropped; last received %s (%" PRId64 " s ago)\n",
               r.events, r.duplicates, core::Timestamp{r.last_received_ns}.to_rfc3339().c_str(),
               (now_ns - r.last_received_ns) / core::kNsPerSecond);
  if (r.heartbeats == 0) {
    std::fprintf(out, "  heartbeat: none received\n");
  } else {
    std::fprintf(out, "  last heartbeat: %s (received %" PRId64 " s ago)\n", r.last_heartbeat_ts.c_str(),
                 (now_ns - r.last_heartbeat_received_ns) / core::kNsPerSecond);
    std::fprintf(out, "  heartbeats: %" PRId64 " received, interval %g s, coverage %.1f%% since %s\n",
                 r.heartbeats, r.interval_s, 100.0 * heartbeat_coverage(r), r.first_heartbeat_ts.c_str());
    std::fprintf(out, "  coverage figures: %s\n", r.last_health.c_str());
  }
  std::fprintf(out, "  losses reported by the sensor: %" PRId64 " events dropped in %" PRId64 " loss events\n", r.lost,
               r.loss_events);
  std::fprintf(out, "  SYS-01 findings: %" PRId64 "\n", r.sys01);
  std::fprintf(out, "  epochs: %zu; sequence gaps: %s\n", r.epochs.size(),
               total_missing == 0 ? "none" : (std::to_string(total_missing) + " events missing").c_str());
  for (const EpochRow& e : r.epochs) {
    std::fprintf(out, "    epoch %" PRId64 ": seq %" PRId64 "..%" PRId64 ", %" PRId64 " events, %" PRId64
                      " duplicates, %" PRId64 " missing\n",
                 e.epoch, e.first_seq, e.last_seq, e.events, e.duplicates, missing(e));
    std::size_t shown = 0;
    for (const auto& [first, last] : e.gaps) {
      if (++shown > 20) {
        std::fprintf(out, "      ... %zu more gaps\n", e.gaps.size() - 20);
        break;
      }
      std::fprintf(out, "      gap: seq %" PRId64 "..%" PRId64 " (%" PRId64 " missing)\n", first, last, last - first + 1);
    }
  }
}

void print_json(const SensorReport& r, std::FILE* out) {
  std::string j = "{";
  append_json_key(j, "sensor");
  append_json_string(j, r.sensor);
  j += ",";
  append_json_key(j, "principal");
  append_json_string(j, r.principal);
  j += ",\"events\":" + std::to_string(r.events) + ",\"duplicates\":" + std::to_string(r.duplicates);
  j += ",\"first_received\":";
  append_json_string(j, core::Timestamp{r.first_received_ns}.to_rfc3339());
  j += ",\"last_received\":";
  append_json_string(j, core::Timestamp{r.last_received_ns}.to_rfc3339());
  j += ",\"heartbeats\":" + std::to_string(r.heartbeats);
  j += ",\"last_heartbeat\":";
  if (r.heartbeats == 0) {
    j += "null";
  } else {
    append_json_string(j, r.last_heartbeat_ts);
  }
  j += ",\"heartbeat_coverage\":" + std::to_string(heartbeat_coverage(r));
  j += ",\"health\":" + (r.last_health.empty() ? std::string("null") : r.last_health);
  j += ",\"loss_events\":" + std::to_string(r.loss_events) + ",\"lost\":" + std::to_string(r.lost);
  j += ",\"sys01\":" + std::to_string(r.sys01);
  std::int64_t total_missing = 0;
  j += ",\"epochs\":[";
  for (std::size_t i = 0; i < r.epochs.size(); ++i) {
    const EpochRow& e = r.epochs[i];
    total_missing += missing(e);
    if (i > 0) j += ",";
    j += "{\"epoch\":" + std::to_string(e.epoch) + ",\"first_seq\":" + std::to_string(e.first_seq) +
         ",\"last_seq\":" + std::to_string(e.last_seq) + ",\"events\":" + std::to_string(e.events) +
         ",\"duplicates\":" + std::to_string(e.duplicates) + ",\"missing\":" + std::to_string(missing(e)) +
         ",\"gaps\":[";
    for (std::size_t g = 0; g < e.gaps.size(); ++g) {
      if (g > 0) j += ",";
      j += "[" + std::to_string(e.gaps[g].first) + "," + std::to_string(e.gaps[g].second) + "]";
    }
    j += "]}";
  }
  j += "],\"missing\":" + std::to_string(total_missing) + "}\n";
  std::fwrite(j.data(), 1, j.size(), out);
}

}  // namespace

core::Result<std::uint64_t, std::string> print_sensors(EventStore& store, bool json, std::FILE* out,
                                                       std::int64_t now_ns) {
  Database& db = store.database();
  auto sensors = db.prepare(
      "SELECT sensor, principal, first_received_ns, last_received_ns, events, duplicates FROM sensors ORDER BY sensor");
  if (!sensors) return core::unexpected(sensors.error());
  std::vector<SensorReport> reports;
  for (;;) {
    auto row = sensors->step();
    if (!row) return core::unexpected(row.error());
    if (!*row) break;
    SensorReport r;
    r.sensor = std::string(sensors->column_text(0));
    r.principal = std::string(sensors->column_text(1));
    r.first_received_ns = sensors->column_int(2);
    r.last_received_ns = sensors->column_int(3);
    r.events = sensors->column_int(4);
    r.duplicates = sensors->column_int(5);
    reports.push_back(std::move(r));
  }
  for (SensorReport& r : reports) {
    if (auto f = fill(db, r); !f) return core::unexpected(f.error());
    if (json) {
      print_json(r, out);
    } else {
      print_text(r, out, now_ns);
    }
  }
  if (!json && reports.empty()) std::fprintf(out, "no sensor has delivered events yet\n");
  if (!json) {
    const auto rejected = db.scalar("SELECT count(*) FROM rejected").value_or(0);
    if (rejected > 0) std::fprintf(out, "quarantined invalid lines: %" PRId64 " (table 'rejected')\n", rejected);
  }
  return reports.size();
}

}  // namespace normwatch::collector
