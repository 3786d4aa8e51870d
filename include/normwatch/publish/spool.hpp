// Spool: the sensor's durable, bounded, append-only event store between stamping and the
// collector's acknowledgement (issue 7 §1, PEERS.md §4 items 1 and 3).
//
// Records (spool_format.hpp) are appended to the active segment DIR/seg-<first seq>.nws; a segment
// is closed at SpoolLimits::segment_bytes and deleted once every record in it is acknowledged.
// Durability follows the FsyncPolicy. Admission is what keeps the bound and the priorities:
// telemetry (health) is refused once the spool holds telemetry_percent of max_bytes, findings only
// at max_bytes — so a filling spool sheds heartbeats long before it would drop a finding. Loss
// records bypass admission (the worker emits at most one per reason per second). The highest
// acknowledged seq is kept in DIR/acked (not fsynced: if stale, a restart re-sends a few events
// and the collector drops them as duplicates). One thread owns a Spool; it is not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/core/result.hpp"
#include "normwatch/publish/fsync_policy.hpp"

namespace normwatch::publish {

struct SpoolLimits {
  std::uint64_t max_bytes = 512ULL << 20;    // --spool-max-mib
  std::uint64_t segment_bytes = 8ULL << 20;
  std::uint32_t telemetry_percent = 90;      // health refused above this fill level
};

struct SpoolRecord {
  std::uint64_t seq = 0;
  std::string_view line;  // valid until the next read_after()
};

struct SpoolRecovery {
  std::uint64_t segments = 0;
  std::uint64_t records = 0;          // valid records found
  std::uint64_t unacked = 0;          // of which not yet acknowledged
  std::uint64_t discarded_bytes = 0;  // torn or corrupt bytes cut off
  std::uint64_t acked_through = 0;
};

class Spool {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Admission : std::uint8_t { accept, refuse_telemetry, refuse_full };

  static core::Result<std::unique_ptr<Spool>, std::string> open(const std::filesystem::path& dir, SpoolLimits limits,
                                                                FsyncPolicy policy);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  Admission admit(std::size_t line_bytes, bool droppable) const;
  // Queues one record (seq strictly above every earlier one). May write queued records when the
  // active segment is full and a new one is started.
  core::Result<void, std::string> append(std::uint64_t seq, std::string_view line, Clock::time_point now);
  // write(2)s the queued records, then fsyncs if the policy says so (or `force_sync`).
  core::Result<void, std::string> write_pending(Clock::time_point now, bool force_sync = false);
  // When the policy next wants an fsync (nullopt: nothing unsynced).
  std::optional<Clock::time_point> sync_deadline() const;

  // Up to max_records / max_bytes written records with seq > after_seq, in order. The views stay
  // valid until the next call.
  core::Result<std::size_t, std::string> read_after(std::uint64_t after_seq, std::size_t max_records,
                                                    std::size_t max_bytes, std::vector<SpoolRecord>& out);
  // Every record with seq <= through_seq is delivered (`records` of them newly so).
  void acknowledge(std::uint64_t through_seq, std::uint64_t records);
  // Writes DIR/acked (rename, no fsync).
  void persist_acked();

  std::uint64_t acked_through() const { return acked_through_; }
  std::uint64_t unacked_records() const { return unacked_; }
  std::uint64_t bytes() const;                 // on disk plus queued
  std::uint64_t last_seq() const { return last_seq_; }
  std::uint64_t fsyncs() const { return fsyncs_; }
  // Records lost because a write failed (disk full, I/O error); cumulative.
  std::uint64_t lost_records() const { return lost_records_; }
  const SpoolRecovery& recovery() const { return recovery_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  struct Segment {
    std::uint64_t id = 0;  // first seq, also the file name
    int fd = -1;
    std::uint64_t size = 0;  // bytes written
    std::uint64_t first_seq = 0;
    std::uint64_t last_seq = 0;
    std::uint64_t records = 0;
    bool dirty = false;  // written since the last fsync
  };

  Spool(std::filesystem::path dir, SpoolLimits limits, FsyncPolicy policy);
  core::Result<void, std::string> recover();
  core::Result<void, std::string> recover_segment(Segment& seg, bool is_last);
  core::Result<void, std::string> open_new_segment(std::uint64_t first_seq);
  core::Result<void, std::string> sync_now(Clock::time_point now);
  void delete_delivered_segments();
  void close_segment(Segment& seg, bool unlink_file);
  std::filesystem::path segment_path(std::uint64_t id) const;

  std::filesystem::path dir_;
  SpoolLimits limits_;
  FsyncPolicy policy_;
  std::deque<Segment> segments_;  // oldest first; the back one is the active one
  bool active_open_ = false;      // the back segment takes appends
  std::string pending_;           // encoded records not yet written
  std::uint64_t pending_records_ = 0;
  std::uint64_t pending_first_seq_ = 0;
  std::uint64_t pending_last_seq_ = 0;
  std::uint64_t disk_bytes_ = 0;
  std::uint64_t last_seq_ = 0;
  std::uint64_t acked_through_ = 0;
  std::uint64_t acked_persisted_ = 0;
  std::uint64_t unacked_ = 0;
  std::uint64_t unsynced_records_ = 0;
  std::optional<Clock::time_point> first_unsynced_;
  Clock::time_point last_sync_{};
  bool directory_dirty_ = false;
  std::uint64_t fsyncs_ = 0;
  std::uint64_t lost_records_ = 0;
  SpoolRecovery recovery_;
  // read cursor
  std::uint64_t cursor_seq_ = 0;
  std::uint64_t cursor_segment_ = 0;
  std::uint64_t cursor_offset_ = 0;
  bool cursor_valid_ = false;
  std::string read_buf_;
};

}  // namespace normwatch::publish
