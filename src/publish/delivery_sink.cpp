// DeliverySink: opening the outputs, the bounded queue on the hot path, flush/drain, shutdown.
#include "normwatch/publish/delivery_sink.hpp"

#include "normwatch/events/slice_ref.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include "delivery_state.hpp"
#include "normwatch/events/event_header.hpp"

namespace normwatch::publish {

DeliverySink::State::~State() {
  if (file != nullptr && own_file) std::fclose(file);
  if (wake_fd >= 0) ::close(wake_fd);
}

DeliverySink::DeliverySink(std::unique_ptr<State> state) : state_(std::move(state)) {}

core::Result<std::unique_ptr<DeliverySink>, std::string> DeliverySink::open(DeliveryOptions options) {
  if (!events::valid_sensor_id(options.sensor_id)) {
    return core::unexpected("bad sensor id '" + options.sensor_id + "' (1-" +
                            std::to_string(events::kMaxSensorIdLength) + " characters from A-Z a-z 0-9 . _ -)");
  }
  if (options.publish && options.spool_dir.empty()) {
    return core::unexpected(std::string("publishing needs a spool directory (--spool DIR)"));
  }
  if (options.queue_capacity == 0) options.queue_capacity = 1;
  auto state = std::make_unique<State>(std::move(options));
  State& s = *state;
  const DeliveryOptions& o = s.options;

  if (!o.spool_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.spool_dir, ec);
    if (ec) return core::unexpected("cannot create " + o.spool_dir.string() + ": " + ec.message());
    auto lock = DirectoryLock::acquire(o.spool_dir);
    if (!lock) return core::unexpected(lock.error());
    s.spool_lock.emplace(std::move(*lock));
    auto seq = SequenceStore::open(o.spool_dir, o.sequence_block);
    if (!seq) return core::unexpected(seq.error());
    s.sequence = std::move(*seq);
  }
  if (o.evidence) {
    auto chain = EvidenceChain::open(o.spool_dir, *o.evidence, o.sensor_id, s.sequence.epoch());
    if (!chain) return core::unexpected(chain.error());
    s.chain.emplace(std::move(*chain));
  }
  if (o.publish) {
    auto spool = Spool::open(o.spool_dir, o.spool_limits, o.fsync);
    if (!spool) return core::unexpected(spool.error());
    s.spool = std::move(*spool);
    const SpoolRecovery& rec = s.spool->recovery();
    if (rec.unacked > 0 || rec.discarded_bytes > 0) {
      s.log("spool " + o.spool_dir.string() + ": " + std::to_string(rec.unacked) +
            " unacknowledged events from earlier runs will be sent first" +
            (rec.discarded_bytes > 0 ? "; cut " + std::to_string(rec.discarded_bytes) + " torn or corrupt bytes" : ""));
    }
    if (s.sequence.peek() <= s.spool->last_seq()) {
      // The state file was lost or restored from an old copy: never reuse a spooled number.
      if (auto r = s.sequence.advance_past(s.spool->last_seq()); !r) return core::unexpected(r.error());
    }
    if (s.chain && s.spool->last_seq() > s.chain->head_seq()) {
      // A crash after spooling but before saving the chain head: continue from the spool.
      std::vector<SpoolRecord> records;
      std::uint64_t recovered = 0;
      for (;;) {
        records.clear();
        auto n = s.spool->read_after(s.chain->head_seq(), 1024, 16 << 20, records);
        if (!n || *n == 0) break;
        // A record may carry its evidence slice after the line (events/slice_ref.hpp): not hashed.
        for (const SpoolRecord& r : records) s.chain->recover(r.seq, events::split_attachment(r.line).line);
        recovered += *n;
      }
      if (recovered > 0) {
        s.log("evidence chain: " + std::to_string(recovered) + " events after the saved head recovered from the spool");
      }
    }
    auto sender = Sender::open(*o.publish, *s.spool, [&s](const std::string& m) { s.log(m); });
    if (!sender) return core::unexpected(sender.error());
    s.sender = std::move(*sender);
  }
  if (!o.events_path.empty()) {
    if (o.events_path == "-") {
      s.file = stdout;
    } else {
      s.file = std::fopen(o.events_path.c_str(), o.append_events ? "a" : "w");
      if (s.file == nullptr) {
        return core::unexpected("cannot write " + o.events_path + ": " + errno_text(errno));
      }
      s.own_file = true;
    }
  }
  s.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (s.wake_fd < 0) return core::unexpected("eventfd failed: " + errno_text(errno));
  s.queue.reserve(std::min<std::size_t>(o.queue_capacity, 4096));
  s.published.epoch = s.sequence.epoch();
  if (s.spool) {
    s.published.spool_unacked = s.spool->unacked_records();
    s.published.acked_through = s.spool->acked_through();
  }
  s.thread = std::thread([&s] { s.run(); });
  return std::unique_ptr<DeliverySink>(new DeliverySink(std::move(state)));
}

DeliverySink::~DeliverySink() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->not_full.notify_all();
  state_->wake();
  if (state_->thread.joinable()) state_->thread.join();
  state_->sender.reset();
  state_->spool.reset();
}

void DeliverySink::emit(events::Event event) {
  State& s = *state_;
  std::unique_lock lock(s.mutex);
  if (s.queue.size() >= s.options.queue_capacity) {
    if (!s.options.block_when_full) {
      s.queue_loss.add(event.kind, event.ts);
      return;
    }
    s.not_full.wait(lock, [&s] { return s.queue.size() < s.options.queue_capacity || s.stopping; });
  }
  s.queue.push_back(std::move(event));
  ++s.enqueued;
  ++s.published.emitted;
  const bool wake = s.sleeping;
  s.sleeping = false;
  lock.unlock();
  if (wake) s.wake();
}

void DeliverySink::flush() {
  State& s = *state_;
  std::unique_lock lock(s.mutex);
  const std::uint64_t generation = ++s.flush_requested;
  s.sleeping = false;
  lock.unlock();
  s.wake();
  lock.lock();
  s.progress.wait(lock, [&s, generation] { return s.flush_done >= generation; });
}

DrainResult DeliverySink::drain(std::chrono::milliseconds timeout, const std::atomic<bool>* stop) {
  flush();
  State& s = *state_;
  DrainResult result;
  if (!s.spool) {
    result.message = "no collector to deliver to";
    return result;
  }
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(s.mutex);
  for (;;) {
    result.unacked = s.published.spool_unacked;
    if (result.unacked == 0) break;
    if (stop != nullptr && stop->load()) break;
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if (timeout.count() >= 0 && elapsed >= timeout) break;
    s.progress.wait_for(lock, std::chrono::milliseconds(100));
  }
  const std::string endpoint = s.options.publish->endpoint;
  if (result.unacked == 0) {
    result.complete = true;
    result.message = "every event up to seq " + std::to_string(s.published.acked_through) +
                     " is acknowledged by the collector at " + endpoint;
  } else {
    result.complete = false;
    result.message = std::to_string(result.unacked) + " events are not yet acknowledged by the collector at " +
                     endpoint + "; they stay in the spool " + s.options.spool_dir.string() +
                     " and are sent on the next run";
  }
  return result;
}

DeliveryStats DeliverySink::stats() const {
  std::lock_guard lock(state_->mutex);
  DeliveryStats copy = state_->published;
  copy.queue_depth = state_->queue.size();
  return copy;
}

bool DeliverySink::publishing() const { return state_->sender != nullptr; }

const std::string& DeliverySink::sensor_id() const { return state_->options.sensor_id; }

}  // namespace normwatch::publish
