// The delivery worker thread: takes queued events, stamps and encodes them, spools and writes
// them, accounts drops in loss events, and drives the Sender. See delivery_sink.hpp.
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

#include "delivery_state.hpp"
#include "normwatch/events/slice_ref.hpp"
#include "normwatch/publish/spool_format.hpp"

namespace normwatch::publish {

namespace {
constexpr auto kLossEventInterval = std::chrono::seconds(1);
constexpr auto kAckPersistInterval = std::chrono::seconds(1);
constexpr std::size_t kChunkEvents = 512;

int timeout_until(std::optional<std::chrono::steady_clock::time_point> when, std::chrono::steady_clock::time_point now) {
  if (!when) return -1;
  if (*when <= now) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(*when - now).count());
}

void earliest(std::optional<std::chrono::steady_clock::time_point>& acc,
              std::optional<std::chrono::steady_clock::time_point> candidate) {
  if (candidate && (!acc || *candidate < *acc)) acc = candidate;
}
}  // namespace

void DeliverySink::State::log(const std::string& message) const {
  if (options.log) {
    options.log(message);
  } else {
    std::fprintf(stderr, "normwatch: publish: %s\n", message.c_str());
  }
}

void DeliverySink::State::wake() {
  const std::uint64_t one = 1;
  if (wake_fd >= 0) (void)!::write(wake_fd, &one, sizeof one);
}

void DeliverySink::State::drop(LossReason reason, const events::Event& event) {
  pending_loss[static_cast<std::size_t>(reason)].add(event.kind, event.ts);
  ++total_dropped;
}

void DeliverySink::State::process(events::Event& event, Clock::time_point now, bool is_loss) {
  event.sensor = options.sensor_id;
  event.epoch = sequence.epoch();
  event.seq = sequence.peek();
  if (event.ts > last_ts) last_ts = event.ts;
  if (chain) chain->link(event);
  const std::string line = events::to_json_line(event);
  // The spool record carries the event's evidence slice after the line (events/slice_ref.hpp);
  // the events file, the chain and the collector's stored line are the line alone.
  std::string record;
  if (spool && event.slice_pcap) {
    record.reserve(line.size() + 1 + event.slice_pcap->size() / 3 * 4 + 4);
    record.append(line).push_back(events::kAttachmentSeparator);
    record.append(events::to_base64(*event.slice_pcap));
    if (record.size() > kMaxRecordPayload) record.clear();  // the finding goes; its slice stays local
  }
  const std::string_view payload = record.empty() ? std::string_view(line) : std::string_view(record);
  if (payload.size() > kMaxRecordPayload) {
    drop(LossReason::oversize, event);
    return;
  }
  if (spool && !is_loss && spool->admit(payload.size(), events::is_droppable(event.kind)) != Spool::Admission::accept) {
    drop(LossReason::spool_full, event);
    return;
  }
  auto seq = sequence.next();
  if (!seq) {
    log("cannot reserve sequence numbers: " + seq.error());
    drop(LossReason::sequence_error, event);
    return;
  }
  if (spool) {
    if (auto r = spool->append(*seq, payload, now); !r) {
      log(r.error());
      // The records queued before this one were cut off with it.
      for (const events::EventKind kind : unwritten_kinds) {
        pending_loss[static_cast<std::size_t>(LossReason::spool_write_error)].add(kind, event.ts);
        ++total_dropped;
      }
      unwritten_kinds.clear();
      drop(LossReason::spool_write_error, event);
    } else {
      unwritten_kinds.push_back(event.kind);
    }
  }
  if (file != nullptr) {
    const bool ok = std::fwrite(line.data(), 1, line.size(), file) == line.size() && std::fputc('\n', file) != EOF;
    if (!ok && !file_error_logged) {
      file_error_logged = true;
      log("cannot write the events file " + options.events_path);
    }
  }
  if (chain) chain->advance(*seq, line);
  last_seq = *seq;
  ++written;
  if (is_loss) ++loss_events;
}

void DeliverySink::State::write_pending_records(Clock::time_point now, bool force_sync) {
  if (!spool) return;
  if (auto r = spool->write_pending(now, force_sync); !r) {
    log(r.error());
    const core::Timestamp ts = last_ts;
    for (const events::EventKind kind : unwritten_kinds) {
      pending_loss[static_cast<std::size_t>(LossReason::spool_write_error)].add(kind, ts);
      ++total_dropped;
    }
  }
  unwritten_kinds.clear();
}

void DeliverySink::State::emit_losses(Clock::time_point now, bool force) {
  {
    std::lock_guard lock(mutex);
    if (!queue_loss.empty()) {
      pending_loss[static_cast<std::size_t>(LossReason::queue_full)].merge(queue_loss);
      total_dropped += queue_loss.total();
      queue_loss = LossCount{};
    }
  }
  for (std::size_t r = 0; r < kLossReasonCount; ++r) {
    if (pending_loss[r].empty()) continue;
    if (!force && now - last_loss_emit[r] < kLossEventInterval) continue;
    events::Event loss = make_loss_event(static_cast<LossReason>(r), pending_loss[r], total_dropped);
    pending_loss[r] = LossCount{};
    last_loss_emit[r] = now;
    log(loss.message);
    process(loss, now, /*is_loss=*/true);
  }
}

bool DeliverySink::State::emit_checkpoint(Clock::time_point now, bool force) {
  if (!chain || !chain->checkpoint_due(now, force)) return false;
  events::Event checkpoint = chain->make_checkpoint(last_ts, now);
  process(checkpoint, now, /*is_loss=*/false);
  return true;
}

void DeliverySink::State::publish(std::uint64_t flush_generation, std::uint64_t processed_now) {
  std::lock_guard lock(mutex);
  DeliveryStats& s = published;
  s.written = written;
  s.dropped = total_dropped;
  s.loss_events = loss_events;
  s.queue_depth = queue.size();
  s.epoch = sequence.epoch();
  s.last_seq = last_seq;
  if (chain) s.checkpoints = chain->checkpoints();
  if (spool) {
    s.acked_through = spool->acked_through();
    s.spool_unacked = spool->unacked_records();
    s.spool_bytes = spool->bytes();
    s.fsyncs = spool->fsyncs();
  }
  if (sender) {
    s.events_sent = sender->stats().events_sent;
    s.batches_resent = sender->stats().batches_resent;
    s.auth_failures = sender->stats().auth_failures;
    s.connected = sender->stats().connected;
  }
  (void)processed_now;
  flush_done = std::max(flush_done, flush_generation);
  progress.notify_all();
}

void DeliverySink::State::run() {
  std::vector<events::Event> batch;
  std::vector<zmq_pollitem_t> items;
  for (;;) {
    Clock::time_point now = Clock::now();
    std::optional<Clock::time_point> wake_at;
    if (spool) {
      earliest(wake_at, spool->sync_deadline());
      earliest(wake_at, now + kAckPersistInterval);
    }
    if (sender) earliest(wake_at, sender->deadline(now));
    for (std::size_t r = 0; r < kLossReasonCount; ++r) {
      if (!pending_loss[r].empty()) earliest(wake_at, last_loss_emit[r] + kLossEventInterval);
    }
    int timeout = timeout_until(wake_at, now);
    {
      std::lock_guard lock(mutex);
      if (!queue.empty() || stopping || flush_requested > flush_done || !queue_loss.empty()) {
        timeout = 0;
      } else {
        sleeping = true;
      }
    }
    items.clear();
    items.push_back(zmq_pollitem_t{nullptr, wake_fd, ZMQ_POLLIN, 0});
    if (sender) sender->add_poll_items(items);
    (void)zmq_poll(items.data(), static_cast<int>(items.size()), timeout);
    if ((items[0].revents & ZMQ_POLLIN) != 0) {
      std::uint64_t value = 0;
      (void)!::read(wake_fd, &value, sizeof value);
    }
    std::uint64_t flush_generation = 0;
    bool stop = false;
    {
      std::lock_guard lock(mutex);
      sleeping = false;
      batch.swap(queue);
      flush_generation = flush_requested;
      stop = stopping;
    }
    not_full.notify_all();
    // In chunks, with the spool writes, acks and sends in between: a full queue is tens of
    // thousands of events, and the collector must not wait for all of them to be encoded.
    std::size_t next = 0;
    do {
      const std::size_t end = std::min(batch.size(), next + kChunkEvents);
      now = Clock::now();
      bool checkpointed = false;
      for (; next < end; ++next) {
        process(batch[next], now, /*is_loss=*/false);
        if (chain) checkpointed |= emit_checkpoint(now, /*force=*/false);
      }
      const bool last_chunk = next == batch.size();
      const bool finishing = last_chunk && (stop || flush_generation > flush_done);
      emit_losses(now, finishing);
      if (chain) {
        checkpointed |= emit_checkpoint(now, finishing);
        // The head is saved after every chunk (rename only) and made durable with each checkpoint.
        if (auto r = chain->persist(checkpointed || finishing); !r) {
          log("cannot save the evidence chain head: " + r.error());
        }
      }
      write_pending_records(now, last_chunk && stop);
      if (file != nullptr) std::fflush(file);
      if (sender) {
        sender->handle_input(now);
        sender->pump(now);
      }
      if (spool && ((last_chunk && stop) || now - last_ack_persist >= kAckPersistInterval)) {
        spool->persist_acked();
        last_ack_persist = now;
      }
      publish(last_chunk ? flush_generation : 0, end);
    } while (next < batch.size());
    batch.clear();
    if (stop) {
      std::lock_guard lock(mutex);
      if (queue.empty()) break;
    }
  }
}

}  // namespace normwatch::publish
