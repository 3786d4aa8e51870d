// EvidenceChain: the sensor side of the evidence chain (issue 10 §1; rules in events/chain.hpp).
// The DeliverySink worker links each event to the previous stamped one before encoding it,
// advances the head once the event has its sequence number, and emits a signed checkpoint every
// `every_events` events or `every` seconds (and at flush or shutdown) when it holds a Signer.
//
// The head survives restarts in DIR/chain.state (the spool directory, beside sequence.state):
// {seq, head, total}, written after every processed chunk (rename only) and fsynced at each
// checkpoint and at shutdown. After a crash the DeliverySink replays the spooled records stamped
// after the saved head (recover()); only events lost with the crash and absent from the spool
// leave a branch, which the verifier names (chain.restart_branch).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "normwatch/core/result.hpp"
#include "normwatch/events/chain.hpp"
#include "normwatch/events/event.hpp"
#include "normwatch/publish/signer.hpp"

namespace normwatch::publish {

struct CheckpointPolicy {
  std::uint64_t every_events = 10'000;              // 0: no count trigger
  std::chrono::milliseconds every{10'000};          // 0: no time trigger
};

struct EvidenceOptions {
  std::optional<Signer> signer;                     // none: chained, but no checkpoints
  CheckpointPolicy checkpoints;
};

class EvidenceChain {
 public:
  using Clock = std::chrono::steady_clock;

  // `state_dir` "" keeps the head in memory only (the chain starts at the genesis every run).
  static core::Result<EvidenceChain, std::string> open(const std::filesystem::path& state_dir, EvidenceOptions options,
                                                       std::string sensor, std::uint64_t epoch);

  // Sets event.chain to the current head.
  void link(events::Event& event) const;
  // The event with sequence number `seq` and canonical line `line` was stamped.
  void advance(std::uint64_t seq, std::string_view line);

  // An event the sensor stamped after the saved head (found in the spool after a crash): it
  // becomes the head, so that the new epoch links to it (no chain.restart_branch).
  void recover(std::uint64_t seq, std::string_view line);

  // A checkpoint is due: stamped events since the last one and (count or time reached, or force).
  bool checkpoint_due(Clock::time_point now, bool force) const;
  // The signed checkpoint event over the current head (kind integrity). Resets the triggers.
  events::Event make_checkpoint(core::Timestamp ts, Clock::time_point now);

  // Writes DIR/chain.state (durable: fsync file and directory). No-op without a state dir.
  core::Result<void, std::string> persist(bool durable);

  bool signing() const { return options_.signer.has_value(); }
  std::uint64_t head_seq() const { return head_seq_; }
  const std::string& head_hex() const { return head_hex_; }
  std::uint64_t total() const { return total_; }
  std::uint64_t checkpoints() const { return checkpoints_; }

 private:
  EvidenceChain() = default;

  std::filesystem::path state_path_;
  EvidenceOptions options_;
  std::string sensor_;
  std::uint64_t epoch_ = 0;
  std::uint64_t head_seq_ = 0;
  std::string head_hex_;
  std::uint64_t total_ = 0;           // stamped since the chain began
  std::uint64_t epoch_events_ = 0;    // stamped in this epoch
  std::uint64_t epoch_first_seq_ = 0;
  std::uint64_t since_checkpoint_ = 0;
  std::uint64_t checkpoints_ = 0;
  bool checkpoint_pending_ = false;   // the last stamped event is a checkpoint
  std::uint64_t persisted_seq_ = 0;
  Clock::time_point last_checkpoint_{};
};

}  // namespace normwatch::publish
