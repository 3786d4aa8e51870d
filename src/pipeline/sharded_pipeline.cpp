// ShardedPipeline (sharded_pipeline.hpp): the reader's dispatch, the workers' loop and the merged
// statistics. A ring entry is [EntryHeader][workers x u64 turn counts][frame bytes]; expiry checks
// and the end of capture travel as entries too, so they keep their place in capture order.
#include "normwatch/pipeline/sharded_pipeline.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <thread>

#include "normwatch/pipeline/shard_hash.hpp"
#include "normwatch/pipeline/spsc_ring.hpp"
#include "turn_observer.hpp"

namespace normwatch::pipeline {

namespace {

// As Pipeline's own schedule: expiry is checked at most once per second of capture time.
constexpr std::int64_t kExpiryIntervalNs = 1'000'000'000;
constexpr std::size_t kMinRingBytes = 1u << 20;
// The reader makes frames visible to a worker in batches: one atomic store and at most one wake-up
// per batch instead of per frame (a wake-up per frame costs a futex call each). A batch is also
// published when capture time has moved on (live traffic at a trickle), before the reader waits,
// on read timeouts (flush()) and at the end.
constexpr std::uint32_t kBatchFrames = 32;
constexpr std::int64_t kBatchMaxNs = 50'000'000;

enum EntryKind : std::uint32_t { kFrame = 1, kTick = 2, kFinish = 3 };

struct EntryHeader {
  std::uint32_t kind = kFrame;
  std::int32_t link_type = 0;
  std::uint32_t wire_len = 0;
  std::uint32_t caplen = 0;
  std::int64_t ts_ns = 0;
  std::uint64_t frame_no = 0;
};

std::size_t ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }

}  // namespace

struct ShardedPipeline::Worker {
  Worker(const PipelineOptions& options, PduObserver* observer, Completion* completions, unsigned workers,
         unsigned self, std::size_t ring_bytes)
      : ring(ring_bytes), turn(observer, completions, workers, self), pipeline(options, &turn) {}

  SpscByteRing ring;
  std::uint32_t deferred = 0;      // reader: records committed but not yet published
  std::int64_t deferred_since = 0; // reader: capture time of the oldest of them
  TurnObserver turn;
  Pipeline pipeline;
  std::thread thread;
  std::atomic<std::uint64_t> drops{0};  // written by the reader only
  mutable std::mutex published_mutex;   // taken once per second of capture time, not per frame
  PipelineStats published;

  void publish() {
    PipelineStats s = pipeline.stats();
    const std::lock_guard lock(published_mutex);
    published = std::move(s);
  }
};

ShardedPipeline::ShardedPipeline(const PipelineOptions& options, PduObserver* observer,
                                 const ShardedOptions& sharded)
    : drop_when_full_(sharded.drop_when_full) {
  const unsigned n = std::clamp(sharded.workers, 1U, kMaxWorkers);
  completions_ = std::make_unique<Completion[]>(n);
  PipelineOptions shard = options;
  shard.external_clock = true;
  shard.flows.max_flows = std::max<std::size_t>(1, ceil_div(options.flows.max_flows, n));
  shard.reassembly.max_buffered_global = ceil_div(options.reassembly.max_buffered_global, n);
  shard.flow_id_stride = options.flow_id_stride * n;
  const std::size_t ring_bytes = std::max(sharded.ring_bytes_per_worker, kMinRingBytes);
  for (unsigned k = 0; k < n; ++k) {
    shard.flow_id_offset = options.flow_id_offset + k * options.flow_id_stride;
    workers_.push_back(std::make_unique<Worker>(shard, observer, completions_.get(), n, k, ring_bytes));
  }
  assigned_.assign(n, 0);
  for (unsigned k = 0; k < n; ++k) workers_[k]->thread = std::thread([this, k] { run(k); });
}

ShardedPipeline::~ShardedPipeline() { finish(); }

bool ShardedPipeline::push(unsigned k, int kind, const capture::RawFrame* frame, bool wait) {
  Worker& w = *workers_[k];
  const std::size_t turns = workers_.size() * sizeof(std::uint64_t);
  const std::size_t caplen = frame != nullptr ? frame->bytes.size() : 0;
  const std::size_t size = sizeof(EntryHeader) + turns + caplen;
  std::span<std::byte> room = w.ring.try_reserve(size);
  if (room.empty() && wait) {
    // Every ring first: this worker may be waiting for its turn behind a record still deferred
    // in another worker's ring.
    flush();
    room = w.ring.reserve_wait(size);
  }
  if (room.empty()) return false;
  EntryHeader h;
  h.kind = static_cast<std::uint32_t>(kind);
  if (frame != nullptr) {
    h.link_type = frame->link_type;
    h.wire_len = frame->wire_len;
    h.caplen = static_cast<std::uint32_t>(caplen);
    h.ts_ns = frame->ts.ns;
    h.frame_no = frame->frame_no;
  }
  std::memcpy(room.data(), &h, sizeof h);
  std::memcpy(room.data() + sizeof h, assigned_.data(), turns);
  if (caplen != 0) std::memcpy(room.data() + sizeof h + turns, frame->bytes.data(), caplen);
  w.ring.commit_deferred();
  ++assigned_[k];
  const std::int64_t now = frame != nullptr ? frame->ts.ns : 0;
  if (w.deferred++ == 0) w.deferred_since = now;
  if (w.deferred >= kBatchFrames || kind != kFrame || now - w.deferred_since >= kBatchMaxNs) {
    w.ring.publish();
    w.deferred = 0;
  }
  return true;
}

void ShardedPipeline::flush() {
  for (auto& w : workers_) {
    w->ring.publish();
    w->deferred = 0;
  }
}

bool ShardedPipeline::dispatch(const capture::RawFrame& frame) {
  const unsigned n = workers();
  ++frames_read_;
  last_ts_ns_ = frame.ts.ns;
  if (frame.ts.ns >= next_expiry_ns_) {
    // Every shard checks its flows at the capture time a single pipeline would (before the frame).
    // In drop mode a full ring skips the check; the shard's next check catches up.
    next_expiry_ns_ = frame.ts.ns + kExpiryIntervalNs;
    capture::RawFrame clock;
    clock.ts = frame.ts;
    clock.frame_no = frame.frame_no;
    clock.link_type = frame.link_type;
    for (unsigned k = 0; k < n; ++k) push(k, kTick, &clock, !drop_when_full_);
  }
  const unsigned k = shard_of(shard_hash(frame), n);
  if (push(k, kFrame, &frame, !drop_when_full_)) return true;
  workers_[k]->drops.store(workers_[k]->drops.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  return false;
}

void ShardedPipeline::finish() {
  if (finished_) return;
  finished_ = true;
  // Flows still open end at the capture's last frame number, as in a single pipeline.
  capture::RawFrame last;
  last.frame_no = frames_read_;
  last.ts = core::Timestamp{last_ts_ns_};
  for (unsigned k = 0; k < workers(); ++k) push(k, kFinish, &last, true);
  flush();
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void ShardedPipeline::run(unsigned k) {
  Worker& w = *workers_[k];
  const std::size_t turns = workers_.size() * sizeof(std::uint64_t);
  std::array<std::uint64_t, kMaxWorkers> need{};
  for (;;) {
    const std::span<const std::byte> entry = w.ring.peek_wait();
    EntryHeader h;
    std::memcpy(&h, entry.data(), sizeof h);
    std::memcpy(need.data(), entry.data() + sizeof h, turns);
    w.turn.begin_entry(need.data());
    if (h.kind == kFrame) {
      capture::RawFrame frame;
      frame.ts = core::Timestamp{h.ts_ns};
      frame.link_type = h.link_type;
      frame.wire_len = h.wire_len;
      frame.frame_no = h.frame_no;
      frame.bytes = core::Bytes(entry.data() + sizeof h + turns, h.caplen);
      w.pipeline.process(frame);
    } else if (h.kind == kTick) {
      w.publish();  // before the expiry, as a single pipeline's heartbeat comes before its expiry
      w.pipeline.tick(core::Timestamp{h.ts_ns}, h.frame_no);
    } else {
      w.pipeline.set_frame_clock(h.frame_no);
      w.pipeline.finish();
      w.publish();
    }
    w.ring.release();
    w.turn.end_entry();
    if (h.kind == kFinish) return;
  }
}

PipelineStats ShardedPipeline::stats() const {
  PipelineStats total;
  for (const auto& w : workers_) {
    const std::lock_guard lock(w->published_mutex);
    add_stats(total, w->published);
  }
  return total;
}

std::vector<std::uint64_t> ShardedPipeline::queue_drops() const {
  std::vector<std::uint64_t> out;
  out.reserve(workers_.size());
  for (const auto& w : workers_) out.push_back(w->drops.load(std::memory_order_relaxed));
  return out;
}

std::uint64_t ShardedPipeline::queue_drops_total() const {
  std::uint64_t sum = 0;
  for (const auto& w : workers_) sum += w->drops.load(std::memory_order_relaxed);
  return sum;
}

std::string ShardedPipeline::ndpi_version() const { return workers_.front()->pipeline.classifier().ndpi_version(); }

}  // namespace normwatch::pipeline
