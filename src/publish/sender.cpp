// Sender: batches from the spool over DEALER, acks back to the spool, re-send on reconnect and on
// ack timeout. See sender.hpp and wire.hpp.
#include "normwatch/publish/sender.hpp"

#include <algorithm>
#include <cstring>

#include "normwatch/publish/wire.hpp"

namespace normwatch::publish {

namespace {

constexpr auto kRetryConnected = std::chrono::milliseconds(20);
constexpr auto kRetryDisconnected = std::chrono::milliseconds(250);
constexpr auto kLogInterval = std::chrono::seconds(30);

}  // namespace

Sender::Sender(const SenderOptions& options, Spool& spool, LogFunction log)
    : options_(options), spool_(spool), log_(std::move(log)), context_(1) {}

Sender::~Sender() {
  // Linger 0: whatever is still queued is in the spool and goes out next time.
  dealer_.close();
  monitor_.close();
  context_.close();
}

core::Result<std::unique_ptr<Sender>, std::string> Sender::open(const SenderOptions& options, Spool& spool,
                                                                LogFunction log) {
  std::unique_ptr<Sender> sender(new Sender(options, spool, std::move(log)));
  if (auto r = sender->start(); !r) return core::unexpected(r.error());
  return sender;
}

core::Result<void, std::string> Sender::start() {
  if (!options_.plaintext_lab) {
    if (!valid_z85_key(options_.collector_public_z85) || !valid_z85_key(options_.own_keys.secret_z85) ||
        !valid_z85_key(options_.own_keys.public_z85)) {
      return core::unexpected(std::string(
          "publishing needs the collector's public key and this sensor's key pair (--collector-pub, --key), or "
          "--plaintext-lab for an unencrypted lab link"));
    }
  }
  try {
    dealer_ = zmq::socket_t(context_, zmq::socket_type::dealer);
    dealer_.set(zmq::sockopt::linger, 0);
    dealer_.set(zmq::sockopt::immediate, 1);  // no queueing for a connection that is not up
    dealer_.set(zmq::sockopt::sndhwm, static_cast<int>(options_.max_inflight_batches * 2));
    dealer_.set(zmq::sockopt::reconnect_ivl, options_.reconnect_ivl_ms);
    dealer_.set(zmq::sockopt::reconnect_ivl_max, options_.reconnect_ivl_max_ms);
    dealer_.set(zmq::sockopt::heartbeat_ivl, 2000);
    dealer_.set(zmq::sockopt::heartbeat_timeout, 6000);
    if (!options_.plaintext_lab) {
      dealer_.set(zmq::sockopt::curve_serverkey, options_.collector_public_z85);
      dealer_.set(zmq::sockopt::curve_publickey, options_.own_keys.public_z85);
      dealer_.set(zmq::sockopt::curve_secretkey, options_.own_keys.secret_z85);
    }
    const std::string monitor_endpoint = "inproc://normwatch-sender-monitor-" + std::to_string(reinterpret_cast<std::uintptr_t>(this));
    const int events = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                       ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
    if (zmq_socket_monitor(dealer_.handle(), monitor_endpoint.c_str(), events) != 0) {
      return core::unexpected(std::string("zmq_socket_monitor failed: ") + zmq_strerror(zmq_errno()));
    }
    monitor_ = zmq::socket_t(context_, zmq::socket_type::pair);
    monitor_.set(zmq::sockopt::linger, 0);
    monitor_.connect(monitor_endpoint);
    dealer_.connect(options_.endpoint);
  } catch (const zmq::error_t& e) {
    return core::unexpected("cannot connect to " + options_.endpoint + ": " + e.what());
  }
  batched_through_ = spool_.acked_through();
  return {};
}

void Sender::add_poll_items(std::vector<zmq_pollitem_t>& items) {
  items.push_back(zmq_pollitem_t{dealer_.handle(), 0, ZMQ_POLLIN, 0});
  items.push_back(zmq_pollitem_t{monitor_.handle(), 0, ZMQ_POLLIN, 0});
}

void Sender::log_limited(const std::string& key, const std::string& message, Clock::time_point now) {
  for (auto& [k, when] : last_logged_) {
    if (k == key) {
      if (now - when < kLogInterval) return;
      when = now;
      log_(message);
      return;
    }
  }
  last_logged_.emplace_back(key, now);
  log_(message);
}

void Sender::handle_input(Clock::time_point now) {
  for (;;) {
    zmq::message_t event;
    if (!monitor_.recv(event, zmq::recv_flags::dontwait)) break;
    std::uint16_t id = 0;
    if (event.size() >= sizeof id) std::memcpy(&id, event.data(), sizeof id);
    while (event.more()) {
      zmq::message_t rest;
      if (!monitor_.recv(rest, zmq::recv_flags::dontwait)) break;
      event.move(rest);
    }
    on_monitor_event(id, now);
  }
  for (;;) {
    std::vector<zmq::message_t> frames;
    zmq::message_t frame;
    if (!dealer_.recv(frame, zmq::recv_flags::dontwait)) break;
    bool more = frame.more();
    frames.push_back(std::move(frame));
    while (more && frames.size() < 8) {
      zmq::message_t next;
      if (!dealer_.recv(next, zmq::recv_flags::none)) break;
      more = next.more();
      frames.push_back(std::move(next));
    }
    const std::string_view command = frames[0].to_string_view();
    const auto batch_id = frames.size() >= 2 ? wire::decode_u64(frames[1].to_string_view()) : std::nullopt;
    if (command == wire::kAck && batch_id) {
      on_ack(*batch_id);
    } else if (command == wire::kError) {
      ++stats_.errors_received;
      const std::string reason = frames.size() >= 3 ? frames[2].to_string() : std::string("no reason given");
      log_limited("error", "the collector rejected a message: " + reason + " (the events stay in the spool)", now);
    } else {
      log_limited("unknown", "unexpected message from the collector: " + std::string(command.substr(0, 32)), now);
    }
  }
}

void Sender::on_monitor_event(std::uint16_t event, Clock::time_point now) {
  switch (event) {
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
      ++stats_.handshakes;
      stats_.connected = true;
      // Whatever was sent on an earlier connection may be lost with it: send it all again.
      for (Batch& b : inflight_) {
        if (!b.acked) b.sent = false;
      }
      log_limited("connected", "connected to the collector at " + options_.endpoint, now);
      break;
    case ZMQ_EVENT_DISCONNECTED:
      stats_.connected = false;
      log_limited("disconnected", "lost the connection to the collector at " + options_.endpoint +
                                      " (re-connecting; events wait in the spool)", now);
      break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
      ++stats_.auth_failures;
      log_limited("auth", "the collector at " + options_.endpoint +
                              " refused this sensor's key (is its .pub in the collector's --allow directory?)", now);
      break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
      log_limited("handshake", "handshake with the collector at " + options_.endpoint +
                                   " failed (wrong --collector-pub, or CURVE on one side and --plaintext-lab on the "
                                   "other?)", now);
      break;
    default:
      break;
  }
}

void Sender::on_ack(std::uint64_t batch_id) {
  last_ack_ = Clock::now();
  for (Batch& b : inflight_) {
    if (b.id == batch_id) {
      b.acked = true;
      break;
    }
  }
  while (!inflight_.empty() && inflight_.front().acked) {
    const Batch& b = inflight_.front();
    spool_.acknowledge(b.last_seq, b.count);
    stats_.events_acked += b.count;
    inflight_events_ -= b.count;
    inflight_.pop_front();
  }
}

bool Sender::send_batch(Batch& batch, Clock::time_point now) {
  const std::string id = wire::encode_u64(batch.id);
  try {
    if (!dealer_.send(zmq::buffer(wire::kEvents), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return false;
    // Once the first part is queued ZeroMQ takes the whole message.
    (void)dealer_.send(zmq::buffer(id), zmq::send_flags::sndmore);
    (void)dealer_.send(zmq::buffer(batch.payload), zmq::send_flags::none);
  } catch (const zmq::error_t& e) {
    log_limited("send", std::string("send to the collector failed: ") + e.what(), now);
    return false;
  }
  if (batch.sent_at != Clock::time_point{}) ++stats_.batches_resent;
  batch.sent = true;
  batch.sent_at = now;
  ++stats_.batches_sent;
  stats_.events_sent += batch.count;
  return true;
}

void Sender::pump(Clock::time_point now) {
  // Ack timeout: the collector may have lost them (restart) — go back and send them all again.
  if (!inflight_.empty()) {
    // Only when the collector went quiet: while acks keep coming it is merely busy, and re-sending
    // would double its work.
    const Batch& oldest = inflight_.front();
    if (oldest.sent && now - std::max(oldest.sent_at, last_ack_) >= options_.ack_timeout) {
      log_limited("timeout", "no acknowledgement from the collector for " +
                                 std::to_string(options_.ack_timeout.count()) + " ms; re-sending " +
                                 std::to_string(inflight_events_) + " events", now);
      for (Batch& b : inflight_) {
        if (!b.acked) b.sent = false;
      }
    }
  }
  last_send_attempt_ = now;
  bool blocked = false;
  for (Batch& b : inflight_) {
    if (b.sent || b.acked) continue;
    if (!send_batch(b, now)) {
      blocked = true;
      break;
    }
  }
  while (inflight_.size() < options_.max_inflight_batches && inflight_events_ < options_.max_inflight_events) {
    const std::size_t room = std::min(options_.batch_events, options_.max_inflight_events - inflight_events_);
    auto got = spool_.read_after(batched_through_, room, options_.batch_bytes, records_);
    if (!got) {
      log_limited("spool-read", "cannot read the spool: " + got.error(), now);
      break;
    }
    if (*got == 0) break;
    Batch batch;
    batch.id = next_batch_id_++;
    batch.first_seq = records_.front().seq;
    batch.last_seq = records_.back().seq;
    batch.count = records_.size();
    std::size_t size = 0;
    for (const SpoolRecord& r : records_) size += r.line.size() + 1;
    batch.payload.reserve(size);
    for (const SpoolRecord& r : records_) {
      if (!batch.payload.empty()) batch.payload.push_back('\n');
      batch.payload.append(r.line);
    }
    batched_through_ = batch.last_seq;
    inflight_events_ += batch.count;
    inflight_.push_back(std::move(batch));
    if (!blocked && !send_batch(inflight_.back(), now)) blocked = true;
  }
}

std::optional<Sender::Clock::time_point> Sender::deadline(Clock::time_point now) const {
  std::optional<Clock::time_point> when;
  for (const Batch& b : inflight_) {
    if (!b.sent && !b.acked) {
      when = last_send_attempt_ + (stats_.connected ? kRetryConnected : kRetryDisconnected);
      break;
    }
  }
  if (!inflight_.empty() && inflight_.front().sent) {
    const auto timeout = std::max(inflight_.front().sent_at, last_ack_) + options_.ack_timeout;
    if (!when || timeout < *when) when = timeout;
  }
  if (when && *when < now) when = now;
  return when;
}

}  // namespace normwatch::publish
