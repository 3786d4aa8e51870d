#include "normwatch/collector/event_store.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "collector_test_helpers.hpp"
#include "normwatch/collector/query.hpp"

namespace normwatch::collector {
namespace {

using test::event_line;
using test::LineSpec;
using test::TempDir;

std::unique_ptr<EventStore> open_store(const TempDir& dir, StoreOptions options = {}) {
  auto store = EventStore::open(dir / "events.db", options);
  EXPECT_TRUE(store) << (store ? "" : store.error());
  return std::move(*store);
}

LineOutcome ingest(EventStore& store, const std::string& line, std::string* reason = nullptr) {
  auto r = store.ingest(line, "key-s1", 1000, reason);
  EXPECT_TRUE(r) << (r ? "" : r.error());
  return *r;
}

std::int64_t count(EventStore& store, const std::string& sql) { return store.database().scalar(sql).value_or(-1); }

TEST(EventStore, StoresOnceAndDropsDuplicates) {
  TempDir dir;
  auto store = open_store(dir);
  const std::string line = event_line(LineSpec());
  EXPECT_EQ(ingest(*store, line), LineOutcome::stored);
  EXPECT_EQ(ingest(*store, line), LineOutcome::duplicate);
  ASSERT_TRUE(store->commit());
  EXPECT_EQ(ingest(*store, line), LineOutcome::duplicate);  // also across transactions
  ASSERT_TRUE(store->commit());
  EXPECT_EQ(count(*store, "SELECT count(*) FROM events"), 1);
  EXPECT_EQ(count(*store, "SELECT duplicates FROM sensors WHERE sensor = 's1'"), 2);
  EXPECT_EQ(count(*store, "SELECT events FROM sensors WHERE sensor = 's1'"), 1);
  auto stmt = store->database().prepare("SELECT line, principal FROM events").value();
  ASSERT_TRUE(stmt.step().value());
  EXPECT_EQ(stmt.column_text(0), line);  // byte for byte
  EXPECT_EQ(stmt.column_text(1), "key-s1");
}

TEST(EventStore, ABatchMixesStoredDuplicateAndRejectedLines) {
  TempDir dir;
  auto store = open_store(dir);
  ingest(*store, event_line(LineSpec().with_seq(2)));
  std::vector<std::string> owned;
  for (std::uint64_t s = 1; s <= 70; ++s) owned.push_back(event_line(LineSpec().with_seq(s)));  // > 2 statements
  owned.push_back(event_line(LineSpec().with_seq(5)));  // the same key twice in one batch
  owned.push_back("garbage");
  owned.push_back(event_line(LineSpec().with_sensor("s2").with_seq(5)));
  const std::vector<std::string_view> lines(owned.begin(), owned.end());
  std::vector<LineResult> results;
  ASSERT_TRUE(store->ingest_batch(lines, "k", 1, results));
  ASSERT_EQ(results.size(), lines.size());
  for (std::size_t i = 0; i < 70; ++i) {
    EXPECT_EQ(results[i].outcome, i == 1 ? LineOutcome::duplicate : LineOutcome::stored) << i;
  }
  EXPECT_EQ(results[70].outcome, LineOutcome::duplicate);
  EXPECT_EQ(results[71].outcome, LineOutcome::rejected);
  EXPECT_EQ(results[71].reason, "event.bad_json");
  EXPECT_EQ(results[72].outcome, LineOutcome::stored);
  EXPECT_EQ(results[72].header.sensor, "s2");
  ASSERT_TRUE(store->commit());
  EXPECT_EQ(count(*store, "SELECT count(*) FROM events"), 71);
  EXPECT_EQ(count(*store, "SELECT events FROM epochs WHERE sensor = 's1'"), 70);
  EXPECT_EQ(count(*store, "SELECT duplicates FROM epochs WHERE sensor = 's1'"), 2);
  EXPECT_EQ(count(*store, "SELECT count(*) FROM gaps"), 0);
}

TEST(EventStore, SameSeqInAnotherEpochOrSensorIsANewEvent) {
  TempDir dir;
  auto store = open_store(dir);
  EXPECT_EQ(ingest(*store, event_line(LineSpec().with_epoch(1).with_seq(5))), LineOutcome::stored);
  EXPECT_EQ(ingest(*store, event_line(LineSpec().with_epoch(2).with_seq(5))), LineOutcome::stored);
  EXPECT_EQ(ingest(*store, event_line(LineSpec().with_sensor("s2").with_epoch(1).with_seq(5))), LineOutcome::stored);
  ASSERT_TRUE(store->commit());
  EXPECT_EQ(count(*store, "SELECT count(*) FROM events"), 3);
}

TEST(EventStore, RecordsGapsAndFillsThemAcrossRestarts) {
  TempDir dir;
  {
    auto store = open_store(dir);
    for (std::uint64_t s : {1U, 2U, 3U, 7U, 8U}) ingest(*store, event_line(LineSpec().with_seq(s)));
    ASSERT_TRUE(store->commit());
    EXPECT_EQ(count(*store, "SELECT count(*) FROM gaps"), 1);
    EXPECT_EQ(count(*store, "SELECT first_missing FROM gaps"), 4);
    EXPECT_EQ(count(*store, "SELECT last_missing FROM gaps"), 6);
  }
  auto store = open_store(dir);
  ingest(*store, event_line(LineSpec().with_seq(5)));
  ASSERT_TRUE(store->commit());
  EXPECT_EQ(count(*store, "SELECT count(*) FROM gaps"), 2);
  ingest(*store, event_line(LineSpec().with_seq(4)));
  ingest(*store, event_line(LineSpec().with_seq(6)));
  ASSERT_TRUE(store->commit());
  EXPECT_EQ(count(*store, "SELECT count(*) FROM gaps"), 0);
  EXPECT_EQ(count(*store, "SELECT first_seq FROM epochs"), 1);
  EXPECT_EQ(count(*store, "SELECT last_seq FROM epochs"), 8);
  EXPECT_EQ(count(*store, "SELECT events FROM epochs"), 8);
}

TEST(EventStore, QuarantinesInvalidLinesInsteadOfStoringThem) {
  TempDir dir;
  auto store = open_store(dir);
  std::string reason;
  EXPECT_EQ(ingest(*store, "not json", &reason), LineOutcome::rejected);
  EXPECT_EQ(reason, "event.bad_json");
  EXPECT_EQ(ingest(*store, R"({"schema":"normwatch.event/1"})", &reason), LineOutcome::rejected);
  ASSERT_TRUE(store->commit());
  EXPECT_EQ(count(*store, "SELECT count(*) FROM events"), 0);
  EXPECT_EQ(count(*store, "SELECT count(*) FROM rejected"), 2);
}

TEST(EventStore, CanRequireTheSensorIdToMatchTheKeyName) {
  TempDir dir;
  StoreOptions options;
  options.require_sensor_matches_key = true;
  auto store = open_store(dir, options);
  std::string reason;
  auto r = store->ingest(event_line(LineSpec().with_sensor("s1")), "s2", 1, &reason);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, LineOutcome::rejected);
  EXPECT_EQ(reason, "event.sensor_not_key_name");
  EXPECT_EQ(*store->ingest(event_line(LineSpec().with_sensor("s2")), "s2", 1, &reason), LineOutcome::stored);
}

TEST(EventStore, RollbackForgetsTheTransaction) {
  TempDir dir;
  auto store = open_store(dir);
  ingest(*store, event_line(LineSpec().with_seq(1)));
  ASSERT_TRUE(store->commit());
  ingest(*store, event_line(LineSpec().with_seq(2)));
  store->rollback();
  EXPECT_EQ(count(*store, "SELECT count(*) FROM events"), 1);
  EXPECT_EQ(ingest(*store, event_line(LineSpec().with_seq(2))), LineOutcome::stored);  // re-sent later
  ASSERT_TRUE(store->commit());
  EXPECT_EQ(count(*store, "SELECT events FROM epochs"), 2);
}

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_store(dir_);
    ingest(*store_, event_line(LineSpec().with_seq(1).at(1'700'000'000).with_rule("MB-01").with_zones("it", "plc")));
    ingest(*store_, event_line(LineSpec().with_seq(2).at(1'700'000'100).with_severity("critical").with_rule("SG-02")));
    ingest(*store_, event_line(LineSpec()
                                   .with_sensor("s2")
                                   .with_seq(1)
                                   .at(1'700'000'200)
                                   .with_kind("health")
                                   .with_severity("info")
                                   .with_rule("")
                                   .with_body(R"({"health":{"packets":9,"interval_s":10}})")));
    ingest(*store_, event_line(
                        LineSpec().with_seq(3).at(1'700'000'300).with_severity("low").with_rule("MB-01").with_zones("", "it")));
    ASSERT_TRUE(store_->commit());
  }
  std::vector<std::string> lines(const QueryFilter& filter) {
    const std::string text = test::capture([&](std::FILE* f) { ASSERT_TRUE(print_events(*store_, filter, true, f)); });
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
      const auto nl = text.find('\n', start);
      out.push_back(text.substr(start, nl - start));
      start = nl + 1;
    }
    return out;
  }
  TempDir dir_;
  std::unique_ptr<EventStore> store_;
};

TEST_F(QueryTest, FiltersCombine) {
  EXPECT_EQ(lines(QueryFilter()).size(), 4u);
  EXPECT_EQ(lines([] { QueryFilter f; f.sensor = "s2"; return f; }()).size(), 1u);
  EXPECT_EQ(lines([] { QueryFilter f; f.rule = "MB-01"; return f; }()).size(), 2u);
  EXPECT_EQ(lines([] { QueryFilter f; f.severity = "critical"; return f; }()).size(), 1u);
  EXPECT_EQ(lines([] { QueryFilter f; f.severity = "high+"; return f; }()).size(), 2u);
  EXPECT_EQ(lines([] { QueryFilter f; f.kind = "health"; return f; }()).size(), 1u);
  EXPECT_EQ(lines([] { QueryFilter f; f.from = "1700000100"; return f; }()).size(), 3u);
  EXPECT_EQ(lines([] { QueryFilter f; f.from = "1700000100"; f.to = "1700000300"; return f; }()).size(), 2u);
  EXPECT_EQ(lines([] { QueryFilter f; f.to = "2023-11-14T22:15"; return f; }()).size(), 1u);  // --to is exclusive
  EXPECT_EQ(lines([] { QueryFilter f; f.zone = "it"; return f; }()).size(), 2u);
  EXPECT_EQ(lines([] { QueryFilter f; f.sensor = "s1"; f.rule = "MB-01"; f.zone = "plc"; return f; }()).size(), 1u);
  EXPECT_EQ(lines([] { QueryFilter f; f.limit = 3; return f; }()).size(), 3u);
}

TEST_F(QueryTest, JsonOutputIsTheStoredLinesInArrivalOrder) {
  const auto out = lines(QueryFilter());
  EXPECT_EQ(out[0], event_line(LineSpec().with_seq(1).at(1'700'000'000).with_rule("MB-01").with_zones("it", "plc")));
  EXPECT_EQ(nlohmann::json::parse(out[2])["sensor"], "s2");
}

TEST_F(QueryTest, TableAndErrors) {
  const std::string table = test::capture([&](std::FILE* f) { ASSERT_TRUE(print_events(*store_, QueryFilter(), false, f)); });
  EXPECT_NE(table.find("SEVERITY"), std::string::npos);
  EXPECT_NE(table.find("it>plc"), std::string::npos);
  EXPECT_NE(table.find("message 2"), std::string::npos);
  std::FILE* f = std::tmpfile();
  EXPECT_FALSE(print_events(*store_, [] { QueryFilter q; q.severity = "urgent"; return q; }(), true, f));
  EXPECT_FALSE(print_events(*store_, [] { QueryFilter q; q.kind = "gossip"; return q; }(), true, f));
  EXPECT_FALSE(print_events(*store_, [] { QueryFilter q; q.from = "last tuesday"; return q; }(), true, f));
  std::fclose(f);
}

TEST_F(QueryTest, SensorsReportShowsHeartbeatsAndGaps) {
  ingest(*store_, event_line(LineSpec().with_seq(9)));  // 4..8 missing
  ASSERT_TRUE(store_->commit());
  const std::string json = test::capture([&](std::FILE* f) { ASSERT_TRUE(print_sensors(*store_, true, f, 0)); });
  const auto nl = json.find('\n');
  const auto s1 = nlohmann::json::parse(json.substr(0, nl));
  const auto s2 = nlohmann::json::parse(json.substr(nl + 1));
  EXPECT_EQ(s1["sensor"], "s1");
  EXPECT_EQ(s1["events"], 4);
  EXPECT_EQ(s1["missing"], 5);
  EXPECT_EQ(s1["epochs"][0]["gaps"][0][0], 4);
  EXPECT_EQ(s1["epochs"][0]["gaps"][0][1], 8);
  EXPECT_TRUE(s1["last_heartbeat"].is_null());
  EXPECT_EQ(s2["heartbeats"], 1);
  EXPECT_EQ(s2["health"]["packets"], 9);
  EXPECT_EQ(s2["last_heartbeat"], "2023-11-14T22:16:40.000000Z");
  const std::string text = test::capture([&](std::FILE* f) { ASSERT_TRUE(print_sensors(*store_, false, f, 0)); });
  EXPECT_NE(text.find("gap: seq 4..8 (5 missing)"), std::string::npos) << text;
}

TEST(NormaliseTime, AcceptsSecondsAndRfc3339Prefixes) {
  EXPECT_EQ(normalise_time("1700000000").value(), "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ(normalise_time("2024-01-31").value(), "2024-01-31");
  EXPECT_EQ(normalise_time("2024-01-31T12:00:00Z").value(), "2024-01-31T12:00:00.000000Z");
  EXPECT_EQ(normalise_time("2024-01-31T12:00:09.2Z").value(), "2024-01-31T12:00:09.200000Z");
  EXPECT_EQ(normalise_time("2024-01-31T12:00:09.123456789Z").value(), "2024-01-31T12:00:09.123456Z");
  EXPECT_FALSE(normalise_time("2024-01-31T12:00:09.1.2Z"));
  EXPECT_FALSE(normalise_time("31/01/2024"));
  EXPECT_FALSE(normalise_time("2024-01-31 12:00"));
}

}  // namespace
}  // namespace normwatch::collector
