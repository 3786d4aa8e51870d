// HealthReporter: the sensor's heartbeat (issue 7 §2; PEERS.md §4 item 4: heartbeats carry
// capture drops, reassembly gaps, parser errors and spool depth, so "no events" can be told apart
// from "blind sensor"; NORMS-AND-RULES SYS-01).
//
// Every interval (default 10 s of the clock it is driven by: the wall clock for live capture,
// capture time for replay) it emits a `health` event:
//   {"health": {"interval_s", "uptime_s", "packets", "bytes", "kernel_drops", "interface_drops",
//               "queue_drops": [per worker] (only with --workers N > 1),
//               "tcp_gaps", "tcp_gap_bytes", "decode_anomalies", "parse_anomalies", "pdus",
//               "flows": {"active", "total", "evicted"}, "last_packet": ts|null,
//               "spool": {"unacked", "bytes", "acked_through", "dropped", "connected"}|null,
//               "clock": {"source", "now", "wall", "offset_s"},
//               "hashes": {"binary", "rule_pack", "policy"}}}       (hashes: SHA-256 hex or null)
// A changed rule-pack or policy hash emits a `config_change` event (rule SYS-01, severity high).
// No new packet for silence_timeout emits one SYS-01 anomaly (severity critical) per silent spell.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "normwatch/core/timestamp.hpp"
#include "normwatch/events/event_sink.hpp"
#include "normwatch/publish/delivery_sink.hpp"

namespace normwatch::publish {

// What the pipeline saw so far (cumulative counters); the app fills it from PipelineStats and the
// capture source's counters.
struct HealthSnapshot {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t kernel_drops = 0;      // pcap ps_drop
  std::uint64_t interface_drops = 0;   // pcap ps_ifdrop
  std::vector<std::uint64_t> queue_drops;  // --workers N: frames dropped at each worker's full queue
  std::uint64_t tcp_gaps = 0;          // reassembly gaps
  std::uint64_t tcp_gap_bytes = 0;
  std::uint64_t decode_anomalies = 0;
  std::uint64_t parse_anomalies = 0;
  std::uint64_t pdus = 0;
  std::uint64_t flows_active = 0;
  std::uint64_t flows_total = 0;
  std::uint64_t flows_evicted = 0;
  core::Timestamp last_packet;         // capture time of the newest packet (0: none yet)
};

struct HealthOptions {
  std::int64_t interval_ns = 10 * core::kNsPerSecond;  // 0: no heartbeats
  std::int64_t silence_ns = 60 * core::kNsPerSecond;   // 0: no SYS-01 for silence
  std::filesystem::path rule_pack;                     // file or directory; empty: null hash
  std::filesystem::path policy;
  std::filesystem::path binary = "/proc/self/exe";
  std::string clock_source = "wall";                   // "wall" (live) or "capture" (replay)
};

class HealthReporter {
 public:
  using SnapshotFunction = std::function<HealthSnapshot()>;
  using DeliveryFunction = std::function<std::optional<DeliveryStats>()>;

  HealthReporter(HealthOptions options, SnapshotFunction snapshot, events::EventSink& sink,
                 DeliveryFunction delivery = {});

  // Call with the driving clock as often as convenient (per packet, per read timeout): it does
  // nothing until the next check (every second of that clock) is due.
  void tick(core::Timestamp now);
  // One last heartbeat (end of capture, shutdown).
  void finish(core::Timestamp now);

  const std::optional<std::string>& binary_hash() const { return binary_hash_; }
  std::uint64_t heartbeats() const { return heartbeats_; }

 private:
  void check(core::Timestamp now, bool force_heartbeat);
  void emit_health(core::Timestamp now, const HealthSnapshot& snap);
  void check_config(core::Timestamp now);
  std::string health_body(core::Timestamp now, const HealthSnapshot& snap) const;

  HealthOptions options_;
  SnapshotFunction snapshot_;
  events::EventSink& sink_;
  DeliveryFunction delivery_;
  std::optional<std::string> binary_hash_;
  std::optional<std::string> rule_pack_hash_;
  std::optional<std::string> policy_hash_;
  bool started_ = false;
  core::Timestamp start_;
  core::Timestamp next_check_;
  core::Timestamp next_heartbeat_;
  std::uint64_t last_packets_ = 0;
  core::Timestamp last_packet_change_;
  bool silence_reported_ = false;
  std::uint64_t heartbeats_ = 0;
};

}  // namespace normwatch::publish
