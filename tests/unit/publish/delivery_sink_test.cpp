#include "normwatch/publish/delivery_sink.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "normwatch/publish/loss.hpp"
#include "publish_test_helpers.hpp"

namespace normwatch::publish {
namespace {

using test::TempDir;

DeliveryOptions file_only(const TempDir& dir) {
  DeliveryOptions o;
  o.sensor_id = "unit";
  o.events_path = (dir / "events.jsonl").string();
  o.log = [](const std::string&) {};
  return o;
}

TEST(DeliverySink, WritesStampedCanonicalLinesInOrder) {
  TempDir dir;
  {
    auto sink = DeliverySink::open(file_only(dir)).value();
    for (int i = 0; i < 100; ++i) sink->emit(test::finding(1'700'000'000 + i));
    sink->flush();
    EXPECT_EQ(sink->stats().written, 100u);
    EXPECT_EQ(sink->stats().epoch, 0u);  // no spool: deterministic epoch 0
    EXPECT_EQ(sink->stats().last_seq, 100u);
  }
  const auto lines = test::read_lines(dir / "events.jsonl");
  ASSERT_EQ(lines.size(), 100u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    events::Event expected = test::finding(1'700'000'000 + static_cast<std::int64_t>(i));
    expected.sensor = "unit";
    expected.seq = i + 1;
    EXPECT_EQ(lines[i], events::to_json_line(expected));
  }
}

TEST(DeliverySink, ADurableSpoolDirectoryGivesAnEpochAndFreshNumbersEachRun) {
  TempDir dir;
  auto options = file_only(dir);
  options.spool_dir = dir / "spool";
  std::uint64_t first_epoch = 0;
  std::uint64_t first_last = 0;
  {
    auto sink = DeliverySink::open(options).value();
    sink->emit(test::finding());
    sink->flush();
    first_epoch = sink->stats().epoch;
    first_last = sink->stats().last_seq;
    EXPECT_GT(first_epoch, 0u);
    // A second sensor on the same directory is refused.
    auto second = DeliverySink::open(options);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().find("in use"), std::string::npos);
  }
  auto sink = DeliverySink::open(options).value();
  sink->emit(test::finding());
  sink->flush();
  EXPECT_GT(sink->stats().epoch, first_epoch);
  EXPECT_GT(sink->stats().last_seq, first_last);
}

TEST(DeliverySink, RefusesBadConfigurations) {
  TempDir dir;
  auto bad_id = file_only(dir);
  bad_id.sensor_id = "has space";
  EXPECT_FALSE(DeliverySink::open(bad_id));
  auto no_spool = file_only(dir);
  no_spool.publish = SenderOptions{};
  no_spool.publish->plaintext_lab = true;
  no_spool.publish->endpoint = "tcp://127.0.0.1:1";
  EXPECT_FALSE(DeliverySink::open(no_spool));
  auto no_keys = file_only(dir);
  no_keys.spool_dir = dir / "spool";
  no_keys.publish = SenderOptions{};
  no_keys.publish->endpoint = "tcp://127.0.0.1:1";
  auto refused = DeliverySink::open(no_keys);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("plaintext-lab"), std::string::npos);
}

// Nobody listens, so nothing is acknowledged and the spool fills: heartbeats go first, findings
// only at the cap, and every drop is counted in a sequenced loss event.
TEST(DeliverySink, AFullSpoolShedsHeartbeatsFirstAndReportsEveryDrop) {
  TempDir dir;
  auto o = file_only(dir);
  o.spool_dir = dir / "spool";
  o.spool_limits.max_bytes = 8 * 1024;
  o.spool_limits.telemetry_percent = 50;
  o.publish = SenderOptions{};
  o.publish->plaintext_lab = true;
  o.publish->endpoint = "tcp://127.0.0.1:1";
  o.block_when_full = true;
  constexpr int kRounds = 200;
  DeliveryStats stats;
  {
    auto sink = DeliverySink::open(o).value();
    for (int i = 0; i < kRounds; ++i) {
      sink->emit(test::heartbeat(1'700'000'000 + i));
      sink->emit(test::finding(1'700'000'000 + i));
    }
    const DrainResult drained = sink->drain(std::chrono::milliseconds(0));
    EXPECT_FALSE(drained.complete);
    EXPECT_GT(drained.unacked, 0u);
    stats = sink->stats();
  }
  const auto lines = test::read_lines(dir / "events.jsonl");
  std::uint64_t health = 0;
  std::uint64_t findings = 0;
  std::uint64_t dropped_health = 0;
  std::uint64_t dropped_findings = 0;
  std::uint64_t expected_seq = 0;
  std::uint64_t last_health_seq = 0;
  std::uint64_t first_loss_of_finding_seq = 0;
  for (const std::string& line : lines) {
    const auto j = nlohmann::json::parse(line);
    const std::uint64_t seq = j["seq"];
    if (expected_seq != 0) {
      EXPECT_EQ(seq, expected_seq + 1) << "sequence must stay contiguous";
    }
    expected_seq = seq;
    const std::string kind = j["kind"];
    if (kind == "health") {
      ++health;
      last_health_seq = seq;
    } else if (kind == "norm_violation") {
      ++findings;
    } else if (kind == "loss") {
      EXPECT_EQ(j["loss"]["reason"], "spool_full");
      dropped_health += j["loss"]["by_kind"].value("health", 0);
      const std::uint64_t f = j["loss"]["by_kind"].value("norm_violation", 0);
      if (f > 0 && first_loss_of_finding_seq == 0) first_loss_of_finding_seq = seq;
      dropped_findings += f;
      EXPECT_EQ(j["severity"], f > 0 ? "high" : "low");
    }
  }
  EXPECT_EQ(health + dropped_health, static_cast<std::uint64_t>(kRounds));
  EXPECT_EQ(findings + dropped_findings, static_cast<std::uint64_t>(kRounds));
  EXPECT_GT(dropped_health, 0u);
  EXPECT_GT(findings, health);  // heartbeats were shed first
  if (first_loss_of_finding_seq != 0) {
    EXPECT_GT(first_loss_of_finding_seq, last_health_seq);
  }
  EXPECT_EQ(stats.dropped, dropped_health + dropped_findings);
  EXPECT_EQ(stats.spool_unacked, stats.written);
}

TEST(DeliverySink, ANonBlockingQueueDropsAndAccountsWhenFull) {
  TempDir dir;
  auto o = file_only(dir);
  o.queue_capacity = 1;
  o.block_when_full = false;
  constexpr int kEvents = 5000;
  {
    auto sink = DeliverySink::open(o).value();
    for (int i = 0; i < kEvents; ++i) sink->emit(test::finding());
    sink->flush();
  }
  std::uint64_t findings = 0;
  std::uint64_t dropped = 0;
  for (const std::string& line : test::read_lines(dir / "events.jsonl")) {
    const auto j = nlohmann::json::parse(line);
    if (j["kind"] == "loss") {
      EXPECT_EQ(j["loss"]["reason"], "queue_full");
      dropped += j["loss"]["dropped"].get<std::uint64_t>();
    } else {
      ++findings;
    }
  }
  EXPECT_EQ(findings + dropped, static_cast<std::uint64_t>(kEvents));
}

TEST(LossEvent, NamesTheReasonAndCountsByKind) {
  LossCount count;
  count.add(events::EventKind::health, core::Timestamp::from_seconds(10), 3);
  count.add(events::EventKind::norm_violation, core::Timestamp::from_seconds(12));
  const events::Event e = make_loss_event(LossReason::spool_full, count, 9);
  EXPECT_EQ(e.kind, events::EventKind::loss);
  EXPECT_EQ(e.severity, events::Severity::high);
  EXPECT_EQ(e.ts, core::Timestamp::from_seconds(12));
  const auto j = nlohmann::json::parse(e.body_json)["loss"];
  EXPECT_EQ(j["reason"], "spool_full");
  EXPECT_EQ(j["dropped"], 4);
  EXPECT_EQ(j["by_kind"]["health"], 3);
  EXPECT_EQ(j["by_kind"]["norm_violation"], 1);
  EXPECT_EQ(j["total_dropped"], 9);
  EXPECT_EQ(j["first_ts"], "1970-01-01T00:00:10.000000Z");
  LossCount telemetry_only;
  telemetry_only.add(events::EventKind::health, core::Timestamp::from_seconds(1));
  EXPECT_EQ(make_loss_event(LossReason::queue_full, telemetry_only, 1).severity, events::Severity::low);
}

}  // namespace
}  // namespace normwatch::publish
