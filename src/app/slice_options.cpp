// Slice options and the run's slice summary line (slice_options.hpp).
#include "slice_options.hpp"

#include <cstdio>

namespace normwatch::app {

void add_slice_options(CLI::App& cmd, SliceFlags& f) {
  cmd.add_option("--slice-dir", f.dir,
                 "Write a pcap evidence slice for each violation (its frames and context on the same "
                 "conversation) into this directory; the event names it and carries its SHA-256, and with "
                 "--publish the slice goes to the collector with it");
  cmd.add_option("--slice-before", f.before, "Frames of the conversation kept before a violation's frame")
      ->check(CLI::Range(static_cast<std::size_t>(1), static_cast<std::size_t>(256)))
      ->capture_default_str();
  cmd.add_option("--slice-after", f.after, "Frames of the conversation added after it")
      ->check(CLI::Range(static_cast<std::size_t>(0), static_cast<std::size_t>(256)))
      ->capture_default_str();
  cmd.add_option("--slice-seconds", f.seconds,
                 "Hold a violation at most this long (capture time) for its frames after")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  cmd.add_option("--slice-memory-mb", f.memory_mib,
                 "Memory for the frames kept before violations (all conversations); when full the oldest "
                 "frame goes, counted in the summary")
      ->check(CLI::Range(static_cast<std::size_t>(1), static_cast<std::size_t>(4096)))
      ->capture_default_str();
}

evidence::SliceOptions slice_options(const SliceFlags& f, const std::string& sensor_id, bool attach) {
  evidence::SliceOptions o;
  o.dir = f.dir;
  o.sensor_id = sensor_id;
  o.frames_before = f.before;
  o.frames_after = f.after;
  o.after_seconds = f.seconds;
  o.memory_bytes = f.memory_mib << 20;
  o.max_slice_frames = std::max<std::size_t>(64, 2 * (f.before + f.after));
  o.attach = attach;
  return o;
}

void print_slice_summary(const evidence::SliceRecorder& recorder, const SliceFlags& flags) {
  const evidence::SliceCounters c = recorder.counters();
  std::fprintf(stderr,
               "normwatch: slices: %llu written to %s (%llu frames); %llu findings with a slice, %llu without "
               "(slice_dropped); %llu cut short; the %zu MiB frame ring reused its oldest frame %llu times%s\n",
               static_cast<unsigned long long>(c.slices_written), flags.dir.c_str(),
               static_cast<unsigned long long>(c.slice_frames), static_cast<unsigned long long>(c.events_with_slice),
               static_cast<unsigned long long>(c.events_slice_dropped), static_cast<unsigned long long>(c.cut_short),
               flags.memory_mib, static_cast<unsigned long long>(c.ring.evicted),
               c.write_errors > 0 ? (", " + std::to_string(c.write_errors) + " write errors").c_str() : "");
}

}  // namespace normwatch::app
