// The capture loop shared by `replay`, `live` and `decode`: one pipeline on this thread, or
// (--workers N) this thread reading and dispatching to a ShardedPipeline.
#include "capture_run.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>

namespace normwatch::app {

std::atomic<bool> g_stop_requested{false};

namespace {
std::atomic<capture::PacketSource*> g_source{nullptr};

void on_stop_signal(int) {
  g_stop_requested.store(true);
  if (auto* s = g_source.load(); s != nullptr) s->interrupt();
}

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO) != 0) {}
  ~ProgressBar() {
    if (drawn_) std::fprintf(stderr, "\r%*s\r", 72, "");
  }
  void update(const capture::PacketSource& source, std::uint64_t frames) {
    if (!enabled_ || (frames & 0x3FFF) != 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const std::uint64_t total = source.total_bytes();
    const std::uint64_t pos = source.position_bytes();
    if (total == 0) {
      std::fprintf(stderr, "\r%llu frames", static_cast<unsigned long long>(frames));
    } else {
      const int pct = static_cast<int>(100.0 * static_cast<double>(pos) / static_cast<double>(total));
      const int width = 40;
      const int filled = pct * width / 100;
      std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %llu frames", filled, "########################################",
                   width - filled, "", pct, static_cast<unsigned long long>(frames));
    }
    drawn_ = true;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};
}  // namespace

core::Timestamp wall_clock_now() {
  return core::Timestamp{std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count()};
}

void install_stop_signals(capture::PacketSource* source) {
  g_source.store(source);
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

namespace {
// What the capture loop needs of a pipeline: take a frame, use an idle spell of a live
// interface, finish, and give its figures to the report. One pipeline on this thread processes
// the frame at once; the sharded one (--workers N) batches it for a worker and hands the batches
// over when the interface is idle, and adds the workers' queue drops to the report.
struct SingleDriver {
  pipeline::Pipeline& pipeline;
  void frame(const capture::RawFrame& f) { pipeline.process(f); }
  void idle() {}
  void finish() { pipeline.finish(); }
  void fill(RunReport& report) const {
    report.stats = pipeline.stats();
    report.ndpi_version = pipeline.classifier().ndpi_version();
  }
};

struct ShardedDriver {
  pipeline::ShardedPipeline& pipeline;
  void frame(const capture::RawFrame& f) { pipeline.dispatch(f); }
  void idle() { pipeline.flush(); }
  void finish() { pipeline.finish(); }
  // The heartbeat's counters are the workers' as last published (once per second of capture
  // time) plus the queue drops; the report has the final ones.
  void fill(RunReport& report) const {
    report.stats = pipeline.stats();
    report.ndpi_version = pipeline.ndpi_version();
    report.workers = pipeline.workers();
    report.queue_drops = pipeline.queue_drops();
  }
};

template <class Driver>
RunReport run_loop(capture::PacketSource& source, Driver driver, const RunOptions& options, bool live) {
  RunReport report;
  report.source = source.name();
  report.live = live;
  ProgressBar progress(options.progress && !live);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(options.duration_seconds));
  publish::HealthReporter* health = options.health;
  capture::RawFrame frame;
  std::uint64_t frames = 0;
  core::Timestamp last_frame_ts;
  while (!g_stop_requested.load(std::memory_order_relaxed)) {
    const capture::ReadStatus status = source.next(frame);
    if (status == capture::ReadStatus::frame) {
      // Replay: capture time drives the heartbeat (a one-hour capture beats 360 times at 10 s),
      // ticked before the frame counts so that a silent spell in the capture is reported (SYS-01)
      // when the frame that ends it arrives.
      if (health != nullptr && !live) health->tick(frame.ts);
      if (options.slices != nullptr) options.slices->on_frame(frame);
      driver.frame(frame);
      progress.update(source, ++frames);
      last_frame_ts = frame.ts;
    } else if (status == capture::ReadStatus::timeout) {
      driver.idle();  // idle live interface: then the heartbeat and deadline checks below
    } else {
      if (status == capture::ReadStatus::error) report.error = source.error_message();
      break;
    }
    if (health != nullptr && live) health->tick(wall_clock_now());
    if (options.slices != nullptr && live && status == capture::ReadStatus::timeout) {
      options.slices->tick(wall_clock_now());
    }
    if (live && options.duration_seconds > 0 && std::chrono::steady_clock::now() >= deadline) break;
  }
  driver.finish();
  if (options.slices != nullptr) options.slices->finish();
  // After the flows ended (their last events are out): the closing heartbeat has the final counts.
  if (health != nullptr) health->finish(live || frames == 0 ? wall_clock_now() : last_frame_ts);
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  driver.fill(report);
  report.capture = source.stats();
  return report;
}
}  // namespace

RunReport run_capture(capture::PacketSource& source, pipeline::Pipeline& pipeline, const RunOptions& options,
                      bool live) {
  return run_loop(source, SingleDriver{pipeline}, options, live);
}

RunReport run_capture(capture::PacketSource& source, pipeline::ShardedPipeline& pipeline, const RunOptions& options,
                      bool live) {
  return run_loop(source, ShardedDriver{pipeline}, options, live);
}

}  // namespace normwatch::app
