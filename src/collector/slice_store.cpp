// The collector's store of pcap evidence slices (issue 10 §2; event_store.hpp): each slice that
// travels after its event's line is checked against the SHA-256 the line names, then kept once.
#include "normwatch/collector/event_store.hpp"
#include "normwatch/events/slice_ref.hpp"

namespace normwatch::collector {

namespace {
// A slice is at most a few hundred frames; a spool record is at most 1 MiB anyway.
constexpr std::size_t kMaxSliceBytes = 1U << 20;
}  // namespace

core::Result<std::string, std::string> EventStore::store_slice(std::string_view line, std::string_view encoded,
                                                               std::int64_t received_ns) {
  const auto ref = events::read_slice_ref(line);
  if (!ref || !ref->dropped.empty() || !events::valid_slice_name(ref->name)) {
    return refuse_slice(line, "slice.no_reference", "a slice came with an event that names none", received_ns);
  }
  const auto bytes = events::from_base64(encoded, kMaxSliceBytes);
  if (!bytes) return refuse_slice(line, "slice.bad_encoding", "the slice " + ref->name + " is not valid base64", received_ns);
  if (const std::string got = events::sha256_hex(*bytes); got != ref->sha256) {
    return refuse_slice(line, "slice.hash_mismatch", "the slice " + ref->name + " has SHA-256 " + got + ", its event names " + ref->sha256,
                        received_ns);
  }
  if (!insert_slice_.prepared()) {
    auto st = db_.prepare(
        "INSERT OR IGNORE INTO slices(sha256, name, bytes, data, received_ns) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) return core::unexpected(st.error());
    insert_slice_ = std::move(*st);
  }
  if (auto r = begin(); !r) return core::unexpected(r.error());
  insert_slice_.bind(1, ref->sha256);
  insert_slice_.bind(2, ref->name);
  insert_slice_.bind(3, static_cast<std::int64_t>(bytes->size()));
  insert_slice_.bind(4, encoded);
  insert_slice_.bind(5, received_ns);
  if (auto r = insert_slice_.run(); !r) return core::unexpected(r.error());
  return std::string();
}

core::Result<std::optional<std::string>, std::string> EventStore::slice_bytes(std::string_view sha256) {
  if (!select_slice_.prepared()) {
    auto st = db_.prepare("SELECT data FROM slices WHERE sha256 = ?1");
    // A database from before slices has no table: it holds no slice.
    if (!st) return std::optional<std::string>();
    select_slice_ = std::move(*st);
  }
  select_slice_.bind(1, sha256);
  auto row = select_slice_.step();
  if (!row) {
    select_slice_.reset();
    return core::unexpected(row.error());
  }
  std::optional<std::string> out;
  if (*row) out = events::from_base64(select_slice_.column_text(0), kMaxSliceBytes);
  select_slice_.reset();
  return out;
}

// A refused slice is evidence that was altered or damaged between the sensor and here: besides
// the log line, it becomes an integrity event of the collector that names the sensor's event,
// so that the report and `query` show it (the event itself is kept without its slice).
core::Result<std::string, std::string> EventStore::refuse_slice(std::string_view line, std::string code, std::string detail,
                                                                std::int64_t received_ns) {
  if (integrity_) {
    IntegrityProblem problem;
    problem.code = code;
    problem.detail = std::move(detail);
    if (auto header = events::parse_event_header(line)) {
      problem.sensor = header->sensor;
      problem.epoch = header->epoch;
      problem.seq = header->seq;
    }
    if (auto r = store_collector_events({problem}, received_ns); !r) return core::unexpected(r.error());
  }
  return code;
}

}  // namespace normwatch::collector
