// The capture loop shared by `replay`, `live` and `decode`.
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

void install_stop_signals(capture::PacketSource* source) {
  g_source.store(source);
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

RunReport run_capture(capture::PacketSource& source, pipeline::Pipeline& pipeline, const RunOptions& options,
                      bool live) {
  RunReport report;
  report.source = source.name();
  report.live = live;
  ProgressBar progress(options.progress && !live);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(options.duration_seconds));
  capture::RawFrame frame;
  std::uint64_t frames = 0;
  while (!g_stop_requested.load(std::memory_order_relaxed)) {
    const capture::ReadStatus status = source.next(frame);
    if (status == capture::ReadStatus::frame) {
      pipeline.process(frame);
      progress.update(source, ++frames);
    } else if (status == capture::ReadStatus::timeout) {
      // idle live interface: fall through to the deadline check
    } else {
      if (status == capture::ReadStatus::error) report.error = source.error_message();
      break;
    }
    if (live && options.duration_seconds > 0 && std::chrono::steady_clock::now() >= deadline) break;
  }
  pipeline.finish();
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.stats = pipeline.stats();
  report.capture = source.stats();
  report.ndpi_version = pipeline.classifier().ndpi_version();
  return report;
}

}  // namespace normwatch::app
