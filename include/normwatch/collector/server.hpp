// Server: the collector's receive loop (issue 7 §3, §4). A ZeroMQ ROUTER accepts many sensors
// (DEALERs, wire.hpp protocol); CURVE with a ZAP handler on inproc://zeromq.zap.01 that admits
// only keys in the AllowList (refusals are logged), or plaintext only with plaintext_lab. Each
// batch's lines go into the EventStore's open transaction; the transaction is committed when
// commit_events lines are pending or commit_interval passed, and only then are the batches
// acknowledged. Malformed or oversized messages are answered with nw1.error (oversized ones are cut
// by ZMQ_MAXMSGSIZE, which drops that connection) and never stop the loop. Accepted events can be
// re-published on a PUB socket as [topic "<kind> <sensor>", line] (best effort, for dashboards).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "normwatch/core/result.hpp"

namespace normwatch::collector {

struct ServerOptions {
  std::string listen;                     // tcp://*:7700
  std::filesystem::path db;
  std::filesystem::path key;              // the collector's secret key (CURVE)
  std::filesystem::path allow_dir;        // accepted sensors' .pub files
  std::string pub;                        // re-publish endpoint ("" = none)
  bool plaintext_lab = false;
  bool sync_full = true;
  bool require_sensor_matches_key = false;
  std::size_t commit_events = 8192;
  std::chrono::milliseconds commit_interval{10};
  std::function<void(const std::string&)> log;  // default: timestamped lines on stderr
};

struct ServerStats {
  std::uint64_t messages = 0;
  std::uint64_t malformed = 0;
  std::uint64_t stored = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t rejected = 0;
  std::uint64_t commits = 0;
  std::uint64_t refused = 0;       // ZAP refusals
  std::uint64_t handshake_failures = 0;  // e.g. a plaintext sensor, or one pinning another collector key
  std::uint64_t storage_errors = 0;
};

class Server {
 public:
  static core::Result<std::unique_ptr<Server>, std::string> open(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound endpoint with the real port (listen "tcp://127.0.0.1:*" picks a free one).
  std::string endpoint() const;
  // Serves until *stop; commits and acknowledges what is pending before returning.
  core::Result<void, std::string> run(const std::atomic<bool>& stop);
  ServerStats stats() const;

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace normwatch::collector
