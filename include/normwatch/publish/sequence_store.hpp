// SequenceStore: hands out the sensor's event sequence numbers (issue 7 §1, PEERS.md §4 item 2).
//
// A sequence number never repeats for a sensor, across restarts and crashes. The store keeps
// DIR/sequence.state = {epoch, next}: `next` is the first number no epoch was ever allowed to use.
// Numbers are reserved durably in blocks: before handing out n the store has already fsynced a
// state whose `next` is above n, so a crash at any point can only skip numbers, never reuse them.
// Each open starts a new boot epoch, max(previous + 1, Unix seconds now), and continues at the
// stored `next`; the unused rest of the previous block is skipped (the collector sees a jump
// between epochs, not a gap within one). Even if the state file is lost, the new epoch differs
// from every earlier one (wall clock), so (sensor, epoch, seq) still never repeats.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "normwatch/core/result.hpp"

namespace normwatch::publish {

class SequenceStore {
 public:
  static constexpr std::uint64_t kDefaultBlock = 65'536;

  // Durable store in `dir` (created if missing). `now_unix_seconds` < 0 means the wall clock.
  static core::Result<SequenceStore, std::string> open(const std::filesystem::path& dir,
                                                       std::uint64_t block = kDefaultBlock,
                                                       std::int64_t now_unix_seconds = -1);
  // In-memory store: epoch 0, numbers from 1 — deterministic output for a replay without a spool.
  static SequenceStore ephemeral();

  std::uint64_t epoch() const { return epoch_; }
  // The next number; first reserves (durably) another block when the current one is used up.
  core::Result<std::uint64_t, std::string> next();
  // Never hand out a number <= n (e.g. records already in the spool when the state file was lost).
  core::Result<void, std::string> advance_past(std::uint64_t n);
  // The number next() will return (without reserving).
  std::uint64_t peek() const { return next_; }
  // First number this epoch may not use without another reservation.
  std::uint64_t reserved_limit() const { return limit_; }

 private:
  SequenceStore() = default;
  core::Result<void, std::string> persist(std::uint64_t limit);

  std::filesystem::path state_path_;
  bool durable_ = false;
  std::uint64_t epoch_ = 0;
  std::uint64_t next_ = 1;
  std::uint64_t limit_ = 0;
  std::uint64_t block_ = kDefaultBlock;
};

}  // namespace normwatch::publish
