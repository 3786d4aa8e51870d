// DeliverySink: the sensor's event output stack (issue 7 §1). One EventSink that stamps every event
// (sensor id, boot epoch, sequence number), encodes it canonically, and hands the same line to
// every configured output: a JSON-lines file (--events FILE, "-" = stdout) and the durable spool
// that the Sender delivers to the collector (--publish).
//
// Hot path: emit() only moves the event into a bounded in-memory queue; a worker thread stamps,
// encodes, spools, writes and sends. When the queue is full, emit() either waits (replay:
// block_when_full) or drops the event and counts it (live capture must never stall on output);
// drops of any kind are reported in sequenced `loss` events (loss.hpp). Events refused by a full
// spool take no sequence number and go to no output.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "normwatch/core/result.hpp"
#include "normwatch/events/event_sink.hpp"
#include "normwatch/publish/checkpoint.hpp"
#include "normwatch/publish/fsync_policy.hpp"
#include "normwatch/publish/sender.hpp"
#include "normwatch/publish/sequence_store.hpp"
#include "normwatch/publish/spool.hpp"

namespace normwatch::publish {

struct DeliveryOptions {
  std::string sensor_id;                   // events::valid_sensor_id
  std::filesystem::path spool_dir;         // "": no durable sequence state (epoch 0, seq from 1)
  std::optional<SenderOptions> publish;    // needs spool_dir
  std::string events_path;                 // JSON lines: "" none, "-" stdout
  bool append_events = false;              // add to an existing file (live) instead of replacing it
  SpoolLimits spool_limits;
  FsyncPolicy fsync;
  std::size_t queue_capacity = 65'536;     // events waiting for the worker
  bool block_when_full = false;            // replay: wait; live: drop and count
  std::uint64_t sequence_block = SequenceStore::kDefaultBlock;
  // Evidence chain (issue 10, checkpoint.hpp): link every event, sign checkpoints with a Signer.
  std::optional<EvidenceOptions> evidence;
  LogFunction log;                         // default: "normwatch: publish: ..." on stderr
};

struct DeliveryStats {
  std::uint64_t emitted = 0;         // accepted into the queue
  std::uint64_t written = 0;         // stamped and handed to the outputs (incl. loss events)
  std::uint64_t dropped = 0;         // all reasons
  std::uint64_t loss_events = 0;
  std::uint64_t queue_depth = 0;
  std::uint64_t epoch = 0;
  std::uint64_t last_seq = 0;        // 0: none yet
  // Spool and delivery (zero without --publish).
  std::uint64_t acked_through = 0;
  std::uint64_t spool_unacked = 0;
  std::uint64_t spool_bytes = 0;
  std::uint64_t fsyncs = 0;
  std::uint64_t events_sent = 0;
  std::uint64_t batches_resent = 0;
  std::uint64_t auth_failures = 0;
  bool connected = false;
  std::uint64_t checkpoints = 0;     // signed evidence checkpoints emitted
};

struct DrainResult {
  bool complete = true;        // everything acknowledged (or nothing to deliver)
  std::uint64_t unacked = 0;   // events left in the spool
  std::string message;         // one line for the operator
};

class DeliverySink final : public events::EventSink {
 public:
  static core::Result<std::unique_ptr<DeliverySink>, std::string> open(DeliveryOptions options);
  ~DeliverySink() override;
  DeliverySink(const DeliverySink&) = delete;
  DeliverySink& operator=(const DeliverySink&) = delete;

  void emit(events::Event event) override;
  // Returns once everything emitted before the call is stamped, spooled and written to the file.
  void flush() override;
  // flush(), then waits until the collector acknowledged every spooled event, `timeout` passed
  // (negative: no limit) or *stop became true.
  DrainResult drain(std::chrono::milliseconds timeout, const std::atomic<bool>* stop = nullptr);

  DeliveryStats stats() const;
  bool publishing() const;
  const std::string& sensor_id() const;

  struct State;

 private:
  explicit DeliverySink(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace normwatch::publish
