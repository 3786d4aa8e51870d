// Private state of a DeliverySink: the bounded queue shared with producers, and everything the
// worker thread owns (sequence store, spool, sender, JSON-lines file, loss accounting).
#pragma once

#include <array>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "normwatch/publish/delivery_sink.hpp"
#include "normwatch/publish/durable_file.hpp"
#include "normwatch/publish/loss.hpp"

namespace normwatch::publish {

struct DeliverySink::State {
  using Clock = std::chrono::steady_clock;

  explicit State(DeliveryOptions o) : options(std::move(o)), sequence(SequenceStore::ephemeral()) {}
  ~State();

  // Worker thread.
  void run();
  void process(events::Event& event, Clock::time_point now, bool is_loss);
  void drop(LossReason reason, const events::Event& event);
  void write_pending_records(Clock::time_point now, bool force_sync);
  void emit_losses(Clock::time_point now, bool force);
  bool emit_checkpoint(Clock::time_point now, bool force);
  void publish(std::uint64_t flush_generation, std::uint64_t processed_now);
  void wake();
  void log(const std::string& message) const;

  DeliveryOptions options;
  std::optional<DirectoryLock> spool_lock;
  SequenceStore sequence;
  std::optional<EvidenceChain> chain;   // DeliveryOptions::evidence
  std::unique_ptr<Spool> spool;
  std::unique_ptr<Sender> sender;
  std::FILE* file = nullptr;
  bool own_file = false;
  bool file_error_logged = false;
  int wake_fd = -1;
  std::thread thread;

  // Shared with producers, under `mutex`.
  std::mutex mutex;
  std::condition_variable not_full;
  std::condition_variable progress;
  std::vector<events::Event> queue;
  bool sleeping = false;
  bool stopping = false;
  bool finished = false;
  std::uint64_t enqueued = 0;
  std::uint64_t flush_requested = 0;
  std::uint64_t flush_done = 0;
  LossCount queue_loss;
  DeliveryStats published;

  // Worker only.
  std::array<LossCount, kLossReasonCount> pending_loss{};
  std::array<Clock::time_point, kLossReasonCount> last_loss_emit{};
  std::vector<events::EventKind> unwritten_kinds;  // appended to the spool, not yet written
  std::uint64_t total_dropped = 0;
  std::uint64_t written = 0;
  std::uint64_t loss_events = 0;
  std::uint64_t last_seq = 0;
  core::Timestamp last_ts;
  Clock::time_point last_ack_persist{};
};

}  // namespace normwatch::publish
