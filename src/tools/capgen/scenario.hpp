// Scenarios: named, documented recipes that write one capture each. A scenario runs against a
// ScenarioContext (clock, frame sink, seeded random numbers, options) and counts the PDUs it
// wrote whole, so tests can compare those counts with what tshark sees.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "capgen/emitter.hpp"
#include "capgen/pcap_writer.hpp"
#include "capgen/rng.hpp"
#include "normwatch/core/result.hpp"

namespace normwatch::tools::capgen {

inline constexpr std::uint64_t kDefaultSeed = 20260101;

struct ScenarioOptions {
  std::uint64_t frames = 0;  // 0: the scenario's default
  std::uint32_t flows = 0;   // 0: the scenario's default
  std::uint64_t seed = kDefaultSeed;
};

// PDUs a reader that reassembles correctly decodes from the capture (each counted once, lost
// ones not at all).
struct PduCounts {
  std::uint64_t modbus_adus = 0;
  std::uint64_t dnp3_link_frames = 0;
  std::uint64_t dnp3_fragments = 0;
  std::uint64_t iec104_apdus = 0;
  std::uint64_t background_frames = 0;  // frames of non-ICS flows, for scenarios that write them
};

struct ScenarioResult {
  std::uint64_t frames = 0;
  PduCounts pdus;
};

class ScenarioContext {
 public:
  ScenarioContext(FrameSink& sink, const ScenarioOptions& options)
      : out_(sink), rng_(options.seed), options_(options) {}

  Emitter& out() { return out_; }
  Rng& rng() { return rng_; }
  PduCounts& pdus() { return pdus_; }
  const ScenarioOptions& options() const { return options_; }
  std::uint64_t frames_or(std::uint64_t fallback) const { return options_.frames ? options_.frames : fallback; }
  std::uint32_t flows_or(std::uint32_t fallback) const { return options_.flows ? options_.flows : fallback; }

 private:
  Emitter out_;
  Rng rng_;
  PduCounts pdus_;
  ScenarioOptions options_;
};

struct Scenario {
  std::string_view name;
  std::string_view summary;  // what the capture shows, for --list and captures/README.md
  void (*run)(ScenarioContext&);
};

std::span<const Scenario> all_scenarios();
const Scenario* find_scenario(std::string_view name);

ScenarioResult run_scenario(const Scenario& scenario, const ScenarioOptions& options, FrameSink& sink);
// Runs the named scenario into a pcap file at `path`.
core::Result<ScenarioResult, std::string> write_scenario(std::string_view name, const ScenarioOptions& options,
                                                         const std::string& path);

}  // namespace normwatch::tools::capgen
