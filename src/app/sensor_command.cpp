// replay and live as a sensor (sensor_command.hpp): outputs, heartbeat, capture, drain.
#include "sensor_command.hpp"
#include "privileges.hpp"

#include <cstdio>
#include <fstream>
#include <memory>
#include <numeric>
#include <optional>

#include "capture_run.hpp"
#include "normwatch/capture/pcap_file.hpp"
#include "rules_command.hpp"
#include "summary_report.hpp"

namespace normwatch::app {

namespace {

// Owners in destruction order: the rules (which emit into the sink) go before the sink.
struct Outputs {
  std::unique_ptr<publish::DeliverySink> delivery;  // --publish or --spool; else null
  std::unique_ptr<evidence::SliceRecorder> slices;  // --slice-dir: between the rules and the output
  std::unique_ptr<RulesRun> rules;                  // null when the run needs no rules
};

bool delivery_wanted(const PublishFlags& f) { return !f.publish.empty() || !f.spool.empty(); }

// The rules run when events are written or published, or a rule pack or policy is named. On
// failure the problem is printed and the error is the exit status.
core::Result<Outputs, int> open_outputs(const SensorSettings& s, CaptureMode mode) {
  Outputs out;
  if (delivery_wanted(s.publish)) {
    auto sink = make_event_sinks(s.publish, s.rules.events, s.rules.sensor_id, mode);
    if (!sink) {
      std::fprintf(stderr, "normwatch: %s\n", sink.error().c_str());
      return core::unexpected(1);
    }
    out.delivery = std::move(*sink);
  } else if (!s.publish.collector_pub.empty() || !s.publish.key.empty() || s.publish.plaintext_lab) {
    std::fprintf(stderr, "normwatch: --collector-pub, --key and --plaintext-lab need --publish\n");
    return core::unexpected(2);
  }
  if (s.rules.wanted() || out.delivery || s.slices.enabled()) {
    RulesRun::Interpose interpose;
    if (s.slices.enabled()) {
      const std::string sensor = s.rules.sensor_id.empty() ? default_sensor_id() : s.rules.sensor_id;
      interpose = [&out, &s, sensor](events::EventSink& output) -> events::EventSink* {
        auto recorder = evidence::SliceRecorder::open(slice_options(s.slices, sensor, out.delivery != nullptr), output);
        if (!recorder) {
          std::fprintf(stderr, "normwatch: %s\n", recorder.error().c_str());
          return nullptr;
        }
        out.slices = std::move(*recorder);
        return out.slices.get();
      };
    }
    auto rules = RulesRun::start(s.rules, out.delivery.get(), interpose);
    if (!rules) return core::unexpected(rules.error());
    out.rules = std::move(*rules);
  }
  return out;
}

publish::HealthSnapshot health_snapshot(const pipeline::PipelineStats& p, const capture::CaptureStats& c) {
  const auto sum = [](const auto& counts) {
    return std::accumulate(counts.begin(), counts.end(), std::uint64_t{0},
                           [](std::uint64_t acc, const auto& kv) { return acc + kv.second; });
  };
  publish::HealthSnapshot h;
  h.packets = p.frames;
  h.bytes = p.bytes;
  h.kernel_drops = c.kernel_dropped;
  h.interface_drops = c.interface_dropped;
  h.tcp_gaps = p.reassembly.gaps;
  h.tcp_gap_bytes = p.reassembly.gap_bytes;
  h.decode_anomalies = p.decode.anomaly_total();
  h.parse_anomalies = sum(p.anomalies_by_name);
  h.pdus = sum(p.pdus_by_protocol);
  h.flows_active = p.flows.active;
  h.flows_total = p.flows.created;
  h.flows_evicted = p.flows.evicted;
  h.last_packet = p.last_ts;
  return h;
}

// The heartbeat goes with the delivery outputs only: a replay with --events alone stays exactly
// what it was (deterministic, the golden tests' output).
std::unique_ptr<publish::HealthReporter> make_health(const SensorSettings& s, CaptureMode mode,
                                                     publish::DeliverySink* sink,
                                                     publish::HealthReporter::SnapshotFunction snapshot) {
  if (sink == nullptr) return nullptr;
  PublishFlags f = s.publish;
  f.rule_pack = s.rules.rules.empty() ? default_rules_dir() : s.rules.rules;
  f.policy = s.rules.policy;
  auto delivery = [sink]() -> std::optional<publish::DeliveryStats> {
    if (!sink->publishing()) return std::nullopt;
    return sink->stats();
  };
  return std::make_unique<publish::HealthReporter>(health_options(f, mode), snapshot, *sink, delivery);
}

// Counters are read once per second of the driving clock (the maps are copied then, not per packet).
std::unique_ptr<publish::HealthReporter> make_health(const SensorSettings& s, CaptureMode mode,
                                                     publish::DeliverySink* sink, const pipeline::Pipeline& pipeline,
                                                     const capture::PacketSource& source) {
  return make_health(s, mode, sink, [&pipeline, &source] { return health_snapshot(pipeline.stats(), source.stats()); });
}

// --workers N: the workers' counters as last published, and the frames dropped at their queues.
std::unique_ptr<publish::HealthReporter> make_health(const SensorSettings& s, CaptureMode mode,
                                                     publish::DeliverySink* sink,
                                                     const pipeline::ShardedPipeline& pipeline,
                                                     const capture::PacketSource& source) {
  return make_health(s, mode, sink, [&pipeline, &source] {
    publish::HealthSnapshot h = health_snapshot(pipeline.stats(), source.stats());
    h.queue_drops = pipeline.queue_drops();
    return h;
  });
}

// One capture run with s.workers pipelines: today's single pipeline on this thread for 1, else a
// ShardedPipeline (live always drops at a full queue; replay waits unless --queue-drop).
RunReport run_pipelines(capture::PacketSource& source, const SensorSettings& s, CaptureMode mode,
                        Outputs& outputs, RunOptions run) {
  pipeline::PduObserver* observer = outputs.rules ? outputs.rules->observer() : nullptr;
  const bool live = mode == CaptureMode::live;
  run.slices = outputs.slices.get();
  if (s.workers > 1 && run.slices != nullptr) {
    // The slice recorder sees every frame before the rules see it, on one thread; with workers
    // the reader runs ahead of the rules. Until it is made shard-aware, slices mean one worker.
    std::fprintf(stderr, "normwatch: --slice-dir runs with one worker (--workers %u ignored)\n", s.workers);
  }
  if (s.workers > 1 && run.slices == nullptr && observer != nullptr) {
    // Correct (the rules see the single pipeline's order) but not yet fast: the workers take
    // turns at the shared rules observer, PDU by PDU (issue 9, measured with peer-bench.sh). A
    // turn waits for the other worker to be running, so any other busy process on the same cores
    // makes it many times slower (about 10x beside one CPU-bound process, README).
    std::fprintf(stderr,
                 "normwatch: note: with rules, --workers %u takes turns at the rules for every PDU and is "
                 "currently slower than one worker, many times slower when other processes are busy on "
                 "the same cores\n",
                 s.workers);
  }
  if (s.workers <= 1 || run.slices != nullptr) {
    pipeline::Pipeline pipeline(s.pipeline, observer);
    const auto health = make_health(s, mode, outputs.delivery.get(), pipeline, source);
    run.health = health.get();
    return run_capture(source, pipeline, run, live);
  }
  pipeline::ShardedOptions sharded;
  sharded.workers = s.workers;
  sharded.drop_when_full = live || s.queue_drop;
  pipeline::ShardedPipeline pipeline(s.pipeline, observer, sharded);
  const auto health = make_health(s, mode, outputs.delivery.get(), pipeline, source);
  run.health = health.get();
  return run_capture(source, pipeline, run, live);
}

// `out` is stderr when events go to stdout (--events -), so that stdout holds only events.
void print_summary(const RunReport& report, const SensorSettings& s) {
  std::FILE* out = s.rules.events_on_stdout() ? stderr : stdout;
  if (s.json) {
    print_json(out, report);
  } else {
    print_text(out, report);
  }
  std::fflush(out);
}

// After the capture: rule statistics, the summary, then the wait for the collector. Returns the
// exit status.
int finish_run(const RunReport& report, Outputs& outputs, const SensorSettings& s, CaptureMode mode) {
  if (outputs.rules) outputs.rules->finish();
  if (outputs.slices) print_slice_summary(*outputs.slices, s.slices);
  print_summary(report, s);
  int status = 0;
  if (!report.error.empty()) {
    std::fprintf(stderr, "normwatch: %s\n", report.error.c_str());
    status = 1;
  }
  if (outputs.delivery && outputs.delivery->publishing()) {
    // The Ctrl-C that ended the capture does not also end the wait: a second one does.
    g_stop_requested.store(false);
    PublishFlags f = s.publish;
    if (mode == CaptureMode::live && f.drain_timeout < 0) f.drain_timeout = kLiveDrainSeconds;
    const publish::DrainResult result = drain(*outputs.delivery, f, &g_stop_requested);
    if (!result.complete && mode == CaptureMode::replay && status == 0) status = kExitUndelivered;
  } else if (outputs.delivery) {
    outputs.delivery->flush();
  }
  return status;
}

}  // namespace

int run_replay(const std::string& capture_path, const SensorSettings& s) {
  auto source = capture::open_pcap_file(capture_path);
  if (!source) {
    std::fprintf(stderr, "normwatch: %s\n", source.error().c_str());
    return 1;
  }
  auto outputs = open_outputs(s, CaptureMode::replay);
  if (!outputs) return outputs.error();
  install_stop_signals(source->get());
  const RunReport report = run_pipelines(**source, s, CaptureMode::replay, *outputs, RunOptions{s.progress, 0, nullptr});
  return finish_run(report, *outputs, s, CaptureMode::replay);
}

namespace {
// The largest frame the interface can carry: its MTU plus an Ethernet header with two VLAN tags.
constexpr int kLinkOverhead = 14 + 2 * 4;

// A note when the interface's frames can be longer than the snap length (a jumbo-frame network
// with the default --snaplen): such frames are cut, and counted, but their payload is lost to the
// parsers. Empty when they fit or the MTU cannot be read (not a Linux network interface).
std::string snaplen_note(const capture::LiveOptions& live) {
  std::ifstream in("/sys/class/net/" + live.interface + "/mtu");
  int mtu = 0;
  if (!(in >> mtu) || mtu <= 0 || mtu + kLinkOverhead <= live.snaplen) return {};
  return "interface " + live.interface + " has MTU " + std::to_string(mtu) + " but --snaplen is " +
         std::to_string(live.snaplen) + ": longer frames are cut (counted as \"cut by snaplen\"); use --snaplen " +
         std::to_string(mtu + kLinkOverhead) + " if such frames carry traffic to watch";
}
}  // namespace

int run_live(const capture::LiveOptions& live, const SensorSettings& s) {
  auto outputs = open_outputs(s, CaptureMode::live);
  if (!outputs) return outputs.error();
  auto source = capture::open_pcap_live(live);
  if (!source) {
    std::fprintf(stderr, "normwatch: %s\n", source.error().c_str());
    return 1;
  }
  // Root outside systemd: give up root now that the capture is open (issue 8 §2, privileges.hpp).
  // Its note is printed after the "capturing on" line, which scripts wait for as the first line.
  const auto dropped = drop_privileges(s.run_user);
  if (!dropped) {
    std::fprintf(stderr, "normwatch: %s\n", dropped.error().c_str());
    return 1;
  }
  install_stop_signals(source->get());
  std::fprintf(stderr, "normwatch: capturing on %s (Ctrl-C to stop)\n", live.interface.c_str());
  if (!dropped->empty()) std::fprintf(stderr, "normwatch: %s\n", dropped->c_str());
  if (const std::string note = snaplen_note(live); !note.empty()) std::fprintf(stderr, "normwatch: %s\n", note.c_str());
  const RunReport report = run_pipelines(**source, s, CaptureMode::live, *outputs, RunOptions{false, s.duration, nullptr});
  return finish_run(report, *outputs, s, CaptureMode::live);
}

}  // namespace normwatch::app
