// Private state of the collector Server: sockets, store, pending acknowledgements, and the
// rate-limited log (a refused sensor reconnects every couple of seconds; the log must not flood).
#pragma once

#include <zmq.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "normwatch/collector/allow_list.hpp"
#include "normwatch/collector/event_store.hpp"
#include "normwatch/collector/server.hpp"

namespace normwatch::collector {

struct Server::Impl {
  using Clock = std::chrono::steady_clock;

  struct PendingAck {
    std::string routing_id;
    std::string batch_id;
    std::uint32_t stored = 0;
    std::uint32_t duplicates = 0;
    std::uint32_t rejected = 0;
  };
  struct LimitedLog {
    Clock::time_point last{};
    std::uint64_t suppressed = 0;
  };

  explicit Impl(ServerOptions o) : options(std::move(o)), context(1) {}

  core::Result<void, std::string> start();
  void handle_router(Clock::time_point now);
  void handle_message(std::vector<zmq::message_t>& frames, Clock::time_point now);
  void reply_error(const std::string& routing_id, std::string_view batch_id, std::string_view reason);
  void handle_zap();
  void handle_monitor();
  void commit_and_ack();
  void abandon_transaction(const std::string& why);
  void log(const std::string& message) const;
  void log_limited(const std::string& key, const std::string& message);
  void count(std::uint64_t ServerStats::*field, std::uint64_t n = 1);

  ServerOptions options;
  std::unique_ptr<EventStore> store;
  std::optional<AllowList> allow;
  zmq::context_t context;
  zmq::socket_t zap;
  zmq::socket_t router;
  zmq::socket_t monitor;
  zmq::socket_t pub;
  std::string endpoint;
  std::vector<PendingAck> acks;
  std::vector<LineResult> results;  // reused for every batch
  std::vector<std::pair<std::string, std::string>> to_publish;  // topic, line
  std::size_t pending_lines = 0;
  std::optional<Clock::time_point> commit_deadline;
  std::map<std::string, LimitedLog> limited;
  mutable std::mutex stats_mutex;
  ServerStats stats;
};

}  // namespace normwatch::collector
