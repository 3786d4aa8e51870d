// ShardedPipeline (issue 9 §1-2): `--workers N`. The reader thread hands each frame to worker
// k = shard_hash % N through that worker's SpscByteRing (the frame's bytes are copied into the ring;
// nothing is allocated per frame, no lock is taken). Each worker owns one Pipeline, its shard of
// the flows. The observer (decode lines, rules, events) is shared and called in capture order: a
// worker calls it only once every entry dispatched before its current one has been finished by
// the other workers (a turn protocol on per-worker completion counters). So the rules see exactly
// the sequence of a single pipeline — cross-flow thresholds (scans, floods) give the same result —
// while decoding, flow tracking, reassembly and parsing run in parallel.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "normwatch/capture/raw_frame.hpp"
#include "normwatch/pipeline/pipeline.hpp"

namespace normwatch::pipeline {

inline constexpr unsigned kMaxWorkers = 16;

struct Completion;  // turn_observer.hpp

struct ShardedOptions {
  unsigned workers = 2;                          // 2 .. kMaxWorkers
  std::size_t ring_bytes_per_worker = 4u << 20;  // frames in flight per worker (>= 1 MiB)
  // true: a frame whose worker's ring is full is dropped and counted (live capture);
  // false: the reader waits for room (replay: exact).
  bool drop_when_full = false;
};

class ShardedPipeline {
 public:
  // The flow-table size and the global reassembly cap of `options` are split between the workers,
  // so that the configured memory bounds hold for the whole sensor. `observer` may be null.
  ShardedPipeline(const PipelineOptions& options, PduObserver* observer, const ShardedOptions& sharded);
  ~ShardedPipeline();
  ShardedPipeline(const ShardedPipeline&) = delete;
  ShardedPipeline& operator=(const ShardedPipeline&) = delete;

  // Reader thread. Returns false when the frame was dropped (its worker's ring full, drop mode).
  bool dispatch(const capture::RawFrame& frame);
  // Reader thread: makes every frame dispatched so far visible to the workers (frames are handed
  // over in small batches; call this on a live read timeout).
  void flush();
  // End of capture: every worker ends its flows (their callbacks in turn), then the threads join.
  void finish();

  // Summed over the workers as last published: at every expiry check (once per second of capture
  // time) and at finish(). Exact after finish(). Safe from the reader thread.
  PipelineStats stats() const;
  // Frames dropped because a worker's ring was full, per worker.
  std::vector<std::uint64_t> queue_drops() const;
  std::uint64_t queue_drops_total() const;
  unsigned workers() const { return static_cast<unsigned>(workers_.size()); }
  std::string ndpi_version() const;

  struct Worker;

 private:
  bool push(unsigned k, int kind, const capture::RawFrame* frame, bool wait);
  void run(unsigned k);

  std::unique_ptr<Completion[]> completions_;  // one per worker; outlives the workers
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::uint64_t> assigned_;  // reader: entries pushed to each worker so far
  std::int64_t next_expiry_ns_ = 0;      // reader: the single pipeline's expiry schedule
  std::uint64_t frames_read_ = 0;        // reader: frames offered (a single pipeline's frame count)
  std::int64_t last_ts_ns_ = 0;
  bool drop_when_full_ = false;
  bool finished_ = false;
};

// Adds `from` to `into` (counters summed; peaks summed, an upper bound of the true peak).
void add_stats(PipelineStats& into, const PipelineStats& from);

}  // namespace normwatch::pipeline
