// The collector and the sensor's delivery stack in one process, over TCP on 127.0.0.1: CURVE with
// an allow-list, refusal of unknown keys and of plaintext, and exactly-once storage.
#include "normwatch/collector/server.hpp"

#include <gtest/gtest.h>
#include <zmq.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "collector_test_helpers.hpp"
#include "normwatch/collector/event_store.hpp"
#include "normwatch/publish/curve_keys.hpp"
#include "normwatch/publish/delivery_sink.hpp"

namespace normwatch::collector {
namespace {

using test::TempDir;

struct RunningServer {
  std::unique_ptr<Server> server;
  std::atomic<bool> stop{false};
  std::thread thread;
  std::mutex log_mutex;
  std::vector<std::string> log;

  explicit RunningServer(ServerOptions options) {
    options.log = [this](const std::string& m) {
      std::lock_guard lock(log_mutex);
      log.push_back(m);
    };
    auto opened = Server::open(std::move(options));
    EXPECT_TRUE(opened) << (opened ? "" : opened.error());
    if (!opened) return;
    server = std::move(*opened);
    thread = std::thread([this] { EXPECT_TRUE(server->run(stop)); });
  }
  ~RunningServer() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
  bool logged(const std::string& needle) {
    std::lock_guard lock(log_mutex);
    for (const auto& m : log) {
      if (m.find(needle) != std::string::npos) return true;
    }
    return false;
  }
};

struct Keys {
  explicit Keys(const TempDir& dir) {
    std::filesystem::create_directories(dir / "allow");
    EXPECT_TRUE(publish::write_key_pair(dir / "collector", publish::generate_key_pair().value()));
    EXPECT_TRUE(publish::write_key_pair(dir / "allow" / "sensor-a", publish::generate_key_pair().value()));
    EXPECT_TRUE(publish::write_key_pair(dir / "stranger", publish::generate_key_pair().value()));
    // The allow-list holds only .pub files; move the sensor's secret out of it.
    std::filesystem::rename(dir / "allow" / "sensor-a.key", dir / "sensor-a.key");
  }
};

ServerOptions curve_server(const TempDir& dir) {
  ServerOptions o;
  o.listen = "tcp://127.0.0.1:*";
  o.db = dir / "collector.db";
  o.key = dir / "collector.key";
  o.allow_dir = dir / "allow";
  o.commit_interval = std::chrono::milliseconds(5);
  return o;
}

publish::DeliveryOptions sensor(const TempDir& dir, const std::string& endpoint, const std::string& key_file,
                                const std::string& spool) {
  publish::DeliveryOptions o;
  o.sensor_id = "sensor-a";
  o.spool_dir = dir / spool;
  o.block_when_full = true;
  o.log = [](const std::string&) {};
  publish::SenderOptions s;
  s.endpoint = endpoint;
  s.collector_public_z85 = publish::read_public_key(dir / "collector.pub").value();
  s.own_keys = publish::read_secret_key(dir / key_file).value();
  o.publish = s;
  return o;
}

events::Event finding(std::uint64_t i) {
  events::Event e;
  e.ts = core::Timestamp::from_seconds(1'700'000'000 + static_cast<std::int64_t>(i));
  e.kind = events::EventKind::norm_violation;
  e.severity = events::Severity::high;
  e.rule = events::RuleRef{"MB-01", 1, "rule", events::Severity::high, {}, {}};
  return e;
}

std::int64_t stored(const TempDir& dir, const std::string& sql) {
  StoreOptions ro;
  ro.read_only = true;
  auto store = EventStore::open(dir / "collector.db", ro).value();
  return store->database().scalar(sql).value_or(-1);
}

TEST(Server, StoresEveryEventOnceAndAcknowledgesIt) {
  TempDir dir;
  Keys keys(dir);
  RunningServer collector(curve_server(dir));
  ASSERT_TRUE(collector.server);
  constexpr std::uint64_t kEvents = 3000;
  {
    auto sink = publish::DeliverySink::open(sensor(dir, collector.server->endpoint(), "sensor-a.key", "spool")).value();
    for (std::uint64_t i = 0; i < kEvents; ++i) sink->emit(finding(i));
    const auto drained = sink->drain(std::chrono::seconds(60));
    EXPECT_TRUE(drained.complete) << drained.message;
    EXPECT_EQ(sink->stats().acked_through, sink->stats().last_seq);
  }
  collector.stop = true;
  collector.thread.join();
  EXPECT_EQ(stored(dir, "SELECT count(*) FROM events"), static_cast<std::int64_t>(kEvents));
  EXPECT_EQ(stored(dir, "SELECT count(DISTINCT seq) FROM events"), static_cast<std::int64_t>(kEvents));
  EXPECT_EQ(stored(dir, "SELECT max(seq) - min(seq) + 1 FROM events"), static_cast<std::int64_t>(kEvents));
  EXPECT_EQ(stored(dir, "SELECT count(*) FROM gaps"), 0);
  EXPECT_EQ(stored(dir, "SELECT count(*) FROM events WHERE principal != 'sensor-a'"), 0);
  // Everything acknowledged: the spool holds no segment any more.
  for (const auto& e : std::filesystem::directory_iterator(dir / "spool")) {
    EXPECT_EQ(e.path().extension(), e.path().extension() == ".nws" ? ".never" : e.path().extension());
  }
}

TEST(Server, RefusesAnUnknownKeyAndLogsIt) {
  TempDir dir;
  Keys keys(dir);
  RunningServer collector(curve_server(dir));
  ASSERT_TRUE(collector.server);
  auto sink = publish::DeliverySink::open(sensor(dir, collector.server->endpoint(), "stranger.key", "spool")).value();
  sink->emit(finding(1));
  const auto drained = sink->drain(std::chrono::milliseconds(1500));
  EXPECT_FALSE(drained.complete);
  EXPECT_EQ(drained.unacked, 1u);
  EXPECT_GT(collector.server->stats().refused, 0u);
  EXPECT_TRUE(collector.logged("not in the allow-list"));
  EXPECT_GT(sink->stats().auth_failures, 0u);
}

TEST(Server, RefusesPlaintextUnlessBothSidesAskForIt) {
  TempDir dir;
  Keys keys(dir);
  ServerOptions no_keys;
  no_keys.listen = "tcp://127.0.0.1:*";
  no_keys.db = dir / "x.db";
  auto refused = Server::open(no_keys);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("plaintext"), std::string::npos);

  RunningServer collector(curve_server(dir));
  ASSERT_TRUE(collector.server);
  auto o = sensor(dir, collector.server->endpoint(), "sensor-a.key", "spool");
  o.publish->plaintext_lab = true;
  auto sink = publish::DeliverySink::open(o).value();
  sink->emit(finding(1));
  EXPECT_FALSE(sink->drain(std::chrono::milliseconds(1500)).complete);
  EXPECT_GT(collector.server->stats().handshake_failures, 0u);
  EXPECT_TRUE(collector.logged("failed the handshake"));
}

TEST(Server, PlaintextLabModeWorksWhenBothSidesAskForIt) {
  TempDir dir;
  ServerOptions o;
  o.listen = "tcp://127.0.0.1:*";
  o.db = dir / "collector.db";
  o.plaintext_lab = true;
  RunningServer collector(o);
  ASSERT_TRUE(collector.server);
  publish::DeliveryOptions s;
  s.sensor_id = "lab";
  s.spool_dir = dir / "spool";
  s.log = [](const std::string&) {};
  s.publish = publish::SenderOptions{};
  s.publish->endpoint = collector.server->endpoint();
  s.publish->plaintext_lab = true;
  auto sink = publish::DeliverySink::open(s).value();
  for (std::uint64_t i = 0; i < 10; ++i) sink->emit(finding(i));
  EXPECT_TRUE(sink->drain(std::chrono::seconds(30)).complete);
  collector.stop = true;
  collector.thread.join();
  EXPECT_EQ(stored(dir, "SELECT count(*) FROM events WHERE principal = 'plaintext'"), 10);
}

TEST(Server, RepublishesStoredEventsOnItsPubSocket) {
  TempDir dir;
  Keys keys(dir);
  auto options = curve_server(dir);
  zmq::context_t ctx(1);  // find a free port for the PUB socket
  zmq::socket_t probe(ctx, zmq::socket_type::pub);
  probe.bind("tcp://127.0.0.1:*");
  const std::string pub_endpoint = probe.get(zmq::sockopt::last_endpoint);
  probe.close();
  options.pub = pub_endpoint;
  RunningServer collector(options);
  ASSERT_TRUE(collector.server);
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::subscribe, "norm_violation ");
  sub.set(zmq::sockopt::rcvtimeo, 10'000);
  sub.connect(pub_endpoint);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the subscription must reach the PUB first
  auto sink = publish::DeliverySink::open(sensor(dir, collector.server->endpoint(), "sensor-a.key", "spool")).value();
  for (std::uint64_t i = 0; i < 5; ++i) sink->emit(finding(i));
  ASSERT_TRUE(sink->drain(std::chrono::seconds(30)).complete);
  for (int i = 0; i < 5; ++i) {
    zmq::message_t topic;
    zmq::message_t line;
    ASSERT_TRUE(sub.recv(topic));
    ASSERT_TRUE(topic.more());
    ASSERT_TRUE(sub.recv(line));
    EXPECT_EQ(topic.to_string(), "norm_violation sensor-a");
    EXPECT_NE(line.to_string().find("\"seq\":"), std::string::npos);
  }
}

TEST(Server, ARestartedCollectorGetsTheRestAndDuplicatesAreDropped) {
  TempDir dir;
  Keys keys(dir);
  auto options = curve_server(dir);
  options.listen = "tcp://127.0.0.1:*";
  auto o = sensor(dir, "", "sensor-a.key", "spool");
  {
    auto first = std::make_unique<RunningServer>(options);
    ASSERT_TRUE(first->server);
    const std::string endpoint = first->server->endpoint();
    o.publish->endpoint = endpoint;
    o.publish->ack_timeout = std::chrono::milliseconds(500);
    auto sink = publish::DeliverySink::open(o).value();
    for (std::uint64_t i = 0; i < 500; ++i) sink->emit(finding(i));
    ASSERT_TRUE(sink->drain(std::chrono::seconds(30)).complete);
    first.reset();  // the collector goes away, port and all
    // Collector down: the sensor keeps spooling.
    for (std::uint64_t i = 500; i < 1000; ++i) sink->emit(finding(i));
    EXPECT_FALSE(sink->drain(std::chrono::milliseconds(300)).complete);
    options.listen = endpoint;  // same port
    RunningServer second(options);
    ASSERT_TRUE(second.server);
    EXPECT_TRUE(sink->drain(std::chrono::seconds(60)).complete);
  }
  EXPECT_EQ(stored(dir, "SELECT count(*) FROM events"), 1000);
  EXPECT_EQ(stored(dir, "SELECT max(seq) - min(seq) + 1 FROM events"), 1000);
}

}  // namespace
}  // namespace normwatch::collector
