// The sensor's delivery options for `normwatch replay` and `normwatch live` (issue 7): --publish
// with its keys and spool, fsync policy, drain timeout and health intervals, and the functions
// that turn them (with --events and --sensor-id, which rules_options.hpp owns) into a
// DeliverySink, HealthOptions and the end-of-replay drain.
#pragma once

#include <CLI/CLI.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "normwatch/core/result.hpp"
#include "normwatch/publish/delivery_sink.hpp"
#include "normwatch/publish/health.hpp"

namespace normwatch::app {

enum class CaptureMode : std::uint8_t { replay, live };

struct PublishFlags {
  std::string publish;             // --publish tcp://HOST:PORT
  std::string collector_pub;       // --collector-pub FILE (pinned collector key)
  std::string key;                 // --key FILE (this sensor's secret key)
  std::string spool;               // --spool DIR
  bool plaintext_lab = false;      // --plaintext-lab
  std::string fsync = "batch";     // --fsync always | batch[:N:MS] | interval:MS
  std::uint64_t spool_max_mib = 512;
  double drain_timeout = -1;       // --drain-timeout SECONDS (negative: until delivered or Ctrl-C)
  double health_interval = 10;     // --health-interval SECONDS (0: no heartbeats)
  double silence_timeout = 60;     // --silence-timeout SECONDS (0: no SYS-01 for silence)
  // Evidence chain (issue 10): on with --spool or --sign-key; checkpoints need a signing key
  // (--sign-key FILE, default: NAME.sign.key beside --key NAME.key when it exists).
  std::string sign_key;
  std::uint64_t checkpoint_events = 10'000;   // --checkpoint-every N
  double checkpoint_interval = 10;            // --checkpoint-interval SECONDS
  // Not flags: the caller fills them from its own options (e.g. --rules) for the health hashes.
  std::string rule_pack;
  std::string policy;
};

void add_publish_options(CLI::App& cmd, PublishFlags& flags);

// The sensor's event output: the JSON-lines file `events_path` ("-": stdout; "": none) and/or
// the collector (--publish), both fed the same stamped canonical lines; nullptr when there is
// neither. `sensor_id` empty: the host name. Replay replaces the events file and waits when the
// output queue is full; live capture appends to the file and drops instead of waiting (and
// reports the loss in a loss event).
core::Result<std::unique_ptr<publish::DeliverySink>, std::string> make_event_sinks(const PublishFlags& flags,
                                                                                  const std::string& events_path,
                                                                                  const std::string& sensor_id,
                                                                                  CaptureMode mode);

// Heartbeat settings: capture time drives them in replay, the wall clock in live capture.
publish::HealthOptions health_options(const PublishFlags& flags, CaptureMode mode);

// End of replay: waits until the collector acknowledged every event, --drain-timeout passed or
// *stop was set, and prints the outcome on stderr. Exit non-zero when !result.complete.
publish::DrainResult drain(publish::DeliverySink& sink, const PublishFlags& flags,
                           const std::atomic<bool>* stop = nullptr);

}  // namespace normwatch::app
