// IntegrityChecker: the collector's online check of each sensor's evidence chain (issue 10 §5;
// rules in events/chain.hpp). For every stored event it compares the chain link with the stored
// predecessor and verifies checkpoint signatures against the sensor's pinned key (the --allow
// DIR's PRINCIPAL.sign.pub). Nothing is dropped: an event that does not link, or a checkpoint
// that fails, is stored as usual, marked in the table
//   integrity(sensor, epoch, seq, status, prev_seq, detail, detected_ns)
// (status: unlinked = predecessor not stored yet, re-checked when it arrives; broken_link,
// missing_link, bad_signature, unpinned_key, head_mismatch, malformed), and each problem becomes
// an integrity event of the collector itself (sensor "normwatch-collector", kind integrity,
// severity high) that the EventStore stores beside the sensors' events.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/collector/sqlite.hpp"
#include "normwatch/core/result.hpp"
#include "normwatch/events/chain.hpp"
#include "normwatch/events/event_header.hpp"

namespace normwatch::collector {

inline constexpr std::string_view kCollectorSensorId = "normwatch-collector";

struct IntegrityProblem {
  std::string sensor;
  std::uint64_t epoch = 0;
  std::uint64_t seq = 0;
  std::string code;     // "chain.broken_link", "checkpoint.bad_signature", ...
  std::string detail;
};

class IntegrityChecker {
 public:
  // `keys_dir` "" = no pinned keys (every checkpoint is marked unpinned_key).
  static core::Result<std::unique_ptr<IntegrityChecker>, std::string> open(Database& db,
                                                                          std::filesystem::path keys_dir);

  // One event just inserted (inside the open transaction).
  core::Result<void, std::string> check(std::string_view line, const events::EventHeader& header,
                                        std::string_view principal, std::int64_t received_ns);
  // Problems found since the last call.
  std::vector<IntegrityProblem> take_problems();
  // The transaction was rolled back: forget cached heads.
  void reset();

  std::uint64_t problems_total() const { return problems_total_; }

 private:
  struct Head {
    std::uint64_t seq = 0;
    events::ChainHash hash{};
  };

  explicit IntegrityChecker(Database& db, std::filesystem::path keys_dir) : db_(db), keys_dir_(std::move(keys_dir)) {}
  core::Result<void, std::string> prepare();
  core::Result<std::optional<events::ChainHash>, std::string> stored_hash(const std::string& sensor, std::uint64_t seq);
  core::Result<void, std::string> mark(const events::EventHeader& h, std::string_view status, std::uint64_t prev_seq,
                                       const std::string& detail, std::int64_t received_ns);
  core::Result<void, std::string> resolve_successors(const std::string& sensor, std::uint64_t seq,
                                                     const events::ChainHash& hash, std::int64_t received_ns);
  core::Result<void, std::string> check_checkpoint(std::string_view line, const events::EventHeader& h,
                                                   std::string_view principal, std::int64_t received_ns);
  std::string pinned_key(std::string_view principal);
  void problem(const events::EventHeader& h, std::string code, std::string detail);

  Database& db_;
  std::filesystem::path keys_dir_;
  std::map<std::string, Head, std::less<>> heads_;
  std::map<std::string, std::uint64_t, std::less<>> pending_;  // unlinked marks per sensor
  std::map<std::string, std::string, std::less<>> keys_;       // principal -> hex ("" = none)
  Statement select_line_;
  Statement insert_mark_;
  Statement select_pending_;
  Statement delete_mark_;
  std::vector<IntegrityProblem> problems_;
  std::uint64_t problems_total_ = 0;
  std::uint64_t current_epoch_ = 0;   // the epoch epochs may not list yet (uncommitted)
};

}  // namespace normwatch::collector
