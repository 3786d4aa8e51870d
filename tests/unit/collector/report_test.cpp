// `normwatch-collector report` (issue 10 §4): gathering counts and coverage from a store, the
// statement rule with and without full coverage, HTML escaping, and redaction.
#include "normwatch/collector/report.hpp"

#include <gtest/gtest.h>

#include "collector_test_helpers.hpp"
#include "normwatch/events/event.hpp"

namespace normwatch::collector {
namespace {

using test::TempDir;

constexpr std::int64_t kT0 = 1'700'000'000;  // 2023-11-14T22:13:20Z

struct Fixture {
  TempDir dir;
  std::unique_ptr<EventStore> store;
  std::uint64_t seq = 0;

  explicit Fixture(bool integrity = true) {
    StoreOptions o;
    o.sync_full = false;
    o.check_integrity = integrity;
    store = EventStore::open(dir / "events.db", o).value();
  }
  void add(events::Event e, std::string sensor = "s1", std::uint64_t epoch = 1) {
    e.sensor = sensor;
    e.epoch = epoch;
    e.seq = ++seq;
    ASSERT_TRUE(store->begin());
    auto r = store->ingest(events::to_json_line(e), "key-" + sensor, 1);
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(*r, LineOutcome::stored);
    ASSERT_TRUE(store->commit());
  }
  // A heartbeat with cumulative counters, every `interval` seconds.
  void heartbeat(std::int64_t at, std::uint64_t packets, std::uint64_t drops = 0, std::uint64_t gap_bytes = 0,
                 std::string sensor = "s1", std::uint64_t epoch = 1, std::string hashes = "") {
    events::Event e;
    e.kind = events::EventKind::health;
    e.severity = events::Severity::info;
    e.ts = core::Timestamp::from_seconds(at);
    e.body_json = "{\"health\":{\"interval_s\":10.000,\"uptime_s\":1,\"packets\":" + std::to_string(packets) +
                  ",\"bytes\":" + std::to_string(packets * 100) + ",\"kernel_drops\":" + std::to_string(drops) +
                  ",\"interface_drops\":0,\"tcp_gaps\":" + std::to_string(gap_bytes > 0 ? 1 : 0) +
                  ",\"tcp_gap_bytes\":" + std::to_string(gap_bytes) +
                  ",\"decode_anomalies\":0,\"parse_anomalies\":2,\"pdus\":" + std::to_string(packets / 2) +
                  ",\"flows\":{\"active\":1,\"total\":3,\"evicted\":0},\"clock\":{\"source\":\"capture\"}" +
                  (hashes.empty() ? "" : ",\"hashes\":" + hashes) + "}}";
    add(std::move(e), std::move(sensor), epoch);
  }
  void finding(std::int64_t at, events::EventKind kind, events::Severity sev, std::string rule,
               std::vector<std::string> norms, std::string szone = "L2-scada", std::string dzone = "L1-field") {
    events::Event e;
    e.kind = kind;
    e.severity = sev;
    e.ts = core::Timestamp::from_seconds(at);
    e.rule = events::RuleRef{rule, 1, "Rule " + rule, sev, {"T0855"}, std::move(norms)};
    e.source = events::Endpoint{core::IpAddress::parse("10.10.2.66").value(), 51000};
    e.destination = events::Endpoint{core::IpAddress::parse("10.10.1.20").value(), 502};
    e.transport = "tcp";
    e.protocol = "modbus";
    e.source_zone = std::move(szone);
    e.destination_zone = std::move(dzone);
    e.pdu_json = "{\"fc\":6,\"addr\":4711,\"value\":31337,\"unit\":1}";
    e.message = rule + " write 31337 to register 4711, 10.10.2.66:51000 -> 10.10.1.20:502";
    add(std::move(e));
  }
  // Heartbeats every 10 s over [kT0, kT0 + 300], 100 packets each (the one at T1 is the
  // successor that closes the period's last interval).
  void covered_period() {
    for (int i = 0; i <= 30; ++i) heartbeat(kT0 + 10 * i, 100u * (i + 1));
  }
  ReportData gather(bool redact = false, std::int64_t from = kT0, std::int64_t to = kT0 + 300) {
    ReportOptions o;
    o.from = std::to_string(from);
    o.to = std::to_string(to);
    o.redact = redact;
    o.db_label = "events.db";
    auto d = gather_report(*store, o);
    EXPECT_TRUE(d) << (d ? "" : d.error());
    return d ? std::move(*d) : ReportData{};
  }
};

std::uint64_t count_of(const std::vector<CountRow>& rows, const std::string& key) {
  for (const CountRow& r : rows) {
    if (r.key == key) return r.total;
  }
  return 0;
}

TEST(Report, CountsEventsByKindSeverityNormRuleAndZone) {
  Fixture f;
  f.covered_period();
  f.finding(kT0 + 5, events::EventKind::norm_violation, events::Severity::critical, "MB-01", {"f"});
  f.finding(kT0 + 6, events::EventKind::segmentation, events::Severity::high, "SG-01", {"g"});
  f.finding(kT0 + 7, events::EventKind::segmentation, events::Severity::high, "SG-01", {"g"});
  f.finding(kT0 + 8, events::EventKind::norm_violation, events::Severity::medium, "MB-06", {"f", "P1"});
  f.finding(kT0 + 400, events::EventKind::norm_violation, events::Severity::critical, "MB-01", {"f"});  // after
  const ReportData d = f.gather();
  EXPECT_EQ(d.events, 30u + 4u);  // the heartbeat at T1 is outside: the end is exclusive
  EXPECT_EQ(d.findings, 4u);
  EXPECT_EQ(count_of(d.by_kind, "health"), 30u);
  EXPECT_EQ(count_of(d.by_kind, "segmentation"), 2u);
  EXPECT_EQ(count_of(d.by_severity, "high"), 2u);
  EXPECT_EQ(count_of(d.by_norm, "f"), 2u);
  EXPECT_EQ(count_of(d.by_norm, "g"), 2u);
  EXPECT_EQ(count_of(d.by_norm, "P1"), 1u);
  EXPECT_EQ(count_of(d.by_rule, "SG-01"), 2u);
  EXPECT_EQ(count_of(d.by_zone, "L2-scada \xE2\x86\x92 L1-field"), 4u);
  const ZoneCell cell = d.matrix.at({"L2-scada", "L1-field"});
  EXPECT_EQ(cell.events, 4u);
  EXPECT_EQ(cell.violations, 2u);
  ASSERT_EQ(d.listed.size(), 4u);
  EXPECT_EQ(d.listed[0].severity, "critical");  // most severe first
  EXPECT_EQ(d.listed[0].function, "fc 6");
  std::uint64_t drawn = 0;
  for (const auto& bucket : d.timeline) {
    for (std::uint64_t c : bucket) drawn += c;
  }
  EXPECT_EQ(drawn, 4u);  // heartbeats are not drawn
}

TEST(Report, CoverageComesFromTheHeartbeatsOfThePeriod) {
  Fixture f;
  f.heartbeat(kT0 - 10, 1000);  // before the period: the baseline of epoch 1
  f.covered_period();
  const ReportData d = f.gather();
  ASSERT_EQ(d.sensors.size(), 1u);
  const SensorCoverage& s = d.sensors[0];
  EXPECT_EQ(s.heartbeats, 30u);
  EXPECT_DOUBLE_EQ(s.interval_s, 10.0);
  EXPECT_NEAR(s.covered_s, 300.0, 1e-6);
  EXPECT_NEAR(s.longest_silence_s, 10.0, 1e-6);
  EXPECT_EQ(s.clock_source, "capture");
  // The last heartbeat of the period (3000) minus the baseline (1000).
  EXPECT_EQ(s.packets, 2000u);
}

TEST(Report, FullCoverageSupportsStatementsAboutClassesThatDidNotOccur) {
  Fixture f;
  f.covered_period();
  f.finding(kT0 + 5, events::EventKind::norm_violation, events::Severity::medium, "MB-06", {"f"});
  const ReportData d = f.gather();
  ASSERT_EQ(d.statements.size(), 1u);
  const ReportStatement& st = d.statements[0];
  EXPECT_TRUE(st.made) << d.sensors[0].reasons.size();
  EXPECT_TRUE(d.sensors[0].reasons.empty());
  const auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  EXPECT_TRUE(has(st.absent, "kind:segmentation"));
  EXPECT_TRUE(has(st.absent, "severity:high+"));
  EXPECT_TRUE(has(st.absent, "norm:g"));
  EXPECT_FALSE(has(st.absent, "norm:f"));  // it occurred: never claimed absent
  EXPECT_TRUE(has(st.present, "norm:f"));
  EXPECT_TRUE(has(st.present, "kind:norm_violation"));
  EXPECT_NE(st.text.find("From 2023-11-14T22:13:20"), std::string::npos);
}

TEST(Report, NoSegmentationStatementFromASensorWithoutPolicyAndNoneAtAllWithoutRules) {
  const auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  {
    Fixture f;
    for (int i = 0; i <= 30; ++i) {
      f.heartbeat(kT0 + 10 * i, 100u * (i + 1), 0, 0, "s1", 1, R"({"binary":"ab","rule_pack":"cd","policy":null})");
    }
    const ReportData d = f.gather();
    ASSERT_EQ(d.statements.size(), 1u);
    const ReportStatement& st = d.statements[0];
    EXPECT_TRUE(st.made);
    EXPECT_FALSE(has(st.absent, "kind:segmentation"));
    EXPECT_FALSE(has(st.absent, "norm:g"));
    EXPECT_TRUE(has(st.unjudged, "kind:segmentation"));
    EXPECT_TRUE(has(st.absent, "kind:norm_violation"));
    EXPECT_NE(st.text.find("without a site policy"), std::string::npos);
  }
  {
    Fixture f;
    for (int i = 0; i <= 30; ++i) {
      f.heartbeat(kT0 + 10 * i, 100u * (i + 1), 0, 0, "s1", 1, R"({"binary":"ab","rule_pack":null,"policy":null})");
    }
    const ReportData d = f.gather();
    ASSERT_EQ(d.statements.size(), 1u);
    EXPECT_TRUE(d.statements[0].absent.empty());
    EXPECT_EQ(d.statements[0].unjudged.size(), statement_classes().size());
  }
}

TEST(Report, NoStatementWithoutHeartbeatsOrWithALongSilence) {
  {
    Fixture f;
    f.finding(kT0 + 5, events::EventKind::norm_violation, events::Severity::medium, "MB-06", {"f"});
    const ReportData d = f.gather();
    ASSERT_EQ(d.statements.size(), 1u);
    EXPECT_FALSE(d.statements[0].made);
    ASSERT_FALSE(d.sensors[0].reasons.empty());
    EXPECT_NE(d.sensors[0].reasons[0].find("no heartbeat was received"), std::string::npos);
  }
  {
    Fixture f;
    for (int i = 0; i <= 30; ++i) {
      if (i < 10 || i > 14) f.heartbeat(kT0 + 10 * i, 100u * (i + 1));  // 60 s of silence
    }
    const ReportData d = f.gather();
    EXPECT_FALSE(d.statements[0].made);
    EXPECT_NEAR(d.sensors[0].longest_silence_s, 60.0, 1e-6);
    EXPECT_NE(d.sensors[0].reasons[0].find("no heartbeat for 60.0 s"), std::string::npos);
    EXPECT_NEAR(d.sensors[0].covered_s, 240.0, 1e-6);
  }
  {
    Fixture f;
    for (int i = 0; i <= 20; ++i) f.heartbeat(kT0 + 10 * i, 100u * (i + 1));  // stops 100 s early
    EXPECT_FALSE(f.gather().statements[0].made);
  }
}

TEST(Report, NoStatementWithDropsTcpGapsSequenceGapsOrConfigChanges) {
  const auto reasons_of = [](Fixture& f) {
    const ReportData d = f.gather();
    EXPECT_FALSE(d.statements.at(0).made);
    std::string all;
    for (const std::string& r : d.sensors.at(0).reasons) all += r + "\n";
    return all;
  };
  {
    Fixture f;
    for (int i = 0; i <= 30; ++i) f.heartbeat(kT0 + 10 * i, 100u * (i + 1), 10u * i);
    EXPECT_NE(reasons_of(f).find("capture drops 290 of 3290"), std::string::npos);
  }
  {
    Fixture f;
    for (int i = 0; i <= 30; ++i) f.heartbeat(kT0 + 10 * i, 100u * (i + 1), 0, 1000u * i);
    EXPECT_NE(reasons_of(f).find("TCP bytes never seen: 29000"), std::string::npos);
  }
  {
    Fixture f;
    f.covered_period();
    f.seq += 5;  // five events never arrive
    f.finding(kT0 + 5, events::EventKind::norm_violation, events::Severity::medium, "MB-06", {"f"});
    EXPECT_NE(reasons_of(f).find("5 event(s) the sensor stamped never reached the collector"), std::string::npos);
  }
  {
    Fixture f;
    f.covered_period();
    events::Event e;
    e.kind = events::EventKind::config_change;
    e.severity = events::Severity::high;
    e.ts = core::Timestamp::from_seconds(kT0 + 50);
    e.rule = events::RuleRef{"SYS-01", 1, "Sensor health", events::Severity::critical, {}, {"k"}};
    f.add(std::move(e));
    EXPECT_NE(reasons_of(f).find("rule pack or policy changed 1 time"), std::string::npos);
  }
}

TEST(Report, IntegrityMarksOfThePeriodPreventStatements) {
  Fixture f(/*integrity=*/true);
  f.covered_period();
  // Unchained events from a sensor whose chain the collector checks: marked as it stores them.
  const ReportData d = f.gather();
  const SensorCoverage& s = d.sensors.at(0);
  std::uint64_t marks = 0;
  for (const auto& [status, n] : s.integrity) marks += n;
  if (marks == 0) {
    ASSERT_TRUE(f.store->database().exec(
        "INSERT INTO integrity(sensor, epoch, seq, status, prev_seq, detail, detected_ns) "
        "VALUES ('s1', 1, 3, 'broken_link', 2, 'test', 0)"));
  }
  const ReportData again = f.gather();
  EXPECT_FALSE(again.statements.at(0).made);
  bool named = false;
  for (const std::string& r : again.sensors.at(0).reasons) named |= r.find("integrity mark") != std::string::npos;
  EXPECT_TRUE(named);
}

TEST(Report, NoStatementWhenTheStoreNeverCheckedTheChain) {
  Fixture f(/*integrity=*/false);
  f.covered_period();
  const ReportData d = f.gather();
  EXPECT_FALSE(d.statements.at(0).made);
  EXPECT_NE(d.sensors.at(0).reasons.at(0).find("no check of the evidence chain"), std::string::npos);
}

TEST(Report, HtmlEscapesEverythingFromEvents) {
  EXPECT_EQ(html_escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  Fixture f;
  f.covered_period();
  f.finding(kT0 + 5, events::EventKind::segmentation, events::Severity::high, "<img src=x onerror=alert(1)>", {"g"},
            "<b>zone</b>", "L1-field");
  const std::string html = render_report_html(f.gather());
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("<b>zone</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;zone&lt;/b&gt;"), std::string::npos);
}

TEST(Report, PageIsSelfContainedAndDeterministic) {
  Fixture f;
  f.covered_period();
  f.finding(kT0 + 5, events::EventKind::segmentation, events::Severity::high, "SG-01", {"g"});
  const std::string a = render_report_html(f.gather());
  const std::string b = render_report_html(f.gather());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.find("http://"), a.find("http://www.w3.org/2000/svg"));  // only the SVG namespace
  EXPECT_EQ(a.find("https://"), std::string::npos);
  EXPECT_EQ(a.find("src=\""), std::string::npos);
  EXPECT_EQ(a.find("<link"), std::string::npos);
  EXPECT_NE(a.find("<svg"), std::string::npos);
  EXPECT_NE(a.find("id=\"total-events\">31<"), std::string::npos);
  EXPECT_NE(a.find("window.onerror"), std::string::npos);
}

TEST(Report, RedactionRemovesValuesAddressesAndMessages) {
  Fixture f;
  f.covered_period();
  f.finding(kT0 + 5, events::EventKind::norm_violation, events::Severity::critical, "MB-05", {"f"});
  const std::string plain = render_report_html(f.gather(false));
  EXPECT_NE(plain.find("10.10.2.66"), std::string::npos);
  EXPECT_NE(plain.find("31337"), std::string::npos);
  const ReportData d = f.gather(true);
  const std::string redacted = render_report_html(d);
  for (const char* secret : {"10.10.2.66", "10.10.1.20", "31337", "4711", "51000", "write 31337"}) {
    EXPECT_EQ(redacted.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(redacted.find("L2-scada"), std::string::npos);  // zone names stay
  EXPECT_NE(redacted.find("fc 6"), std::string::npos);      // and the function class
  EXPECT_NE(redacted.find("data-redacted=\"1\""), std::string::npos);
}

TEST(Report, BadPeriodIsABadTimeError) {
  Fixture f;
  ReportOptions o;
  o.from = "2024-02-01T00:00:00Z";
  o.to = "2024-01-01T00:00:00Z";
  auto d = gather_report(*f.store, o);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().rfind("bad time", 0), 0u);
  o.from = "yesterday";
  EXPECT_FALSE(gather_report(*f.store, o));
}

TEST(Report, TheEndOfThePeriodIsExclusiveAlsoForFractionsOfItsLastSecond) {
  Fixture f;
  f.covered_period();
  events::Event e;
  e.kind = events::EventKind::anomaly;
  e.severity = events::Severity::low;
  e.ts = core::Timestamp::from_seconds(kT0 + 300, 203'800'000);  // 22:18:20.203800Z
  f.add(std::move(e));
  ReportOptions o;
  o.from = "2023-11-14T22:13:20Z";
  o.to = "2023-11-14T22:18:20Z";  // as text, "...20Z" sorts after "...20.203800Z"
  const ReportData d = gather_report(*f.store, o).value();
  EXPECT_EQ(d.to, "2023-11-14T22:18:20.000000Z");
  EXPECT_EQ(d.findings, 0u);
  EXPECT_EQ(d.events, 30u);
}

TEST(Report, TimeParsingAcceptsStoredTimesAndPrefixes) {
  EXPECT_EQ(report_time_ns("2023-11-14T22:13:20.000412Z"), kT0 * core::kNsPerSecond + 412'000);
  EXPECT_EQ(report_time_ns("2023-11-14T22:13:20Z"), kT0 * core::kNsPerSecond);
  EXPECT_EQ(report_time_ns("2023-11-14"), (kT0 - 22 * 3600 - 13 * 60 - 20) * core::kNsPerSecond);
  EXPECT_EQ(report_time_ns("garbage"), -1);
}

TEST(Report, FindingsListIsCappedButCountsStayComplete) {
  Fixture f;
  f.covered_period();
  for (int i = 0; i < 30; ++i) {
    f.finding(kT0 + 1 + i, events::EventKind::norm_violation, i == 17 ? events::Severity::critical : events::Severity::low,
              "MB-06", {"f"});
  }
  ReportOptions o;
  o.from = std::to_string(kT0);
  o.to = std::to_string(kT0 + 300);
  o.max_listed_findings = 4;
  const ReportData d = gather_report(*f.store, o).value();
  EXPECT_EQ(d.listed.size(), 4u);
  EXPECT_EQ(d.findings_not_listed, 26u);
  EXPECT_EQ(d.listed[0].severity, "critical");
  EXPECT_EQ(count_of(d.by_rule, "MB-06"), 30u);
}

}  // namespace
}  // namespace normwatch::collector
