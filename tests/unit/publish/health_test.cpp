#include "normwatch/publish/health.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "normwatch/publish/file_digest.hpp"
#include "publish_test_helpers.hpp"

namespace normwatch::publish {
namespace {

using test::RecordingSink;
using test::TempDir;

constexpr std::int64_t kSecond = core::kNsPerSecond;

core::Timestamp at(std::int64_t seconds) { return core::Timestamp::from_seconds(1'700'000'000 + seconds); }

nlohmann::json body(const events::Event& e) { return nlohmann::json::parse(e.body_json); }

struct Fixture {
  HealthSnapshot snapshot;
  RecordingSink sink;
  HealthOptions options;
  Fixture() {
    options.interval_ns = 10 * kSecond;
    options.silence_ns = 30 * kSecond;
    options.binary = "";
    options.clock_source = "capture";
  }
  HealthReporter make() {
    return HealthReporter(options, [this] { return snapshot; }, sink);
  }
  std::size_t count(events::EventKind kind) const {
    std::size_t n = 0;
    for (const auto& e : sink.events) n += e.kind == kind ? 1 : 0;
    return n;
  }
};

TEST(HealthReporter, BeatsOnTheFirstTickAndThenEveryInterval) {
  Fixture f;
  auto reporter = f.make();
  for (std::int64_t s = 0; s <= 35; ++s) {
    f.snapshot.packets += 10;
    reporter.tick(at(s));
  }
  ASSERT_EQ(f.count(events::EventKind::health), 4u);  // 0, 10, 20, 30
  const auto& e = f.sink.events.back();
  EXPECT_EQ(e.ts, at(30));
  EXPECT_EQ(e.severity, events::Severity::info);
  const auto h = body(e)["health"];
  EXPECT_EQ(h["packets"], 310);
  EXPECT_DOUBLE_EQ(h["interval_s"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(h["uptime_s"].get<double>(), 30.0);
  EXPECT_TRUE(h["spool"].is_null());
  EXPECT_EQ(h["clock"]["source"], "capture");
  EXPECT_TRUE(h["hashes"]["binary"].is_null());
  EXPECT_TRUE(h["hashes"]["rule_pack"].is_null());
  EXPECT_TRUE(h["hashes"]["policy"].is_null());
}

TEST(HealthReporter, AJumpInCaptureTimeGivesOneHeartbeatNotABurst) {
  Fixture f;
  auto reporter = f.make();
  reporter.tick(at(0));
  reporter.tick(at(3600));
  reporter.tick(at(3601));
  EXPECT_EQ(f.count(events::EventKind::health), 2u);
}

TEST(HealthReporter, SaysSoOnceWhenNoPacketArrives) {
  Fixture f;
  auto reporter = f.make();
  f.snapshot.packets = 5;
  for (std::int64_t s = 0; s <= 100; ++s) reporter.tick(at(s));
  std::vector<events::Event> sys;
  for (const auto& e : f.sink.events) {
    if (e.rule && e.rule->id == "SYS-01" && e.kind == events::EventKind::anomaly) sys.push_back(e);
  }
  ASSERT_EQ(sys.size(), 1u);
  EXPECT_EQ(sys[0].severity, events::Severity::critical);
  EXPECT_EQ(sys[0].ts, at(30));
  EXPECT_NE(sys[0].message.find("no packets"), std::string::npos);
  // Packets resume, then stop again: a second report.
  f.snapshot.packets = 6;
  reporter.tick(at(101));
  for (std::int64_t s = 102; s <= 140; ++s) reporter.tick(at(s));
  std::size_t total = 0;
  for (const auto& e : f.sink.events) total += (e.rule && e.rule->id == "SYS-01") ? 1 : 0;
  EXPECT_EQ(total, 2u);
}

TEST(HealthReporter, HashesTheConfigurationAndReportsAChange) {
  TempDir dir;
  std::ofstream(dir / "rules.yaml") << "rules: []\n";
  Fixture f;
  f.options.rule_pack = dir / "rules.yaml";
  f.options.policy = dir / "absent.yaml";
  f.options.binary = "/proc/self/exe";
  auto reporter = f.make();
  ASSERT_TRUE(reporter.binary_hash());
  EXPECT_EQ(reporter.binary_hash()->size(), 64u);
  reporter.tick(at(0));
  auto h = body(f.sink.events.back())["health"];
  EXPECT_EQ(h["hashes"]["rule_pack"], sha256_of_path(dir / "rules.yaml").value());
  EXPECT_TRUE(h["hashes"]["policy"].is_null());
  EXPECT_EQ(f.count(events::EventKind::config_change), 0u);
  std::ofstream(dir / "rules.yaml", std::ios::app) << "# changed\n";
  reporter.tick(at(10));
  ASSERT_EQ(f.count(events::EventKind::config_change), 1u);
  const events::Event* change = nullptr;
  for (const auto& e : f.sink.events) {
    if (e.kind == events::EventKind::config_change) change = &e;
  }
  ASSERT_NE(change, nullptr);
  EXPECT_EQ(change->rule->id, "SYS-01");
  const auto c = body(*change)["config_change"];
  EXPECT_EQ(c["what"], "rule_pack");
  EXPECT_EQ(c["new"], sha256_of_path(dir / "rules.yaml").value());
  EXPECT_NE(c["old"], c["new"]);
  h = body(f.sink.events.back())["health"];
  EXPECT_EQ(h["hashes"]["rule_pack"], c["new"]);
  reporter.tick(at(20));
  EXPECT_EQ(f.count(events::EventKind::config_change), 1u);  // only once
}

TEST(HealthReporter, IntervalZeroMeansNoHeartbeats) {
  Fixture f;
  f.options.interval_ns = 0;
  auto reporter = f.make();
  for (std::int64_t s = 0; s < 50; ++s) {
    ++f.snapshot.packets;
    reporter.tick(at(s));
  }
  reporter.finish(at(50));
  EXPECT_TRUE(f.sink.events.empty());
}

TEST(HealthReporter, CarriesTheSpoolDepthWhenThereIsOne) {
  Fixture f;
  DeliveryStats stats;
  stats.spool_unacked = 12;
  stats.spool_bytes = 3400;
  stats.connected = true;
  HealthReporter reporter(f.options, [&f] { return f.snapshot; }, f.sink,
                          [&stats] { return std::optional<DeliveryStats>(stats); });
  reporter.finish(at(1));
  const auto spool = body(f.sink.events.back())["health"]["spool"];
  EXPECT_EQ(spool["unacked"], 12);
  EXPECT_EQ(spool["bytes"], 3400);
  EXPECT_EQ(spool["connected"], true);
}

}  // namespace
}  // namespace normwatch::publish
