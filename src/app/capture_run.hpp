// Runs a pipeline over a packet source until it ends, fails or is interrupted, with a progress bar
// on a terminal, drives the sensor's heartbeat (issue 7 §2) when there is one, and collects the
// RunReport.
#pragma once

#include <atomic>

#include "normwatch/capture/packet_source.hpp"
#include "normwatch/evidence/slice_recorder.hpp"
#include "normwatch/pipeline/pipeline.hpp"
#include "normwatch/pipeline/sharded_pipeline.hpp"
#include "normwatch/publish/health.hpp"
#include "summary_report.hpp"

namespace normwatch::app {

struct RunOptions {
  bool progress = false;          // draw a progress bar on stderr
  double duration_seconds = 0;    // live: stop after this long (0: until a signal)
  // Ticked with capture time in replay and the wall clock in live capture (on read timeouts too,
  // so that a silent interface is noticed); finished with one last heartbeat after the capture.
  publish::HealthReporter* health = nullptr;
  // Pcap evidence slices (issue 10 §2): sees every frame before the pipeline; finished (its held
  // findings released) when the capture ends, before the closing heartbeat.
  evidence::SliceRecorder* slices = nullptr;
};

// Set by SIGINT/SIGTERM handlers; the loop checks it between frames and on read timeouts.
extern std::atomic<bool> g_stop_requested;
void install_stop_signals(capture::PacketSource* source);

// The wall clock as a Timestamp (heartbeats of a live sensor).
core::Timestamp wall_clock_now();

RunReport run_capture(capture::PacketSource& source, pipeline::Pipeline& pipeline, const RunOptions& options,
                      bool live);
// The same loop with --workers N (issue 9): this thread reads and dispatches, the workers decode.
// The report adds the per-worker queue drops.
RunReport run_capture(capture::PacketSource& source, pipeline::ShardedPipeline& pipeline, const RunOptions& options,
                      bool live);

}  // namespace normwatch::app
