// Option parsing and construction of the sensor's event output (see publish_options.hpp).
#include "publish_options.hpp"

#include <chrono>
#include <cstdio>

#include "normwatch/publish/curve_keys.hpp"
#include "normwatch/publish/signer.hpp"
#include "rules_options.hpp"

namespace normwatch::app {

void add_publish_options(CLI::App& cmd, PublishFlags& f) {
  cmd.add_option("--publish", f.publish, "Deliver events to the collector at this ZeroMQ endpoint (tcp://HOST:PORT)");
  cmd.add_option("--collector-pub", f.collector_pub, "The collector's public key file (pinned; CURVE)");
  cmd.add_option("--key", f.key, "This sensor's secret key file (normwatch keygen NAME writes NAME.key)");
  cmd.add_option("--spool", f.spool, "Spool directory: events wait here until the collector acknowledges them");
  cmd.add_flag("--plaintext-lab", f.plaintext_lab, "Publish without encryption or authentication (a lab only)");
  cmd.add_option("--fsync", f.fsync,
                 "Spool fsync policy: always | batch[:N:MS] (fsync every N events or MS ms) | interval:MS")
      ->capture_default_str();
  cmd.add_option("--spool-max-mib", f.spool_max_mib,
                 "Spool size cap (MiB); heartbeats are dropped at 90%, findings only at the cap")
      ->check(CLI::Range(static_cast<std::uint64_t>(1), static_cast<std::uint64_t>(1) << 20))
      ->capture_default_str();
  cmd.add_option("--drain-timeout", f.drain_timeout,
                 "At the end of a replay, wait at most this many seconds for the collector's acknowledgements "
                 "(default: until delivered)");
  cmd.add_option("--health-interval", f.health_interval, "Seconds between heartbeats (0: none)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  cmd.add_option("--silence-timeout", f.silence_timeout,
                 "Report SYS-01 after this many seconds without a packet (0: never)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  cmd.add_option("--sign-key", f.sign_key,
                 "Ed25519 key that signs evidence checkpoints (default: NAME.sign.key beside --key NAME.key)");
  cmd.add_option("--checkpoint-every", f.checkpoint_events, "Sign a checkpoint every N events (0: by time only)")
      ->capture_default_str();
  cmd.add_option("--checkpoint-interval", f.checkpoint_interval, "Sign a checkpoint every SECONDS (0: by count only)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
}

namespace {

// Evidence chain options (issue 10): a chain whenever a spool keeps its head or a key signs it.
core::Result<std::optional<publish::EvidenceOptions>, std::string> evidence_options(const PublishFlags& f) {
  std::string key = f.sign_key;
  if (key.empty() && f.key.size() > 4 && f.key.ends_with(".key")) {
    const std::string beside = f.key.substr(0, f.key.size() - 4) + ".sign.key";
    if (std::filesystem::exists(beside)) key = beside;
  }
  if (key.empty() && f.spool.empty()) return std::optional<publish::EvidenceOptions>();
  publish::EvidenceOptions e;
  e.checkpoints.every_events = f.checkpoint_events;
  e.checkpoints.every = std::chrono::milliseconds(static_cast<std::int64_t>(f.checkpoint_interval * 1000.0));
  if (!key.empty()) {
    std::string warning;
    auto signer = publish::Signer::read(key, &warning);
    if (!signer) return core::unexpected(signer.error());
    if (!warning.empty()) std::fprintf(stderr, "normwatch: warning: %s\n", warning.c_str());
    e.signer = std::move(*signer);
  }
  return std::optional<publish::EvidenceOptions>(std::move(e));
}

}  // namespace

core::Result<std::unique_ptr<publish::DeliverySink>, std::string> make_event_sinks(const PublishFlags& f,
                                                                                  const std::string& events_path,
                                                                                  const std::string& sensor_id,
                                                                                  CaptureMode mode) {
  if (events_path.empty() && f.publish.empty()) {
    if (!f.collector_pub.empty() || !f.key.empty() || f.plaintext_lab) {
      return core::unexpected(std::string("--collector-pub, --key and --plaintext-lab need --publish"));
    }
    return std::unique_ptr<publish::DeliverySink>();
  }
  publish::DeliveryOptions o;
  o.sensor_id = sensor_id.empty() ? default_sensor_id() : sensor_id;
  o.spool_dir = f.spool;
  o.events_path = events_path;
  o.block_when_full = mode == CaptureMode::replay;
  o.append_events = mode == CaptureMode::live;  // a restarted live sensor keeps what it wrote before
  auto policy = publish::parse_fsync_policy(f.fsync);
  if (!policy) return core::unexpected(policy.error());
  o.fsync = *policy;
  o.spool_limits.max_bytes = f.spool_max_mib << 20;
  auto evidence = evidence_options(f);
  if (!evidence) return core::unexpected(evidence.error());
  o.evidence = std::move(*evidence);
  if (!f.publish.empty()) {
    if (f.spool.empty()) return core::unexpected(std::string("--publish needs --spool DIR"));
    publish::SenderOptions s;
    s.endpoint = f.publish;
    s.plaintext_lab = f.plaintext_lab;
    if (!f.plaintext_lab) {
      if (f.collector_pub.empty() || f.key.empty()) {
        return core::unexpected(std::string(
            "--publish needs --collector-pub FILE and --key FILE (CURVE), or --plaintext-lab for a lab"));
      }
      auto server = publish::read_public_key(f.collector_pub);
      if (!server) return core::unexpected(server.error());
      std::string warning;
      auto own = publish::read_secret_key(f.key, &warning);
      if (!own) return core::unexpected(own.error());
      if (!warning.empty()) std::fprintf(stderr, "normwatch: warning: %s\n", warning.c_str());
      s.collector_public_z85 = *server;
      s.own_keys = *own;
    } else if (!f.collector_pub.empty() || !f.key.empty()) {
      return core::unexpected(std::string("--plaintext-lab contradicts --collector-pub/--key"));
    }
    o.publish = s;
  }
  return publish::DeliverySink::open(std::move(o));
}

publish::HealthOptions health_options(const PublishFlags& f, CaptureMode mode) {
  publish::HealthOptions h;
  h.interval_ns = static_cast<std::int64_t>(f.health_interval * 1e9);
  h.silence_ns = static_cast<std::int64_t>(f.silence_timeout * 1e9);
  h.rule_pack = f.rule_pack;
  h.policy = f.policy;
  h.clock_source = mode == CaptureMode::replay ? "capture" : "wall";
  return h;
}

publish::DrainResult drain(publish::DeliverySink& sink, const PublishFlags& f, const std::atomic<bool>* stop) {
  const auto timeout = f.drain_timeout < 0
                           ? std::chrono::milliseconds(-1)
                           : std::chrono::milliseconds(static_cast<std::int64_t>(f.drain_timeout * 1000.0));
  if (sink.publishing()) {
    const publish::DeliveryStats s = sink.stats();
    if (s.spool_unacked > 0 || s.queue_depth > 0) {
      std::fprintf(stderr, "normwatch: waiting for the collector to acknowledge %llu events%s\n",
                   static_cast<unsigned long long>(s.spool_unacked + s.queue_depth),
                   timeout.count() < 0 ? " (Ctrl-C to stop waiting)" : "");
    }
  }
  publish::DrainResult result = sink.drain(timeout, stop);
  if (sink.publishing()) std::fprintf(stderr, "normwatch: %s\n", result.message.c_str());
  return result;
}

}  // namespace normwatch::app
