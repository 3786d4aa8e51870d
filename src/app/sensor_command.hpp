// `normwatch replay` and `normwatch live` as a sensor (issues 6 and 7): the rules, the event
// outputs, the heartbeat, the capture loop and, at the end, the wait for the collector's
// acknowledgements. Without --publish/--spool the events go through the rules' own JSON-lines
// writer exactly as before delivery existed; with them, one DeliverySink writes the events file
// and the spool from the same stamped lines (never both writers at once).
#pragma once

#include <string>

#include "normwatch/capture/pcap_live.hpp"
#include "normwatch/pipeline/pipeline.hpp"
#include "publish_options.hpp"
#include "rules_options.hpp"
#include "slice_options.hpp"

namespace normwatch::app {

// Exit status when a run ended with events the collector has not acknowledged (replay after
// --drain-timeout or Ctrl-C): they stay in the spool and go out with the next run.
inline constexpr int kExitUndelivered = 3;

// A live sensor stopped with Ctrl-C waits this long for acknowledgements unless --drain-timeout
// says otherwise (what is left stays in the spool; live capture never fails on it).
inline constexpr double kLiveDrainSeconds = 5.0;

struct SensorSettings {
  pipeline::PipelineOptions pipeline;
  RulesFlags rules;
  PublishFlags publish;
  bool json = false;      // summary as one JSON object
  bool progress = false;  // replay: progress bar on a terminal
  double duration = 0;    // live: stop after this many seconds (0: on a signal)
  std::string run_user;   // live as root: the account to drop to once the capture is open (privileges.hpp)
  SliceFlags slices{};    // pcap evidence slices (slice_options.hpp)
  unsigned workers = 1;   // --workers: pipeline threads (1: no threads at all, today's exact path)
  bool queue_drop = false;  // replay --queue-drop: drop at a full worker queue as live does (else wait)
};

// Exit status: 0 done; 1 bad input, a capture that broke off, a broken rule pack or an output that
// cannot be opened; 2 bad usage; kExitUndelivered (replay only).
int run_replay(const std::string& capture_path, const SensorSettings& settings);
int run_live(const capture::LiveOptions& live, const SensorSettings& settings);

}  // namespace normwatch::app
