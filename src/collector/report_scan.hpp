// HeartbeatScan: one sensor's coverage over a report period (report_scan.cpp), fed with its
// events in capture-time order. Heartbeats give uptime and silences; their cumulative counters,
// taken per boot epoch against the last heartbeat before the period, give the period's packets,
// drops and gaps; the store's epochs, gaps and integrity tables give sequence and chain problems.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "normwatch/collector/report.hpp"

namespace normwatch::collector {

class HeartbeatScan {
 public:
  HeartbeatScan(std::int64_t t0, std::int64_t t1, const CoverageThresholds& thresholds)
      : t0_(t0), t1_(t1), thresholds_(thresholds) {
    coverage.period_s = static_cast<double>(t1 - t0) / 1e9;
  }

  // The heartbeats just before and just after the period (they bound its first and last silence).
  core::Result<void, std::string> load_edges(Database& db, const std::string& from, const std::string& to);
  // Every event of the sensor in the period, heartbeats included.
  void on_event(std::int64_t epoch, const std::string& kind, const std::string& rule_id, const nlohmann::json& e,
                const std::string& ts);
  core::Result<void, std::string> on_heartbeat(Database& db, std::int64_t epoch, const std::string& ts,
                                               const nlohmann::json& e);
  core::Result<void, std::string> finish(Database& db, const std::string& from, const std::string& to);

  SensorCoverage coverage;

 private:
  static constexpr std::size_t kCounters = 10;
  using Counters = std::array<std::uint64_t, kCounters>;
  struct EpochCounters {
    Counters baseline{};   // last heartbeat of this epoch before the period (0: none)
    Counters last{};
  };
  static Counters read_counters(const nlohmann::json& health);
  void segment(std::int64_t from_ns, std::int64_t to_ns, double interval_s, bool ends_with_heartbeat);

  std::int64_t t0_;
  std::int64_t t1_;
  CoverageThresholds thresholds_;
  std::int64_t prev_ns_ = -1;        // last heartbeat seen (before or in the period)
  double prev_interval_s_ = 0;
  std::int64_t next_ns_ = -1;        // first heartbeat at or after the period's end
  std::map<std::int64_t, EpochCounters> epochs_;
  std::set<std::int64_t> event_epochs_;
};

}  // namespace normwatch::collector
