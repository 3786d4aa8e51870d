// EventStore: schema, de-duplicating insert, gap and per-sensor bookkeeping (see event_store.hpp).
#include "normwatch/collector/event_store.hpp"

#include <algorithm>
#include <chrono>
#include <tuple>

#include "normwatch/publish/json_text.hpp"

namespace normwatch::collector {

namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', 'normwatch.collector/1');
CREATE TABLE IF NOT EXISTS events(
  id INTEGER PRIMARY KEY,
  sensor TEXT NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL,
  ts TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL, rule_id TEXT,
  source_zone TEXT, destination_zone TEXT,
  principal TEXT NOT NULL, received_ns INTEGER NOT NULL,
  line TEXT NOT NULL,
  UNIQUE(sensor, epoch, seq));
CREATE INDEX IF NOT EXISTS events_ts ON events(ts);
CREATE INDEX IF NOT EXISTS events_kind ON events(kind, sensor);
CREATE INDEX IF NOT EXISTS events_severity ON events(severity);
CREATE INDEX IF NOT EXISTS events_rule ON events(rule_id) WHERE rule_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_source_zone ON events(source_zone) WHERE source_zone IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_destination_zone ON events(destination_zone) WHERE destination_zone IS NOT NULL;
CREATE TABLE IF NOT EXISTS epochs(
  sensor TEXT NOT NULL, epoch INTEGER NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
  events INTEGER NOT NULL, duplicates INTEGER NOT NULL,
  first_received_ns INTEGER NOT NULL, last_received_ns INTEGER NOT NULL,
  PRIMARY KEY(sensor, epoch)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS gaps(
  sensor TEXT NOT NULL, epoch INTEGER NOT NULL, first_missing INTEGER NOT NULL, last_missing INTEGER NOT NULL,
  detected_ns INTEGER NOT NULL,
  PRIMARY KEY(sensor, epoch, first_missing)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sensors(
  sensor TEXT PRIMARY KEY, principal TEXT NOT NULL, first_received_ns INTEGER NOT NULL,
  last_received_ns INTEGER NOT NULL, events INTEGER NOT NULL, duplicates INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rejected(
  id INTEGER PRIMARY KEY, received_ns INTEGER NOT NULL, principal TEXT NOT NULL, reason TEXT NOT NULL,
  line BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS slices(
  sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, bytes INTEGER NOT NULL, data TEXT NOT NULL,
  received_ns INTEGER NOT NULL) WITHOUT ROWID;
)sql";

// SQLite stores integers as signed 64 bits; sequence numbers above that are refused at parse
// time by nlohmann (unsigned) — clamp defensively anyway.
std::int64_t as_sql(std::uint64_t v) { return static_cast<std::int64_t>(v & 0x7FFF'FFFF'FFFF'FFFFULL); }

}  // namespace

core::Result<std::unique_ptr<EventStore>, std::string> EventStore::open(const std::filesystem::path& path,
                                                                        StoreOptions options) {
  if (options.read_only && !std::filesystem::exists(path)) {
    return core::unexpected("no database at " + path.string());
  }
  auto db = Database::open(path, options.read_only);
  if (!db) return core::unexpected(db.error());
  std::unique_ptr<EventStore> store(new EventStore(std::move(*db), options));
  if (!options.read_only) {
    if (auto r = store->prepare_schema(); !r) return core::unexpected("database " + path.string() + ": " + r.error());
  }
  return store;
}

core::Result<void, std::string> EventStore::prepare_schema() {
  if (auto r = db_.exec("PRAGMA journal_mode=WAL"); !r) return r;
  if (auto r = db_.exec(options_.sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"); !r) return r;
  // A larger page cache and fewer, larger WAL checkpoints: measured 24 -> 17 us per stored event
  // (the B-tree pages of six indexes stay in memory between commits). The WAL file is cut back to
  // 64 MiB after each checkpoint.
  if (auto r = db_.exec("PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=10000; "
                        "PRAGMA journal_size_limit=67108864; PRAGMA temp_store=MEMORY");
      !r) {
    return r;
  }
  if (auto r = db_.exec(kSchema); !r) return r;
  struct Prepared {
    Statement* into;
    std::string_view sql;
  };
  const Prepared prepared[] = {
      {&insert_rejected_, "INSERT INTO rejected(received_ns, principal, reason, line) VALUES (?1, ?2, ?3, ?4)"},
      {&upsert_epoch_,
       "INSERT OR REPLACE INTO epochs(sensor, epoch, first_seq, last_seq, events, duplicates, first_received_ns, "
       "last_received_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
      {&delete_gaps_, "DELETE FROM gaps WHERE sensor = ?1 AND epoch = ?2"},
      {&insert_gap_,
       "INSERT OR REPLACE INTO gaps(sensor, epoch, first_missing, last_missing, detected_ns) VALUES (?1, ?2, ?3, ?4, "
       "?5)"},
      {&upsert_sensor_,
       "INSERT OR REPLACE INTO sensors(sensor, principal, first_received_ns, last_received_ns, events, duplicates) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
      {&select_epoch_,
       "SELECT first_seq, last_seq, events, duplicates, first_received_ns, last_received_ns FROM epochs "
       "WHERE sensor = ?1 AND epoch = ?2"},
      {&select_gaps_, "SELECT first_missing, last_missing, detected_ns FROM gaps WHERE sensor = ?1 AND epoch = ?2"},
      {&select_sensor_,
       "SELECT principal, first_received_ns, last_received_ns, events, duplicates FROM sensors WHERE sensor = ?1"},
  };
  for (const Prepared& p : prepared) {
    auto stmt = db_.prepare(p.sql);
    if (!stmt) return core::unexpected(stmt.error());
    *p.into = std::move(*stmt);
  }
  rejected_rows_ = static_cast<std::uint64_t>(db_.scalar("SELECT count(*) FROM rejected").value_or(0));
  if (options_.check_integrity) {
    auto checker = IntegrityChecker::open(db_, options_.sign_keys_dir);
    if (!checker) return core::unexpected(checker.error());
    integrity_ = std::move(*checker);
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    const auto last = db_.scalar("SELECT max(epoch) FROM events WHERE sensor = '" + std::string(kCollectorSensorId) + "'")
                          .value_or(0);
    collector_epoch_ = static_cast<std::uint64_t>(std::max<std::int64_t>(last + 1, now_s));
  }
  return {};
}

core::Result<void, std::string> EventStore::begin() {
  if (in_transaction_) return {};
  if (auto r = db_.exec("BEGIN IMMEDIATE"); !r) return r;
  in_transaction_ = true;
  return {};
}

core::Result<EventStore::EpochState*, std::string> EventStore::epoch_state(const std::string& sensor,
                                                                           std::uint64_t epoch) {
  const auto key = std::make_pair(sensor, epoch);
  if (auto it = epochs_.find(key); it != epochs_.end()) return &it->second;
  EpochState state;
  select_epoch_.bind(1, sensor);
  select_epoch_.bind(2, as_sql(epoch));
  auto row = select_epoch_.step();
  if (!row) {
    select_epoch_.reset();
    return core::unexpected(row.error());
  }
  if (*row) {
    state.tracker.restore(static_cast<std::uint64_t>(select_epoch_.column_int(0)),
                          static_cast<std::uint64_t>(select_epoch_.column_int(1)),
                          static_cast<std::uint64_t>(select_epoch_.column_int(2)));
    state.duplicates = static_cast<std::uint64_t>(select_epoch_.column_int(3));
    state.first_received_ns = select_epoch_.column_int(4);
    state.last_received_ns = select_epoch_.column_int(5);
  }
  select_epoch_.reset();
  select_gaps_.bind(1, sensor);
  select_gaps_.bind(2, as_sql(epoch));
  for (;;) {
    auto gap = select_gaps_.step();
    if (!gap) {
      select_gaps_.reset();
      return core::unexpected(gap.error());
    }
    if (!*gap) break;
    state.tracker.restore_gap(static_cast<std::uint64_t>(select_gaps_.column_int(0)),
                              static_cast<std::uint64_t>(select_gaps_.column_int(1)));
    state.gap_detected_ns = select_gaps_.column_int(2);
  }
  select_gaps_.reset();
  return &epochs_.emplace(key, std::move(state)).first->second;
}

core::Result<EventStore::SensorState*, std::string> EventStore::sensor_state(const std::string& sensor) {
  auto it = sensors_.find(sensor);
  if (it != sensors_.end()) return &it->second;
  SensorState state;
  select_sensor_.bind(1, sensor);
  auto row = select_sensor_.step();
  if (!row) {
    select_sensor_.reset();
    return core::unexpected(row.error());
  }
  if (*row) {
    state.principal = std::string(select_sensor_.column_text(0));
    state.first_received_ns = select_sensor_.column_int(1);
    state.last_received_ns = select_sensor_.column_int(2);
    state.events = static_cast<std::uint64_t>(select_sensor_.column_int(3));
    state.duplicates = static_cast<std::uint64_t>(select_sensor_.column_int(4));
  }
  select_sensor_.reset();
  return &sensors_.emplace(sensor, std::move(state)).first->second;
}

core::Result<void, std::string> EventStore::quarantine(std::string_view line, std::string_view principal,
                                                       std::int64_t received_ns, std::string_view reason) {
  ++totals_.rejected;
  if (rejected_rows_ >= options_.max_rejected_rows) return {};  // counted, not kept
  insert_rejected_.bind(1, received_ns);
  insert_rejected_.bind(2, principal);
  insert_rejected_.bind(3, reason);
  insert_rejected_.bind(4, line.substr(0, 64 * 1024));
  if (auto r = insert_rejected_.run(); !r) return r;
  ++rejected_rows_;
  return {};
}

core::Result<Statement*, std::string> EventStore::insert_statement(std::size_t rows) {
  if (insert_events_.size() <= rows) insert_events_.resize(rows + 1);
  Statement& stmt = insert_events_[rows];
  if (!stmt.prepared()) {
    std::string sql =
        "INSERT OR IGNORE INTO events(sensor, epoch, seq, ts, kind, severity, rule_id, source_zone, destination_zone, "
        "principal, received_ns, line) VALUES ";
    for (std::size_t r = 0; r < rows; ++r) sql += r == 0 ? "(?,?,?,?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?,?,?,?)";
    sql += " RETURNING sensor, epoch, seq";
    auto prepared = db_.prepare(sql);
    if (!prepared) return core::unexpected(prepared.error());
    stmt = std::move(*prepared);
  }
  return &stmt;
}

core::Result<void, std::string> EventStore::insert_rows(const std::vector<std::string_view>& lines,
                                                        std::vector<LineResult>& results,
                                                        const std::vector<std::size_t>& rows,
                                                        std::string_view principal, std::int64_t received_ns) {
  auto stmt = insert_statement(rows.size());
  if (!stmt) return core::unexpected(stmt.error());
  Statement& st = **stmt;
  int index = 1;
  for (const std::size_t i : rows) {
    const events::EventHeader& h = results[i].header;
    st.bind(index++, h.sensor);
    st.bind(index++, as_sql(h.epoch));
    st.bind(index++, as_sql(h.seq));
    st.bind(index++, h.ts);
    st.bind(index++, events::name(h.kind));
    st.bind(index++, events::name(h.severity));
    st.bind_optional(index++, h.rule_id);
    st.bind_optional(index++, h.source_zone);
    st.bind_optional(index++, h.destination_zone);
    st.bind(index++, principal);
    st.bind(index++, received_ns);
    st.bind(index++, lines[i]);
  }
  // RETURNING names the rows actually inserted (in no particular order); the others were
  // duplicates. A key twice in one statement is inserted once: the first occurrence is "stored".
  std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> inserted;
  for (;;) {
    auto row = st.step();
    if (!row) {
      st.reset();
      return core::unexpected(row.error());
    }
    if (!*row) break;
    inserted.emplace_back(std::string(st.column_text(0)), static_cast<std::uint64_t>(st.column_int(1)),
                          static_cast<std::uint64_t>(st.column_int(2)));
  }
  st.reset();
  for (const std::size_t i : rows) {
    const events::EventHeader& h = results[i].header;
    auto it = std::find_if(inserted.begin(), inserted.end(), [&h](const auto& k) {
      return std::get<2>(k) == h.seq && std::get<1>(k) == h.epoch && std::get<0>(k) == h.sensor;
    });
    if (it != inserted.end()) {
      *it = inserted.back();
      inserted.pop_back();
      results[i].outcome = LineOutcome::stored;
    } else {
      results[i].outcome = LineOutcome::duplicate;
    }
    if (auto r = account(results[i], principal, received_ns); !r) return r;
    if (integrity_ && results[i].outcome == LineOutcome::stored) {
      if (auto r = integrity_->check(lines[i], results[i].header, principal, received_ns); !r) return r;
    }
  }
  return {};
}

core::Result<void, std::string> EventStore::store_integrity_events(std::int64_t received_ns) {
  return store_collector_events(integrity_->take_problems(), received_ns);
}

core::Result<void, std::string> EventStore::store_collector_events(const std::vector<IntegrityProblem>& problems,
                                                                   std::int64_t received_ns) {
  // Each problem becomes an event of the collector itself, stored like a sensor's (never instead
  // of the sensor's event, which is stored and marked).
  if (problems.empty()) return {};
  std::vector<std::string> owned;
  for (const IntegrityProblem& p : problems) {
    events::Event e;
    e.sensor = std::string(kCollectorSensorId);
    e.epoch = collector_epoch_;
    e.seq = ++collector_seq_;
    e.ts = core::Timestamp{received_ns};
    e.kind = events::EventKind::integrity;
    e.severity = events::Severity::high;
    std::string body = "{\"integrity\":{";
    publish::append_json_key(body, "problem");
    publish::append_json_string(body, p.code);
    body += ",";
    publish::append_json_key(body, "sensor");
    publish::append_json_string(body, p.sensor);
    body += ",\"epoch\":" + std::to_string(p.epoch) + ",\"seq\":" + std::to_string(p.seq) + ",";
    publish::append_json_key(body, "detail");
    publish::append_json_string(body, p.detail);
    body += "}}";
    e.body_json = std::move(body);
    e.message = "sensor " + p.sensor + ": " + p.code + ": " + p.detail;
    owned.push_back(events::to_json_line(e));
  }
  std::vector<std::string_view> lines(owned.begin(), owned.end());
  std::vector<LineResult> results;
  return ingest_batch(lines, kCollectorSensorId, received_ns, results);
}

core::Result<void, std::string> EventStore::account(LineResult& result, std::string_view principal,
                                                    std::int64_t received_ns) {
  const events::EventHeader& h = result.header;
  auto epoch = epoch_state(h.sensor, h.epoch);
  if (!epoch) return core::unexpected(epoch.error());
  auto sensor = sensor_state(h.sensor);
  if (!sensor) return core::unexpected(sensor.error());
  EpochState& e = **epoch;
  SensorState& s = **sensor;
  if (e.first_received_ns == 0) e.first_received_ns = received_ns;
  e.last_received_ns = received_ns;
  e.dirty = true;
  if (s.first_received_ns == 0) s.first_received_ns = received_ns;
  s.last_received_ns = received_ns;
  if (s.principal != principal) s.principal = std::string(principal);
  s.dirty = true;
  if (result.outcome == LineOutcome::duplicate) {
    ++e.duplicates;
    ++s.duplicates;
    ++totals_.duplicates;
    return {};
  }
  const std::size_t gaps_before = e.tracker.gaps().size();
  e.tracker.add(h.seq);
  if (e.tracker.gaps().size() > gaps_before) e.gap_detected_ns = received_ns;
  ++s.events;
  ++totals_.stored;
  return {};
}

core::Result<void, std::string> EventStore::ingest_batch(const std::vector<std::string_view>& lines,
                                                         std::string_view principal, std::int64_t received_ns,
                                                         std::vector<LineResult>& results) {
  if (auto r = begin(); !r) return r;
  results.clear();
  results.resize(lines.size());
  std::vector<std::size_t> rows;
  rows.reserve(kRowsPerInsert);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    LineResult& result = results[i];
    auto parsed = events::parse_event_header(lines[i]);
    if (!parsed) {
      result.reason = parsed.error();
    } else if (options_.require_sensor_matches_key && parsed->sensor != principal) {
      result.reason = "event.sensor_not_key_name";
    } else if (parsed->epoch > 0x7FFF'FFFF'FFFF'FFFFULL || parsed->seq > 0x7FFF'FFFF'FFFF'FFFFULL) {
      result.reason = "event.bad_sequence";
    }
    if (!result.reason.empty()) {
      result.outcome = LineOutcome::rejected;
      if (auto r = quarantine(lines[i], principal, received_ns, result.reason); !r) return r;
      continue;
    }
    result.header = std::move(*parsed);
    rows.push_back(i);
    if (rows.size() == kRowsPerInsert) {
      if (auto r = insert_rows(lines, results, rows, principal, received_ns); !r) return r;
      rows.clear();
    }
  }
  if (!rows.empty()) {
    if (auto r = insert_rows(lines, results, rows, principal, received_ns); !r) return r;
  }
  if (integrity_ && principal != kCollectorSensorId) return store_integrity_events(received_ns);
  return {};
}

core::Result<LineOutcome, std::string> EventStore::ingest(std::string_view line, std::string_view principal,
                                                          std::int64_t received_ns, std::string* reason) {
  std::vector<LineResult> results;
  if (auto r = ingest_batch({line}, principal, received_ns, results); !r) return core::unexpected(r.error());
  if (reason != nullptr) *reason = results[0].reason;
  return results[0].outcome;
}

core::Result<void, std::string> EventStore::commit() {
  if (!in_transaction_) return {};
  for (auto& [key, e] : epochs_) {
    if (!e.dirty) continue;
    const auto& [sensor, epoch] = key;
    if (!e.tracker.empty()) {
      upsert_epoch_.bind(1, sensor);
      upsert_epoch_.bind(2, as_sql(epoch));
      upsert_epoch_.bind(3, as_sql(e.tracker.first()));
      upsert_epoch_.bind(4, as_sql(e.tracker.last()));
      upsert_epoch_.bind(5, as_sql(e.tracker.count()));
      upsert_epoch_.bind(6, as_sql(e.duplicates));
      upsert_epoch_.bind(7, e.first_received_ns);
      upsert_epoch_.bind(8, e.last_received_ns);
      if (auto r = upsert_epoch_.run(); !r) return r;
    }
    delete_gaps_.bind(1, sensor);
    delete_gaps_.bind(2, as_sql(epoch));
    if (auto r = delete_gaps_.run(); !r) return r;
    for (const auto& [first, last] : e.tracker.gaps()) {
      insert_gap_.bind(1, sensor);
      insert_gap_.bind(2, as_sql(epoch));
      insert_gap_.bind(3, as_sql(first));
      insert_gap_.bind(4, as_sql(last));
      insert_gap_.bind(5, e.gap_detected_ns);
      if (auto r = insert_gap_.run(); !r) return r;
    }
  }
  for (auto& [sensor, s] : sensors_) {
    if (!s.dirty) continue;
    upsert_sensor_.bind(1, sensor);
    upsert_sensor_.bind(2, s.principal);
    upsert_sensor_.bind(3, s.first_received_ns);
    upsert_sensor_.bind(4, s.last_received_ns);
    upsert_sensor_.bind(5, as_sql(s.events));
    upsert_sensor_.bind(6, as_sql(s.duplicates));
    if (auto r = upsert_sensor_.run(); !r) return r;
  }
  if (auto r = db_.exec("COMMIT"); !r) return r;
  in_transaction_ = false;
  for (auto& [key, e] : epochs_) e.dirty = false;
  for (auto& [sensor, s] : sensors_) s.dirty = false;
  return {};
}

void EventStore::rollback() {
  if (in_transaction_) (void)db_.exec("ROLLBACK");
  in_transaction_ = false;
  if (integrity_) integrity_->reset();
  epochs_.clear();
  sensors_.clear();
  rejected_rows_ = static_cast<std::uint64_t>(db_.scalar("SELECT count(*) FROM rejected").value_or(0));
}

}  // namespace normwatch::collector
