// EventStore: the collector's SQLite store (issue 7 §3). WAL mode; events are inserted inside a
// transaction the server commits in batches, and a batch is acknowledged only after its commit.
// Events are de-duplicated on (sensor, epoch, seq) by a UNIQUE index, stored with indexed columns
// (sensor, epoch, seq, ts, kind, rule id, severity, zones) and the canonical line byte for byte.
// Per (sensor, epoch) it keeps the seq range, counts and open gaps (GapTracker); lines that fail
// validation are kept in a capped quarantine table, so that an acknowledgement never hides data.
//
// Tables: events, epochs(sensor, epoch, first_seq, last_seq, events, duplicates, first/last
// received), gaps(sensor, epoch, first_missing, last_missing, detected_ns), sensors(sensor,
// principal, first/last received, events, duplicates), rejected(received_ns, principal, reason,
// line), meta(key, value), slices(sha256, name, bytes, data = base64 of the pcap slice file,
// received_ns): the evidence slices that came with events (events/slice_ref.hpp, slice_store.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "normwatch/collector/gap_tracker.hpp"
#include "normwatch/collector/integrity.hpp"
#include "normwatch/collector/sqlite.hpp"
#include "normwatch/core/result.hpp"
#include "normwatch/events/event_header.hpp"

namespace normwatch::collector {

struct StoreOptions {
  bool read_only = false;
  bool sync_full = true;                   // PRAGMA synchronous=FULL: a commit survives a power cut
  std::uint64_t max_rejected_rows = 100'000;
  bool require_sensor_matches_key = false; // quarantine events whose sensor id is not the key's name
  // Evidence chain checks (issue 10, integrity.hpp): PRINCIPAL.sign.pub keys ("" = none pinned).
  bool check_integrity = true;
  std::filesystem::path sign_keys_dir;
};

enum class LineOutcome : std::uint8_t { stored, duplicate, rejected };

struct LineResult {
  LineOutcome outcome = LineOutcome::rejected;
  std::string reason;           // why it was rejected
  events::EventHeader header;   // valid unless rejected
};

struct IngestStats {
  std::uint64_t stored = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t rejected = 0;
};

class EventStore {
 public:
  static core::Result<std::unique_ptr<EventStore>, std::string> open(const std::filesystem::path& path,
                                                                     StoreOptions options = {});

  // Starts a transaction if none is open.
  core::Result<void, std::string> begin();
  // Validates and inserts one line (inside the open transaction). `reason` gets the rejection
  // reason. Errors are storage errors (the transaction must be rolled back).
  core::Result<LineOutcome, std::string> ingest(std::string_view line, std::string_view principal,
                                                std::int64_t received_ns, std::string* reason = nullptr);
  // The same for a batch of lines (one result per line, in order): valid lines go in with
  // multi-row INSERT ... RETURNING statements, which costs about half as much per event.
  core::Result<void, std::string> ingest_batch(const std::vector<std::string_view>& lines, std::string_view principal,
                                               std::int64_t received_ns, std::vector<LineResult>& results);
  // Stores the pcap evidence slice that travelled with `line` (base64 `encoded`, inside the open
  // transaction) under its SHA-256, once. The value is "" when stored (or already there), else
  // why it was refused: "slice.no_reference" (the line names no slice), "slice.bad_encoding",
  // "slice.hash_mismatch" (the bytes are not those the line's SHA-256 names); a refusal is also
  // stored as an integrity event of the collector naming the sensor's event (when integrity
  // checking is on). Errors are storage errors. See slice_store.cpp.
  core::Result<std::string, std::string> store_slice(std::string_view line, std::string_view encoded,
                                                     std::int64_t received_ns);
  // The stored slice with this SHA-256 (its file bytes), nullopt when there is none.
  core::Result<std::optional<std::string>, std::string> slice_bytes(std::string_view sha256);

  // Writes the per-epoch and per-sensor bookkeeping and commits.
  core::Result<void, std::string> commit();
  // Drops the open transaction and the cached bookkeeping (re-read from the store on demand).
  void rollback();
  bool in_transaction() const { return in_transaction_; }

  Database& database() { return db_; }
  const IntegrityChecker* integrity() const { return integrity_.get(); }
  const IngestStats& totals() const { return totals_; }

 private:
  struct EpochState {
    GapTracker tracker;
    std::uint64_t duplicates = 0;
    std::int64_t first_received_ns = 0;
    std::int64_t last_received_ns = 0;
    std::int64_t gap_detected_ns = 0;
    bool dirty = false;
  };
  struct SensorState {
    std::string principal;
    std::uint64_t events = 0;
    std::uint64_t duplicates = 0;
    std::int64_t first_received_ns = 0;
    std::int64_t last_received_ns = 0;
    bool dirty = false;
  };

  static constexpr std::size_t kRowsPerInsert = 32;

  EventStore(Database db, StoreOptions options) : db_(std::move(db)), options_(options) {}
  core::Result<Statement*, std::string> insert_statement(std::size_t rows);
  core::Result<void, std::string> insert_rows(const std::vector<std::string_view>& lines,
                                              std::vector<LineResult>& results, const std::vector<std::size_t>& rows,
                                              std::string_view principal, std::int64_t received_ns);
  core::Result<void, std::string> account(LineResult& result, std::string_view principal, std::int64_t received_ns);
  core::Result<void, std::string> prepare_schema();
  core::Result<EpochState*, std::string> epoch_state(const std::string& sensor, std::uint64_t epoch);
  core::Result<SensorState*, std::string> sensor_state(const std::string& sensor);
  core::Result<void, std::string> quarantine(std::string_view line, std::string_view principal,
                                             std::int64_t received_ns, std::string_view reason);

  core::Result<void, std::string> store_integrity_events(std::int64_t received_ns);
  core::Result<void, std::string> store_collector_events(const std::vector<IntegrityProblem>& problems,
                                                         std::int64_t received_ns);
  core::Result<std::string, std::string> refuse_slice(std::string_view line, std::string code, std::string detail,
                                                     std::int64_t received_ns);

  Database db_;
  StoreOptions options_;
  std::unique_ptr<IntegrityChecker> integrity_;
  std::uint64_t collector_epoch_ = 0;   // the collector's own integrity events (integrity.hpp)
  std::uint64_t collector_seq_ = 0;
  bool in_transaction_ = false;
  std::vector<Statement> insert_events_;  // [n]: n rows, prepared on first use
  Statement insert_rejected_;
  Statement upsert_epoch_;
  Statement delete_gaps_;
  Statement insert_gap_;
  Statement upsert_sensor_;
  Statement select_epoch_;
  Statement select_gaps_;
  Statement select_sensor_;
  Statement insert_slice_;   // prepared on first use (slice_store.cpp)
  Statement select_slice_;
  std::map<std::pair<std::string, std::uint64_t>, EpochState> epochs_;
  std::map<std::string, SensorState, std::less<>> sensors_;
  std::uint64_t rejected_rows_ = 0;
  IngestStats totals_;
};

}  // namespace normwatch::collector
