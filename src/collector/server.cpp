// The collector's receive loop: sockets and security set-up, batch ingest, commit-then-ack.
#include "normwatch/collector/server.hpp"

#include <ctime>

#include "normwatch/events/slice_ref.hpp"
#include "normwatch/publish/curve_keys.hpp"
#include "normwatch/publish/wire.hpp"
#include "server_impl.hpp"

namespace normwatch::collector {

namespace wire = publish::wire;

namespace {

constexpr auto kLogInterval = std::chrono::seconds(60);

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string metadata(zmq::message_t& msg, const char* property) {
  const char* value = zmq_msg_gets(msg.handle(), property);
  return value != nullptr ? std::string(value) : std::string();
}

}  // namespace

void Server::Impl::log(const std::string& message) const {
  if (options.log) {
    options.log(message);
    return;
  }
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::fprintf(stderr, "%s normwatch-collector: %s\n", stamp, message.c_str());
}

void Server::Impl::log_limited(const std::string& key, const std::string& message) {
  LimitedLog& entry = limited[key];
  const auto now = Clock::now();
  if (entry.last != Clock::time_point{} && now - entry.last < kLogInterval) {
    ++entry.suppressed;
    return;
  }
  std::string text = message;
  if (entry.suppressed > 0) text += " (" + std::to_string(entry.suppressed) + " more like it not logged)";
  entry.last = now;
  entry.suppressed = 0;
  log(text);
  if (limited.size() > 10'000) limited.clear();  // bounded under a flood of distinct keys
}

void Server::Impl::count(std::uint64_t ServerStats::*field, std::uint64_t n) {
  std::lock_guard lock(stats_mutex);
  stats.*field += n;
}

core::Result<void, std::string> Server::Impl::start() {
  std::string secret;
  if (!options.plaintext_lab) {
    if (options.key.empty() || options.allow_dir.empty()) {
      return core::unexpected(std::string(
          "refusing a plaintext link: give --key FILE and --allow DIR (CURVE), or --plaintext-lab for a lab"));
    }
    std::string warning;
    auto pair = publish::read_secret_key(options.key, &warning);
    if (!pair) return core::unexpected(pair.error());
    if (!warning.empty()) log("warning: " + warning);
    secret = pair->secret_z85;
    if (!std::filesystem::is_directory(options.allow_dir)) {
      return core::unexpected("the allow-list " + options.allow_dir.string() + " is not a directory");
    }
    allow.emplace(options.allow_dir);
    for (const std::string& w : allow->load()) log("warning: " + w);
  }
  StoreOptions store_options;
  store_options.sync_full = options.sync_full;
  store_options.require_sensor_matches_key = options.require_sensor_matches_key;
  store_options.sign_keys_dir = options.allow_dir;  // PRINCIPAL.sign.pub: evidence checkpoints (issue 10)
  auto opened = EventStore::open(options.db, store_options);
  if (!opened) return core::unexpected(opened.error());
  store = std::move(*opened);
  try {
    // The ZAP handler must be bound before the ROUTER: without one, libzmq lets every CURVE
    // client in.
    zap = zmq::socket_t(context, zmq::socket_type::rep);
    zap.set(zmq::sockopt::linger, 0);
    zap.bind("inproc://zeromq.zap.01");
    router = zmq::socket_t(context, zmq::socket_type::router);
    router.set(zmq::sockopt::linger, 200);
    router.set(zmq::sockopt::maxmsgsize, wire::kMaxMessageBytes);
    router.set(zmq::sockopt::handshake_ivl, 10'000);
    router.set(zmq::sockopt::heartbeat_ivl, 2000);
    router.set(zmq::sockopt::heartbeat_timeout, 6000);
    router.set(zmq::sockopt::zap_domain, std::string(wire::kZapDomain));
    if (!options.plaintext_lab) {
      router.set(zmq::sockopt::curve_server, 1);
      router.set(zmq::sockopt::curve_secretkey, secret);
    }
    // Handshake failures never reach the ZAP handler (a plaintext sensor, or one that pinned another
    // collector's key): watch for them so that they are logged too.
    const std::string monitor_endpoint = "inproc://normwatch-collector-monitor";
    if (zmq_socket_monitor(router.handle(), monitor_endpoint.c_str(),
                           ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) != 0) {
      return core::unexpected(std::string("zmq_socket_monitor failed: ") + zmq_strerror(zmq_errno()));
    }
    monitor = zmq::socket_t(context, zmq::socket_type::pair);
    monitor.set(zmq::sockopt::linger, 0);
    monitor.connect(monitor_endpoint);
    router.bind(options.listen);
    endpoint = router.get(zmq::sockopt::last_endpoint);
    if (!options.pub.empty()) {
      pub = zmq::socket_t(context, zmq::socket_type::pub);
      pub.set(zmq::sockopt::linger, 0);
      pub.bind(options.pub);
    }
  } catch (const zmq::error_t& e) {
    return core::unexpected("cannot listen on " + options.listen + ": " + e.what());
  }
  log("listening on " + endpoint +
      (options.plaintext_lab ? std::string(" in PLAINTEXT LAB MODE (no encryption, no authentication)")
                             : " (CURVE; " + std::to_string(allow->size()) + " sensor keys in " +
                                   options.allow_dir.string() + ")") +
      ", database " + options.db.string() + (options.pub.empty() ? "" : ", re-publishing on " + options.pub));
  return {};
}

void Server::Impl::reply_error(const std::string& routing_id, std::string_view batch_id, std::string_view reason) {
  try {
    if (!router.send(zmq::buffer(routing_id), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return;
    (void)router.send(zmq::buffer(wire::kError), zmq::send_flags::sndmore);
    (void)router.send(zmq::buffer(batch_id), zmq::send_flags::sndmore);
    (void)router.send(zmq::buffer(reason), zmq::send_flags::none);
  } catch (const zmq::error_t&) {
    // The peer is gone; nothing to tell it.
  }
}

void Server::Impl::handle_router(Clock::time_point now) {
  constexpr std::size_t kMaxFrames = 8;
  for (std::size_t messages = 0; messages < 256; ++messages) {
    std::vector<zmq::message_t> frames;
    zmq::message_t first;
    if (!router.recv(first, zmq::recv_flags::dontwait)) return;
    bool more = first.more();
    frames.push_back(std::move(first));
    bool too_many = false;
    while (more) {
      zmq::message_t part;
      if (!router.recv(part, zmq::recv_flags::none)) break;
      more = part.more();
      if (frames.size() < kMaxFrames) {
        frames.push_back(std::move(part));
      } else {
        too_many = true;  // read and discard the rest of the message
      }
    }
    count(&ServerStats::messages);
    if (too_many) {
      count(&ServerStats::malformed);
      reply_error(frames[0].to_string(), {}, "too many frames");
      continue;
    }
    handle_message(frames, now);
    if (pending_lines >= options.commit_events) commit_and_ack();
  }
}

void Server::Impl::handle_message(std::vector<zmq::message_t>& frames, Clock::time_point now) {
  const std::string routing_id = frames[0].to_string();
  if (frames.size() < 2) return;
  const std::string principal = metadata(frames[1], "User-Id");
  const std::string peer = metadata(frames[1], "Peer-Address");
  std::string problem;
  if (frames.size() != 4 || frames[1].to_string_view() != wire::kEvents) {
    problem = "not a nw1.events message";
  } else if (frames[2].size() != 8) {
    problem = "bad batch id";
  } else if (frames[3].size() == 0 || frames[3].size() > wire::kMaxBatchBytes) {
    problem = "batch payload empty or larger than " + std::to_string(wire::kMaxBatchBytes) + " bytes";
  }
  std::vector<std::string_view> lines;
  std::vector<std::string_view> slices;  // the evidence slice after a line, if any (events/slice_ref.hpp)
  if (problem.empty()) {
    std::string_view payload = frames[3].to_string_view();
    while (!payload.empty() && lines.size() <= wire::kMaxBatchEvents) {
      const auto nl = payload.find('\n');
      const events::RecordParts parts = events::split_attachment(payload.substr(0, nl));
      lines.push_back(parts.line);
      slices.push_back(parts.attachment);
      payload = nl == std::string_view::npos ? std::string_view() : payload.substr(nl + 1);
    }
    if (lines.size() > wire::kMaxBatchEvents) {
      problem = "more than " + std::to_string(wire::kMaxBatchEvents) + " events in a batch";
    }
  }
  if (!problem.empty()) {
    count(&ServerStats::malformed);
    log_limited("malformed " + principal,
                "rejected a malformed message from " + (peer.empty() ? std::string("?") : peer) + " (" +
                    (principal.empty() ? std::string("no key name") : principal) + "): " + problem);
    reply_error(routing_id, frames.size() >= 3 && frames[2].size() == 8 ? frames[2].to_string_view() : "", problem);
    return;
  }
  const std::int64_t received = wall_ns();
  PendingAck ack;
  ack.routing_id = routing_id;
  ack.batch_id = frames[2].to_string();
  const std::string who = principal.empty() ? std::string("plaintext") : principal;
  if (auto r = store->ingest_batch(lines, who, received, results); !r) {
    abandon_transaction("storage error: " + r.error());
    return;
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (slices[i].empty() || results[i].outcome == LineOutcome::rejected) continue;
    auto stored = store->store_slice(lines[i], slices[i], received);
    if (!stored) {
      abandon_transaction("storage error: " + stored.error());
      return;
    }
    if (!stored->empty()) log_limited("slice " + who, "refused the evidence slice of an event from " + who + ": " + *stored);
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const LineResult& result = results[i];
    switch (result.outcome) {
      case LineOutcome::stored:
        ++ack.stored;
        if (pub) {
          to_publish.emplace_back(std::string(events::name(result.header.kind)) + " " + result.header.sensor,
                                  std::string(lines[i]));
        }
        break;
      case LineOutcome::duplicate:
        ++ack.duplicates;
        break;
      case LineOutcome::rejected:
        ++ack.rejected;
        log_limited("rejected " + who, "quarantined an invalid event from " + who + ": " + result.reason);
        break;
    }
  }
  count(&ServerStats::stored, ack.stored);
  count(&ServerStats::duplicates, ack.duplicates);
  count(&ServerStats::rejected, ack.rejected);
  pending_lines += lines.size();
  acks.push_back(std::move(ack));
  if (!commit_deadline) commit_deadline = now + options.commit_interval;
}

void Server::Impl::abandon_transaction(const std::string& why) {
  // Nothing of this transaction is acknowledged: the sensors keep it in their spools and re-send.
  store->rollback();
  count(&ServerStats::storage_errors);
  log_limited("storage", why + "; " + std::to_string(acks.size()) +
                             " batches not acknowledged (the sensors will re-send them)");
  acks.clear();
  to_publish.clear();
  pending_lines = 0;
  commit_deadline.reset();
}

void Server::Impl::commit_and_ack() {
  commit_deadline.reset();
  if (acks.empty() && !store->in_transaction()) return;
  if (auto r = store->commit(); !r) {
    abandon_transaction("commit failed: " + r.error());
    return;
  }
  count(&ServerStats::commits);
  for (const PendingAck& ack : acks) {
    const std::string counts = "stored=" + std::to_string(ack.stored) + " duplicate=" + std::to_string(ack.duplicates) +
                               " rejected=" + std::to_string(ack.rejected);
    try {
      if (!router.send(zmq::buffer(ack.routing_id), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) continue;
      (void)router.send(zmq::buffer(wire::kAck), zmq::send_flags::sndmore);
      (void)router.send(zmq::buffer(ack.batch_id), zmq::send_flags::sndmore);
      (void)router.send(zmq::buffer(counts), zmq::send_flags::none);
    } catch (const zmq::error_t&) {
      // The sensor disconnected: it re-sends and gets its ack as a duplicate.
    }
  }
  for (const auto& [topic, line] : to_publish) {
    try {
      if (pub.send(zmq::buffer(topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
        (void)pub.send(zmq::buffer(line), zmq::send_flags::dontwait);
      }
    } catch (const zmq::error_t&) {
    }
  }
  acks.clear();
  to_publish.clear();
  pending_lines = 0;
}

void Server::Impl::handle_monitor() {
  for (;;) {
    zmq::message_t event;
    if (!monitor.recv(event, zmq::recv_flags::dontwait)) return;
    while (event.more()) {
      zmq::message_t rest;
      if (!monitor.recv(rest, zmq::recv_flags::dontwait)) break;
      event.move(rest);
    }
    count(&ServerStats::handshake_failures);
    log_limited("handshake", "a connection failed the handshake (a plaintext sensor, or one that pinned another "
                             "collector key?); it was refused");
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() = default;

core::Result<std::unique_ptr<Server>, std::string> Server::open(ServerOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (auto r = impl->start(); !r) return core::unexpected(r.error());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::string Server::endpoint() const { return impl_->endpoint; }

ServerStats Server::stats() const {
  std::lock_guard lock(impl_->stats_mutex);
  return impl_->stats;
}

core::Result<void, std::string> Server::run(const std::atomic<bool>& stop) {
  Impl& s = *impl_;
  while (!stop.load()) {
    auto now = Impl::Clock::now();
    long timeout = 200;
    if (s.commit_deadline) {
      timeout = std::max<long>(0, std::chrono::ceil<std::chrono::milliseconds>(*s.commit_deadline - now).count());
    }
    zmq_pollitem_t items[] = {{s.zap.handle(), 0, ZMQ_POLLIN, 0},
                              {s.router.handle(), 0, ZMQ_POLLIN, 0},
                              {s.monitor.handle(), 0, ZMQ_POLLIN, 0}};
    if (zmq_poll(items, 3, timeout) < 0 && zmq_errno() != EINTR) {
      return core::unexpected(std::string("zmq_poll failed: ") + zmq_strerror(zmq_errno()));
    }
    if ((items[0].revents & ZMQ_POLLIN) != 0) s.handle_zap();
    if ((items[2].revents & ZMQ_POLLIN) != 0) s.handle_monitor();
    now = Impl::Clock::now();
    if ((items[1].revents & ZMQ_POLLIN) != 0) s.handle_router(now);
    if (s.commit_deadline && Impl::Clock::now() >= *s.commit_deadline) s.commit_and_ack();
  }
  s.commit_and_ack();
  const ServerStats st = stats();
  s.log("stopping: " + std::to_string(st.stored) + " events stored, " + std::to_string(st.duplicates) +
        " duplicates, " + std::to_string(st.rejected) + " quarantined, " + std::to_string(st.malformed) +
        " malformed messages, " + std::to_string(st.refused) + " unknown keys refused, " +
        std::to_string(st.handshake_failures) + " failed handshakes");
  return {};
}

}  // namespace normwatch::collector
