// Runs a pipeline over a packet source until it ends, fails or is interrupted, with a progress bar
// on a terminal, and collects the RunReport.
#pragma once

#include <atomic>

#include "normwatch/capture/packet_source.hpp"
#include "normwatch/pipeline/pipeline.hpp"
#include "summary_report.hpp"

namespace normwatch::app {

struct RunOptions {
  bool progress = false;          // draw a progress bar on stderr
  double duration_seconds = 0;    // live: stop after this long (0: until a signal)
};

// Set by SIGINT/SIGTERM handlers; the loop checks it between frames and on read timeouts.
extern std::atomic<bool> g_stop_requested;
void install_stop_signals(capture::PacketSource* source);

RunReport run_capture(capture::PacketSource& source, pipeline::Pipeline& pipeline, const RunOptions& options,
                      bool live);

}  // namespace normwatch::app
