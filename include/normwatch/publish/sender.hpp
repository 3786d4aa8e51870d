// Sender: the sensor end of the delivery protocol (wire.hpp) over a ZeroMQ DEALER socket, with
// CURVE (the collector's key pinned) unless a plaintext lab link was asked for explicitly.
//
// It reads events from the Spool in seq order, sends them in batches within a window of
// unacknowledged events, and tells the Spool what the collector acknowledged (only contiguous
// prefixes, so the spool can delete whole segments). Every unacknowledged batch is re-sent after a
// (re)connection — the DEALER's own queue dies with the TCP connection — and after an ack timeout.
// Nothing is ever dropped here: the spool holds every event until it is acknowledged.
// Driven by the delivery worker thread (not thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "normwatch/core/result.hpp"
#include "normwatch/publish/curve_keys.hpp"
#include "normwatch/publish/spool.hpp"

namespace normwatch::publish {

struct SenderOptions {
  std::string endpoint;                 // tcp://HOST:PORT
  bool plaintext_lab = false;           // no CURVE (refused unless asked for on both sides)
  std::string collector_public_z85;     // pinned collector key (CURVE)
  CurveKeyPair own_keys;                // this sensor's key pair (CURVE)
  std::chrono::milliseconds ack_timeout{10'000};  // re-send after this long without any ack
  std::size_t max_inflight_events = 16'384;
  std::size_t max_inflight_batches = 64;
  std::size_t batch_events = 512;
  std::size_t batch_bytes = 512 * 1024;
  int reconnect_ivl_ms = 100;
  int reconnect_ivl_max_ms = 2000;
};

struct SenderStats {
  std::uint64_t batches_sent = 0;
  std::uint64_t events_sent = 0;
  std::uint64_t batches_resent = 0;
  std::uint64_t events_acked = 0;
  std::uint64_t errors_received = 0;
  std::uint64_t auth_failures = 0;
  std::uint64_t handshakes = 0;
  bool connected = false;
};

using LogFunction = std::function<void(const std::string&)>;

class Sender {
 public:
  using Clock = std::chrono::steady_clock;

  static core::Result<std::unique_ptr<Sender>, std::string> open(const SenderOptions& options, Spool& spool,
                                                                 LogFunction log);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Sockets the worker polls for input (DEALER and its monitor).
  void add_poll_items(std::vector<zmq_pollitem_t>& items);
  // Reads acks, errors and connection events without blocking.
  void handle_input(Clock::time_point now);
  // Sends (or re-sends) what the window allows.
  void pump(Clock::time_point now);
  // When pump() has something to do without new input (retry, ack timeout).
  std::optional<Clock::time_point> deadline(Clock::time_point now) const;

  const SenderStats& stats() const { return stats_; }
  std::size_t inflight_events() const { return inflight_events_; }

 private:
  struct Batch {
    std::uint64_t id = 0;
    std::uint64_t first_seq = 0;
    std::uint64_t last_seq = 0;
    std::uint64_t count = 0;
    std::string payload;
    bool sent = false;
    bool acked = false;
    Clock::time_point sent_at{};
  };

  Sender(const SenderOptions& options, Spool& spool, LogFunction log);
  core::Result<void, std::string> start();
  bool send_batch(Batch& batch, Clock::time_point now);
  void on_ack(std::uint64_t batch_id);
  void on_monitor_event(std::uint16_t event, Clock::time_point now);
  void log_limited(const std::string& key, const std::string& message, Clock::time_point now);

  SenderOptions options_;
  Spool& spool_;
  LogFunction log_;
  zmq::context_t context_;
  zmq::socket_t dealer_;
  zmq::socket_t monitor_;
  std::deque<Batch> inflight_;
  std::size_t inflight_events_ = 0;
  std::uint64_t next_batch_id_ = 1;
  std::uint64_t batched_through_ = 0;  // highest seq put into a batch
  std::vector<SpoolRecord> records_;
  SenderStats stats_;
  std::vector<std::pair<std::string, Clock::time_point>> last_logged_;
  Clock::time_point last_send_attempt_{};
  Clock::time_point last_ack_{};
};

}  // namespace normwatch::publish
