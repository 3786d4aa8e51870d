// The evidence bundle writer (see export_bundle.hpp for the layout).
#include "normwatch/collector/export_bundle.hpp"

#include <cstdio>
#include <fstream>
#include <map>

#include "normwatch/collector/query.hpp"
#include "normwatch/core/timestamp.hpp"
#include "normwatch/events/slice_ref.hpp"
#include "normwatch/publish/file_digest.hpp"
#include "normwatch/publish/json_text.hpp"

namespace normwatch::collector {

namespace {

constexpr std::string_view kFormat = "normwatch.bundle/1";

std::int64_t as_sql(std::uint64_t v) { return static_cast<std::int64_t>(v & 0x7FFF'FFFF'FFFF'FFFFULL); }

class Writer {
 public:
  explicit Writer(std::filesystem::path root) : root_(std::move(root)) {}
  core::Result<void, std::string> write(const std::string& rel, const std::string& content) {
    const auto path = root_ / rel;
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) return core::unexpected("cannot write " + path.string());
    files_.push_back(rel);
    return {};
  }
  core::Result<void, std::string> copy_tree(const std::filesystem::path& from, const std::string& rel) {
    std::error_code ec;
    if (std::filesystem::is_directory(from, ec)) {
      for (auto it = std::filesystem::recursive_directory_iterator(from, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        const auto sub = std::filesystem::relative(it->path(), from).generic_string();
        if (auto r = copy_file(it->path(), rel + "/" + sub); !r) return r;
      }
      if (ec) return core::unexpected("cannot read " + from.string() + ": " + ec.message());
      return {};
    }
    return copy_file(from, rel + "/" + from.filename().string());
  }
  const std::vector<std::string>& files() const { return files_; }

 private:
  core::Result<void, std::string> copy_file(const std::filesystem::path& from, const std::string& rel) {
    std::ifstream in(from, std::ios::binary);
    if (!in) return core::unexpected("cannot read " + from.string());
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return write(rel, content);
  }
  std::filesystem::path root_;
  std::vector<std::string> files_;
};

std::string json_string(std::string_view text) {
  std::string out;
  publish::append_json_string(out, text);
  return out;
}

bool is_checkpoint(std::string_view kind, std::string_view line) {
  return kind == "integrity" && line.find("\"checkpoint\":{") != std::string_view::npos;
}

struct SensorRun {
  ExportedSensor summary;
  std::string principal;
  std::string gaps_json = "[]";
};

core::Result<std::vector<std::string>, std::string> sensors_in_period(Database& db, const std::string& from,
                                                                      const std::string& to,
                                                                      const std::string& only) {
  auto st = db.prepare("SELECT DISTINCT sensor FROM events WHERE ts >= ?1 AND ts < ?2 AND (?3 = '' OR sensor = ?3) "
                       "ORDER BY sensor");
  if (!st) return core::unexpected(st.error());
  st->bind(1, from);
  st->bind(2, to);
  st->bind(3, only);
  std::vector<std::string> out;
  for (;;) {
    auto row = st->step();
    if (!row) return core::unexpected(row.error());
    if (!*row) break;
    out.emplace_back(st->column_text(0));
  }
  return out;
}

}  // namespace

core::Result<std::string, std::string> export_time_bound(const std::string& text) {
  auto t = normalise_time(text);
  if (!t) return t;
  // "...T12:00:00Z" must sort before "...T12:00:00.000001Z" as the stored form does.
  if (t->size() == 20 && t->back() == 'Z') return t->substr(0, 19) + ".000000Z";
  return t;
}

core::Result<ExportSummary, std::string> export_bundle(EventStore& store, const ExportOptions& o) {
  if (o.from.empty() || o.to.empty()) return core::unexpected(std::string("--from and --to are required"));
  auto from = export_time_bound(o.from);
  if (!from) return core::unexpected(from.error());
  auto to = export_time_bound(o.to);
  if (!to) return core::unexpected(to.error());
  std::error_code ec;
  if (std::filesystem::exists(o.out, ec) && !std::filesystem::is_empty(o.out, ec)) {
    return core::unexpected(o.out.string() + " exists and is not empty; not overwriting a bundle");
  }
  std::filesystem::create_directories(o.out, ec);
  if (ec) return core::unexpected("cannot create " + o.out.string() + ": " + ec.message());

  Database& db = store.database();
  auto sensors = sensors_in_period(db, *from, *to, o.sensor);
  if (!sensors) return core::unexpected(sensors.error());
  ExportSummary summary;
  if (sensors->empty()) summary.warnings.push_back("no event in the period");

  auto range = db.prepare("SELECT min(seq), max(seq) FROM events WHERE sensor = ?1 AND ts >= ?2 AND ts < ?3");
  auto next_checkpoint = db.prepare(
      "SELECT min(seq) FROM events WHERE sensor = ?1 AND seq > ?2 AND kind = 'integrity' AND "
      "instr(line, '\"checkpoint\":{') > 0");
  auto lines = db.prepare("SELECT seq, kind, line FROM events WHERE sensor = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq");
  auto principal = db.prepare("SELECT principal FROM sensors WHERE sensor = ?1");
  auto gaps = db.prepare("SELECT epoch, first_missing, last_missing FROM gaps WHERE sensor = ?1 ORDER BY epoch, first_missing");
  for (auto* st : {&range, &next_checkpoint, &lines, &principal, &gaps}) {
    if (!*st) return core::unexpected(st->error());
  }

  Writer writer(o.out);
  std::vector<SensorRun> runs;
  for (const std::string& sensor : *sensors) {
    SensorRun run;
    run.summary.sensor = sensor;
    range->bind(1, sensor);
    range->bind(2, *from);
    range->bind(3, *to);
    if (auto row = range->step(); !row || !*row) return core::unexpected(std::string("cannot read the seq range"));
    const auto lo = static_cast<std::uint64_t>(range->column_int(0));
    auto hi = static_cast<std::uint64_t>(range->column_int(1));
    range->reset();
    // Through the first checkpoint at or after the period's last event, so that the run is signed.
    next_checkpoint->bind(1, sensor);
    next_checkpoint->bind(2, as_sql(hi - 1));
    if (auto row = next_checkpoint->step(); row && *row && !next_checkpoint->column_is_null(0)) {
      hi = static_cast<std::uint64_t>(next_checkpoint->column_int(0));
    } else {
      summary.warnings.push_back(sensor + ": no checkpoint after the period yet; its last events are not signed");
    }
    next_checkpoint->reset();

    std::map<std::string, std::string> slice_refs;  // name -> sha256, of the exported events
    std::string events_text;
    std::string checkpoints_text;
    std::string heartbeats_text;
    lines->bind(1, sensor);
    lines->bind(2, as_sql(lo));
    lines->bind(3, as_sql(hi));
    for (;;) {
      auto row = lines->step();
      if (!row) return core::unexpected(row.error());
      if (!*row) break;
      const auto seq = static_cast<std::uint64_t>(lines->column_int(0));
      const std::string_view kind = lines->column_text(1);
      const std::string_view line = lines->column_text(2);
      events_text.append(line).push_back('\n');
      if (auto ref = events::read_slice_ref(line); ref && ref->dropped.empty() && events::valid_slice_name(ref->name)) {
        slice_refs.emplace(ref->name, ref->sha256);
      }
      if (run.summary.events++ == 0) run.summary.first_seq = seq;
      run.summary.last_seq = seq;
      if (is_checkpoint(kind, line)) {
        checkpoints_text.append(line).push_back('\n');
        ++run.summary.checkpoints;
      } else if (kind == "health") {
        heartbeats_text.append(line).push_back('\n');
        ++run.summary.heartbeats;
      }
    }
    lines->reset();
    if (auto r = writer.write("events/" + sensor + ".jsonl", events_text); !r) return core::unexpected(r.error());
    if (auto r = writer.write("checkpoints/" + sensor + ".jsonl", checkpoints_text); !r) {
      return core::unexpected(r.error());
    }
    if (auto r = writer.write("heartbeats/" + sensor + ".jsonl", heartbeats_text); !r) {
      return core::unexpected(r.error());
    }

    for (const auto& [name, sha] : slice_refs) {
      auto bytes = store.slice_bytes(sha);
      if (!bytes) return core::unexpected(bytes.error());
      if (!*bytes) {
        ++run.summary.slices_missing;
        summary.warnings.push_back(sensor + ": slice " + name + " is named by an event but was not received");
        continue;
      }
      if (auto r = writer.write("slices/" + name, **bytes); !r) return core::unexpected(r.error());
      ++run.summary.slices;
    }

    principal->bind(1, sensor);
    if (auto row = principal->step(); row && *row) run.principal = std::string(principal->column_text(0));
    principal->reset();
    if (o.keys_dir.empty()) {
      summary.warnings.push_back(sensor + ": no --keys DIR, so no pinned key in the bundle");
    } else {
      const auto key_file = o.keys_dir / ((run.principal.empty() ? sensor : run.principal) + ".sign.pub");
      std::ifstream in(key_file, std::ios::binary);
      if (!in) {
        summary.warnings.push_back(sensor + ": no signing key " + key_file.string());
      } else {
        std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (auto r = writer.write("keys/" + sensor + ".sign.pub", key); !r) return core::unexpected(r.error());
        run.summary.key = true;
      }
    }

    gaps->bind(1, sensor);
    run.gaps_json = "[";
    bool first_gap = true;
    for (;;) {
      auto row = gaps->step();
      if (!row || !*row) break;
      if (!first_gap) run.gaps_json += ",";
      first_gap = false;
      run.gaps_json += "{\"epoch\":" + std::to_string(gaps->column_int(0)) +
                       ",\"first_missing\":" + std::to_string(gaps->column_int(1)) +
                       ",\"last_missing\":" + std::to_string(gaps->column_int(2)) + "}";
    }
    gaps->reset();
    run.gaps_json += "]";
    runs.push_back(std::move(run));
  }

  std::string rules_json = "null";
  std::string policy_json = "null";
  if (!o.rules.empty()) {
    const auto hash = publish::sha256_of_path(o.rules);
    if (!hash) return core::unexpected("cannot read the rule pack " + o.rules.string());
    if (auto r = writer.copy_tree(o.rules, "rules"); !r) return core::unexpected(r.error());
    const std::string where = std::filesystem::is_directory(o.rules) ? "rules" : "rules/" + o.rules.filename().string();
    rules_json = "{\"path\":" + json_string(where) + ",\"sha256\":" + json_string(*hash) + "}";
  }
  if (!o.policy.empty()) {
    const auto hash = publish::sha256_of_path(o.policy);
    if (!hash) return core::unexpected("cannot read the policy " + o.policy.string());
    if (auto r = writer.copy_tree(o.policy, "policy"); !r) return core::unexpected(r.error());
    policy_json = "{\"path\":" + json_string("policy/" + o.policy.filename().string()) +
                  ",\"sha256\":" + json_string(*hash) + "}";
  }

  std::string manifest = "{\"format\":" + json_string(kFormat) + ",\"from\":" + json_string(*from) +
                         ",\"to\":" + json_string(*to) + ",\"created\":" +
                         json_string(core::Timestamp{std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                         std::chrono::system_clock::now().time_since_epoch())
                                                         .count()}
                                         .to_rfc3339()) +
                         ",\"chain\":\"blake2b-256\",\"signature\":\"ed25519\",\"rules\":" + rules_json +
                         ",\"policy\":" + policy_json + ",\"sensors\":[";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const ExportedSensor& s = runs[i].summary;
    if (i > 0) manifest += ",";
    manifest += "{\"sensor\":" + json_string(s.sensor) + ",\"principal\":" + json_string(runs[i].principal) +
                ",\"events\":" + std::to_string(s.events) + ",\"first_seq\":" + std::to_string(s.first_seq) +
                ",\"last_seq\":" + std::to_string(s.last_seq) + ",\"checkpoints\":" + std::to_string(s.checkpoints) +
                ",\"heartbeats\":" + std::to_string(s.heartbeats) + ",\"slices\":" + std::to_string(s.slices) +
                ",\"slices_missing\":" + std::to_string(s.slices_missing) + ",\"events_file\":" +
                json_string("events/" + s.sensor + ".jsonl") + ",\"key_file\":" +
                (s.key ? json_string("keys/" + s.sensor + ".sign.pub") : std::string("null")) +
                ",\"collector_gaps\":" + runs[i].gaps_json + "}";
    summary.sensors.push_back(s);
  }
  manifest += "]}\n";
  if (auto r = writer.write("manifest.json", manifest); !r) return core::unexpected(r.error());

  std::string sums;
  for (const std::string& rel : writer.files()) {
    const auto hash = publish::sha256_of_path(o.out / rel);
    if (!hash) return core::unexpected("cannot hash " + rel);
    sums += *hash + "  " + rel + "\n";
  }
  std::ofstream out(o.out / "SHA256SUMS", std::ios::binary | std::ios::trunc);
  out << sums;
  if (!out) return core::unexpected("cannot write " + (o.out / "SHA256SUMS").string());
  return summary;
}

}  // namespace normwatch::collector
