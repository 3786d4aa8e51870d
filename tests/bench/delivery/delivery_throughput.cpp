// delivery_throughput: sustained delivery of events from a sensor's output stack to a collector
// over ZeroMQ on 127.0.0.1 (issue 7 §6; target >= 50,000 events/s with the default fsync policy).
// The collector (Server: CURVE, ZAP, SQLite WAL, synchronous=FULL, commit-then-ack) runs on its
// own thread; the sensor side is the real DeliverySink (stamp, encode, spool with fsync policy,
// DEALER sender). The clock runs from the first emit until the collector has acknowledged the
// last event, so the figure is what a sensor can sustain end to end, not what it can queue.
//   delivery_throughput [--events N] [--fsync batch] [--sync full|normal] [--plaintext]
#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "normwatch/collector/server.hpp"
#include "normwatch/publish/curve_keys.hpp"
#include "normwatch/publish/delivery_sink.hpp"

namespace {

using namespace normwatch;

events::Event sample_finding(std::uint64_t i) {
  events::Event e;
  e.ts = core::Timestamp::from_seconds(1'700'000'000).plus_ns(static_cast<std::int64_t>(i) * 1000);
  e.kind = events::EventKind::norm_violation;
  e.severity = events::Severity::high;
  e.rule = events::RuleRef{"MB-03", 1, "Modbus write to a holding register outside the conduit",
                           events::Severity::high, {"T0855", "T0836"}, {"f", "P1"}};
  e.source = events::Endpoint{core::IpAddress::parse("10.1.2.3").value(), static_cast<std::uint16_t>(40000 + i % 20000)};
  e.destination = events::Endpoint{core::IpAddress::parse("10.1.9.20").value(), 502};
  e.transport = "tcp";
  e.protocol = "modbus";
  e.source_zone = "enterprise";
  e.destination_zone = "cell-1";
  e.pdu_json = R"({"function_code":16,"unit_id":1,"address":40100,"quantity":4,"values":[1,2,3,)" +
               std::to_string(i % 65536) + "]}";
  e.evidence_frames = {i * 2, i * 2 + 1};
  e.explanations = {"write from a host outside the engineering-workstation list"};
  e.message = "Write Multiple Registers from 10.1.2.3 to 10.1.9.20";
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"delivery_throughput: sustained sensor -> collector delivery on loopback"};
  std::uint64_t count = 500'000;
  std::string fsync = "batch";
  std::string sync = "full";
  bool plaintext = false;
  bool progress = false;
  app.add_option("--events", count, "Events to deliver")->capture_default_str();
  app.add_option("--fsync", fsync, "Sensor spool fsync policy")->capture_default_str();
  app.add_option("--sync", sync, "Collector SQLite synchronous mode (full | normal)")->capture_default_str();
  app.add_flag("--plaintext", plaintext, "No CURVE (lab mode) on both ends");
  app.add_flag("--progress", progress, "Print the pipeline's state every second");
  CLI11_PARSE(app, argc, argv);

  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() / ("nw-delivery-bench-" + std::to_string(rd()));
  std::filesystem::create_directories(dir / "allow");
  const auto collector_keys = publish::generate_key_pair().value();
  const auto sensor_keys = publish::generate_key_pair().value();
  (void)publish::write_key_pair(dir / "collector", collector_keys);
  (void)publish::write_key_pair(dir / "allow" / "bench", sensor_keys);

  collector::ServerOptions server_options;
  server_options.listen = "tcp://127.0.0.1:*";
  server_options.db = dir / "collector.db";
  server_options.plaintext_lab = plaintext;
  server_options.key = dir / "collector.key";
  server_options.allow_dir = dir / "allow";
  server_options.sync_full = sync == "full";
  server_options.log = [](const std::string&) {};
  auto server = collector::Server::open(server_options);
  if (!server) {
    std::fprintf(stderr, "collector: %s\n", server.error().c_str());
    return 1;
  }
  std::atomic<bool> stop{false};
  std::thread collector_thread([&] { (void)(*server)->run(stop); });

  publish::DeliveryOptions o;
  o.sensor_id = "bench";
  o.spool_dir = dir / "spool";
  o.block_when_full = true;
  o.fsync = publish::parse_fsync_policy(fsync).value();
  publish::SenderOptions s;
  s.endpoint = (*server)->endpoint();
  s.plaintext_lab = plaintext;
  s.collector_public_z85 = collector_keys.public_z85;
  s.own_keys = sensor_keys;
  o.publish = s;
  o.log = [](const std::string& m) { std::fprintf(stderr, "sensor: %s\n", m.c_str()); };
  auto sink = publish::DeliverySink::open(o);
  if (!sink) {
    std::fprintf(stderr, "sensor: %s\n", sink.error().c_str());
    return 1;
  }
  const std::size_t line_bytes = events::to_json_line(sample_finding(12345)).size();

  std::atomic<bool> done_flag{false};
  std::thread reporter([&] {
    while (progress && !done_flag) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      const publish::DeliveryStats st = (*sink)->stats();
      const collector::ServerStats cs = (*server)->stats();
      std::fprintf(stderr, "queued %llu written %llu sent %llu acked %llu | collector stored %llu commits %llu\n",
                   static_cast<unsigned long long>(st.queue_depth), static_cast<unsigned long long>(st.written),
                   static_cast<unsigned long long>(st.events_sent), static_cast<unsigned long long>(st.acked_through),
                   static_cast<unsigned long long>(cs.stored), static_cast<unsigned long long>(cs.commits));
    }
  });
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < count; ++i) (*sink)->emit(sample_finding(i));
  const auto queued = std::chrono::steady_clock::now();
  const auto drained = (*sink)->drain(std::chrono::minutes(10));
  const auto done = std::chrono::steady_clock::now();
  const publish::DeliveryStats st = (*sink)->stats();
  done_flag = true;
  reporter.join();
  sink->reset();
  stop = true;
  collector_thread.join();
  const collector::ServerStats cs = (*server)->stats();

  const double total = std::chrono::duration<double>(done - start).count();
  const double emit = std::chrono::duration<double>(queued - start).count();
  std::printf("events %llu (%zu-byte lines), fsync %s, collector synchronous=%s, %s\n",
              static_cast<unsigned long long>(count), line_bytes, fsync.c_str(), sync.c_str(),
              plaintext ? "plaintext" : "CURVE");
  std::printf("emit (into the bounded queue, blocking when full): %.2f s\n", emit);
  std::printf("delivered and acknowledged: %s in %.2f s = %.0f events/s sustained end to end\n",
              drained.complete ? "all" : "NOT all", total, static_cast<double>(count) / total);
  std::printf("sensor: %llu spool fsyncs, %llu batches re-sent; collector: %llu stored, %llu duplicates, %llu commits\n",
              static_cast<unsigned long long>(st.fsyncs), static_cast<unsigned long long>(st.batches_resent),
              static_cast<unsigned long long>(cs.stored), static_cast<unsigned long long>(cs.duplicates),
              static_cast<unsigned long long>(cs.commits));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return drained.complete && cs.stored == count ? 0 : 1;
}
