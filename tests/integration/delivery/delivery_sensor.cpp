// delivery_sensor: drives the real sensor-side delivery stack (DeliverySink: sequence store, spool,
// sender; HealthReporter) for the delivery integration tests, without a capture pipeline.
//   delivery_sensor keygen NAME
//   delivery_sensor emit --count N [--rate EPS] [--publish EP --spool DIR (--collector-pub F --key K |
//                        --plaintext-lab)] [--events FILE] [--sensor-id S] [--drain-timeout S] ...
//                        prints one JSON summary line; exit 0 delivered, 3 not (left in the spool)
//   delivery_sensor dump-spool DIR          one line per valid spooled record: {"seq":N}
//   delivery_sensor abuse --publish EP (--collector-pub F --key K | --plaintext-lab)
//                        sends malformed messages with a valid key; prints what came back
#include <CLI/CLI.hpp>
#include <zmq.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "normwatch/publish/curve_keys.hpp"
#include "normwatch/publish/delivery_sink.hpp"
#include "normwatch/publish/health.hpp"
#include "normwatch/publish/loss.hpp"
#include "normwatch/publish/spool_format.hpp"
#include "normwatch/publish/wire.hpp"

namespace {

using normwatch::core::IpAddress;
using normwatch::core::Timestamp;
namespace events = normwatch::events;
namespace publish = normwatch::publish;

struct EmitFlags {
  std::uint64_t count = 1000;
  double rate = 0;  // events per second; 0 = as fast as possible
  std::string publish;
  std::string spool;
  std::string collector_pub;
  std::string key;
  bool plaintext_lab = false;
  std::string events;
  std::string sensor_id = "test-sensor";
  double drain_timeout = 60;
  std::string fsync = "batch";
  std::uint64_t spool_max_kib = 512 * 1024;
  std::uint64_t health_every = 50;   // one heartbeat per this many events of synthetic capture time
  std::string rule_pack;             // rewritten half-way to provoke a config_change
  bool silence = false;              // a silent spell in the synthetic capture (SYS-01)
  std::size_t queue = 65'536;
  bool drop_when_full = false;
};

events::Event synthetic(std::uint64_t i, Timestamp ts) {
  events::Event e;
  e.ts = ts;
  switch (i % 4) {
    case 0:
      e.kind = events::EventKind::norm_violation;
      e.severity = events::Severity::high;
      e.rule = events::RuleRef{"MB-0" + std::to_string(1 + i % 7), 1, "Modbus write outside the conduit",
                               events::Severity::high, {"T0855"}, {"f", "P1"}};
      e.source = events::Endpoint{IpAddress::parse("10.0.1.5").value(), static_cast<std::uint16_t>(40000 + i % 1000)};
      e.destination = events::Endpoint{IpAddress::parse("10.0.2.10").value(), 502};
      e.transport = "tcp";
      e.protocol = "modbus";
      e.source_zone = "level3";
      e.destination_zone = "level1";
      e.pdu_json = R"({"function_code":6,"address":40001,"value":)" + std::to_string(i % 65536) + "}";
      e.evidence_frames = {i, i + 1};
      e.explanations = {"write to holding register 40001 from a host that is not an engineering station"};
      e.message = "synthetic finding " + std::to_string(i);
      break;
    case 1:
      e.kind = events::EventKind::segmentation;
      e.severity = events::Severity::critical;
      e.rule = events::RuleRef{"SG-01", 1, "Flow between zones that matches no conduit", events::Severity::high, {}, {"P2"}};
      e.source = events::Endpoint{IpAddress::parse("192.168.7.1").value(), 50000};
      e.destination = events::Endpoint{IpAddress::parse("10.0.2.10").value(), 20000};
      e.transport = "tcp";
      e.protocol = "dnp3";
      e.source_zone = "it";
      e.destination_zone = "level1";
      e.message = "no conduit";
      break;
    case 2:
      e.kind = events::EventKind::anomaly;
      e.severity = events::Severity::medium;
      e.rule = events::RuleRef{"AN-04", 2, "Malformed PDU", events::Severity::medium, {}, {}};
      e.transport = "udp";
      e.protocol = "dnp3";
      e.source = events::Endpoint{IpAddress::parse("fd00::1").value(), 20000};
      e.destination = events::Endpoint{IpAddress::parse("fd00::2").value(), 20000};
      e.message = "dnp3.bad_link_crc \"quoted\" and\ttabbed";
      break;
    default:
      e.kind = events::EventKind::norm_violation;
      e.severity = events::Severity::low;
      e.rule = events::RuleRef{"IEC-02", 1, "Interrogation outside a window", events::Severity::low, {}, {"g"}};
      e.protocol = "iec104";
      e.message = "synthetic";
      break;
  }
  return e;
}

int emit(const EmitFlags& f) {
  publish::DeliveryOptions o;
  o.sensor_id = f.sensor_id;
  o.spool_dir = f.spool;
  o.events_path = f.events;
  o.block_when_full = !f.drop_when_full;
  o.queue_capacity = f.queue;
  o.spool_limits.max_bytes = f.spool_max_kib << 10;
  o.spool_limits.segment_bytes = std::min<std::uint64_t>(o.spool_limits.segment_bytes, 256 * 1024);
  auto policy = publish::parse_fsync_policy(f.fsync);
  if (!policy) {
    std::fprintf(stderr, "%s\n", policy.error().c_str());
    return 2;
  }
  o.fsync = *policy;
  if (!f.publish.empty()) {
    publish::SenderOptions s;
    s.endpoint = f.publish;
    s.plaintext_lab = f.plaintext_lab;
    if (!f.plaintext_lab) {
      auto server = publish::read_public_key(f.collector_pub);
      auto own = publish::read_secret_key(f.key);
      if (!server || !own) {
        std::fprintf(stderr, "delivery_sensor: %s\n", (!server ? server.error() : own.error()).c_str());
        return 2;
      }
      s.collector_public_z85 = *server;
      s.own_keys = *own;
    }
    s.ack_timeout = std::chrono::milliseconds(3000);
    o.publish = s;
  }
  auto sink = publish::DeliverySink::open(o);
  if (!sink) {
    std::fprintf(stderr, "delivery_sensor: %s\n", sink.error().c_str());
    return 2;
  }
  publish::DeliverySink& out = **sink;

  // Synthetic capture: one event per millisecond of capture time; packets stop during the silent
  // spell so that the HealthReporter reports SYS-01.
  const Timestamp base = Timestamp::from_seconds(1'700'000'000);
  std::uint64_t packets = 0;
  publish::HealthOptions h;
  h.interval_ns = static_cast<std::int64_t>(f.health_every) * 1'000'000;
  h.silence_ns = f.silence ? 2 * normwatch::core::kNsPerSecond : 0;
  h.rule_pack = f.rule_pack;
  h.clock_source = "capture";
  publish::HealthReporter health(
      h,
      [&packets] {
        publish::HealthSnapshot snap;
        snap.packets = packets;
        snap.bytes = packets * 100;
        snap.pdus = packets / 2;
        snap.flows_active = 3;
        snap.flows_total = 40;
        return snap;
      },
      out, [&out] { return std::optional<publish::DeliveryStats>(out.stats()); });

  const auto start = std::chrono::steady_clock::now();
  Timestamp ts = base;
  for (std::uint64_t i = 1; i <= f.count; ++i) {
    ts = ts.plus_ns(1'000'000);
    if (f.silence && i == f.count / 2) {
      // Five seconds of capture time without a packet: the reporter is still ticked (as a live
      // capture loop does on read timeouts) and must report SYS-01.
      for (int s = 1; s <= 5; ++s) health.tick(ts.plus_ns(s * normwatch::core::kNsPerSecond));
      ts = ts.plus_ns(5 * normwatch::core::kNsPerSecond);
    }
    ++packets;
    health.tick(ts);
    out.emit(synthetic(i, ts));
    if (!f.rule_pack.empty() && i == f.count / 2) {
      std::ofstream(f.rule_pack, std::ios::app) << "# changed\n";
    }
    if (f.rate > 0) {
      const auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(static_cast<double>(i) / f.rate));
      std::this_thread::sleep_until(due);
    }
  }
  health.finish(ts.plus_ns(1'000'000));
  const auto emitted_at = std::chrono::steady_clock::now();
  const publish::DrainResult drained =
      out.drain(std::chrono::milliseconds(static_cast<std::int64_t>(f.drain_timeout * 1000)));
  const auto done = std::chrono::steady_clock::now();
  const publish::DeliveryStats s = out.stats();
  const double emit_s = std::chrono::duration<double>(emitted_at - start).count();
  const double total_s = std::chrono::duration<double>(done - start).count();
  std::printf(
      "{\"sensor\":\"%s\",\"epoch\":%llu,\"last_seq\":%llu,\"written\":%llu,\"dropped\":%llu,\"loss_events\":%llu,"
      "\"complete\":%s,\"unacked\":%llu,\"acked_through\":%llu,\"heartbeats\":%llu,\"fsyncs\":%llu,"
      "\"resent_batches\":%llu,\"emit_seconds\":%.3f,\"total_seconds\":%.3f}\n",
      f.sensor_id.c_str(), static_cast<unsigned long long>(s.epoch), static_cast<unsigned long long>(s.last_seq),
      static_cast<unsigned long long>(s.written), static_cast<unsigned long long>(s.dropped),
      static_cast<unsigned long long>(s.loss_events), drained.complete ? "true" : "false",
      static_cast<unsigned long long>(drained.unacked), static_cast<unsigned long long>(s.acked_through),
      static_cast<unsigned long long>(health.heartbeats()), static_cast<unsigned long long>(s.fsyncs),
      static_cast<unsigned long long>(s.batches_resent), emit_s, total_s);
  std::fflush(stdout);
  std::fprintf(stderr, "delivery_sensor: %s\n", drained.message.c_str());
  return drained.complete ? 0 : 3;
}

int dump_spool(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (publish::parse_segment_file_name(entry.path().filename().string())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string_view rest = data;
    publish::RecordView rec;
    while (publish::decode_record(rest, rec) == publish::RecordStatus::ok) {
      std::printf("{\"seq\":%llu}\n", static_cast<unsigned long long>(rec.seq));
      rest.remove_prefix(rec.size);
    }
  }
  return 0;
}

// Sends malformed messages over an authenticated connection; the collector must answer with
// nw1.error (or drop the connection for an oversized message) and keep serving.
int abuse(const EmitFlags& f) {
  zmq::context_t ctx(1);
  auto make = [&] {
    zmq::socket_t s(ctx, zmq::socket_type::dealer);
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::rcvtimeo, 3000);
    if (!f.plaintext_lab) {
      s.set(zmq::sockopt::curve_serverkey, publish::read_public_key(f.collector_pub).value());
      const auto own = publish::read_secret_key(f.key).value();
      s.set(zmq::sockopt::curve_publickey, own.public_z85);
      s.set(zmq::sockopt::curve_secretkey, own.secret_z85);
    }
    s.connect(f.publish);
    return s;
  };
  zmq::socket_t s = make();
  const std::string id = publish::wire::encode_u64(7);
  struct Case {
    const char* name;
    std::vector<std::string> frames;
  };
  const std::vector<Case> cases = {
      {"unknown command", {"hello"}},
      {"bad batch id", {std::string(publish::wire::kEvents), "xyz", "{}"}},
      {"empty payload", {std::string(publish::wire::kEvents), id, ""}},
      {"too many frames", {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}},
      {"invalid lines", {std::string(publish::wire::kEvents), id, "not json\n{\"schema\":\"other\"}\n{}"}},
      {"too many events", {std::string(publish::wire::kEvents), id, std::string(publish::wire::kMaxBatchEvents + 5, '\n')}},
  };
  int answered = 0;
  for (const Case& c : cases) {
    for (std::size_t i = 0; i < c.frames.size(); ++i) {
      s.send(zmq::buffer(c.frames[i]), i + 1 < c.frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
    zmq::message_t part;
    std::string command;  // the reply's first frame: nw1.error or nw1.ack
    if (s.recv(part)) {
      command = part.to_string();
      while (part.more() && s.recv(part)) {
      }
      ++answered;
    }
    std::printf("{\"case\":\"%s\",\"reply\":\"%s\"}\n", c.name, command.substr(0, 12).c_str());
  }
  // Larger than ZMQ_MAXMSGSIZE: the collector's ZeroMQ drops the connection.
  {
    const std::string huge(static_cast<std::size_t>(publish::wire::kMaxMessageBytes) + 1024, 'x');
    s.send(zmq::buffer(std::string(publish::wire::kEvents)), zmq::send_flags::sndmore);
    s.send(zmq::buffer(id), zmq::send_flags::sndmore);
    s.send(zmq::buffer(huge), zmq::send_flags::none);
    zmq::message_t part;
    const bool replied = static_cast<bool>(s.recv(part));
    std::printf("{\"case\":\"oversized\",\"reply\":\"%s\"}\n", replied ? part.to_string().substr(0, 12).c_str() : "");
  }
  std::fflush(stdout);
  return answered == static_cast<int>(cases.size()) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"delivery_sensor: synthetic events through the real normwatch delivery stack"};
  app.require_subcommand(1);
  std::string name;
  auto* keygen = app.add_subcommand("keygen", "Write NAME.key and NAME.pub");
  keygen->add_option("NAME", name)->required();
  EmitFlags f;
  auto add_link = [&f](CLI::App* cmd) {
    cmd->add_option("--publish", f.publish);
    cmd->add_option("--collector-pub", f.collector_pub);
    cmd->add_option("--key", f.key);
    cmd->add_flag("--plaintext-lab", f.plaintext_lab);
  };
  auto* emit_cmd = app.add_subcommand("emit", "Emit synthetic events and drain");
  emit_cmd->add_option("--count", f.count);
  emit_cmd->add_option("--rate", f.rate);
  emit_cmd->add_option("--spool", f.spool);
  emit_cmd->add_option("--events", f.events);
  emit_cmd->add_option("--sensor-id", f.sensor_id);
  emit_cmd->add_option("--drain-timeout", f.drain_timeout);
  emit_cmd->add_option("--fsync", f.fsync);
  emit_cmd->add_option("--spool-max-kib", f.spool_max_kib);
  emit_cmd->add_option("--health-every", f.health_every);
  emit_cmd->add_option("--rule-pack", f.rule_pack);
  emit_cmd->add_flag("--silence", f.silence);
  emit_cmd->add_option("--queue", f.queue);
  emit_cmd->add_flag("--drop-when-full", f.drop_when_full);
  add_link(emit_cmd);
  std::string dir;
  auto* dump = app.add_subcommand("dump-spool", "List the seqs of the valid records in a spool");
  dump->add_option("DIR", dir)->required();
  auto* abuse_cmd = app.add_subcommand("abuse", "Send malformed messages to a collector");
  add_link(abuse_cmd);
  CLI11_PARSE(app, argc, argv);
  if (*keygen) {
    auto pair = publish::generate_key_pair();
    if (!pair || !publish::write_key_pair(name, *pair)) return 1;
    return 0;
  }
  if (*emit_cmd) return emit(f);
  if (*dump) return dump_spool(dir);
  if (*abuse_cmd) return abuse(f);
  return 2;
}
