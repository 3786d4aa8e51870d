// The replay/live summary: what the sensor saw, how much it could read, and what it could not —
// as text for a person or one JSON object for scripts (`--json`).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "normwatch/capture/packet_source.hpp"
#include "normwatch/pipeline/pipeline.hpp"

namespace normwatch::app {

struct RunReport {
  std::string source;             // file name or "interface eth0"
  pipeline::PipelineStats stats;
  capture::CaptureStats capture;
  double wall_seconds = 0;
  std::string error;              // set when the capture broke off (truncated file, read error)
  std::string ndpi_version;
  bool live = false;
  unsigned workers = 1;                     // --workers
  std::vector<std::uint64_t> queue_drops;   // per worker (workers > 1): frames dropped at a full queue
};

void print_text(std::FILE* out, const RunReport& report);
void print_json(std::FILE* out, const RunReport& report);

}  // namespace normwatch::app
