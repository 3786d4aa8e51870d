#include "normwatch/events/event_header.hpp"

#include <gtest/gtest.h>

namespace normwatch::events {
namespace {

Event sample() {
  Event e;
  e.sensor = "plant-a.s1";
  e.epoch = 1'700'000'123;
  e.seq = 42;
  e.ts = core::Timestamp::from_seconds(1'700'000'000, 412'000);
  e.kind = EventKind::segmentation;
  e.severity = Severity::critical;
  e.rule = RuleRef{"SG-01", 1, "no conduit \"quoted\"", Severity::high, {"T0886"}, {"P2"}};
  e.source_zone = "it";
  e.destination_zone = "level1";
  e.pdu_json = R"({"nested":{"deep":[1,2,{"x":null}]},"text":"caf\u00e9 \ud83d\ude00"})";
  e.message = "multi\nline";
  return e;
}

TEST(EventHeader, ReadsBackWhatToJsonLineWrote) {
  const auto h = parse_event_header(to_json_line(sample()));
  ASSERT_TRUE(h) << h.error();
  EXPECT_EQ(h->sensor, "plant-a.s1");
  EXPECT_EQ(h->epoch, 1'700'000'123u);
  EXPECT_EQ(h->seq, 42u);
  EXPECT_EQ(h->ts, "2023-11-14T22:13:20.000412Z");
  EXPECT_EQ(h->kind, EventKind::segmentation);
  EXPECT_EQ(h->severity, Severity::critical);
  EXPECT_EQ(h->rule_id, "SG-01");
  EXPECT_EQ(h->source_zone, "it");
  EXPECT_EQ(h->destination_zone, "level1");
}

TEST(EventHeader, OptionalPartsMayBeAbsent) {
  Event e;
  e.sensor = "s";
  e.kind = EventKind::health;
  e.severity = Severity::info;
  const auto h = parse_event_header(to_json_line(e));
  ASSERT_TRUE(h) << h.error();
  EXPECT_TRUE(h->rule_id.empty());
  EXPECT_TRUE(h->source_zone.empty());
}

std::string reason(std::string_view line) {
  const auto h = parse_event_header(line);
  return h ? "ok" : h.error();
}

TEST(EventHeader, NamesWhatIsWrong) {
  const std::string good = to_json_line(sample());
  auto with = [&good](const std::string& from, const std::string& to) {
    std::string s = good;
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  EXPECT_EQ(reason(good), "ok");
  EXPECT_EQ(reason(" \n" + good + " "), "ok");
  EXPECT_EQ(reason(""), "event.bad_json");
  EXPECT_EQ(reason("[]"), "event.bad_json");
  EXPECT_EQ(reason(good + "x"), "event.bad_json");
  EXPECT_EQ(reason(good.substr(0, good.size() - 1)), "event.bad_json");
  EXPECT_EQ(reason(with("normwatch.event/1", "normwatch.event/2")), "event.bad_schema");
  EXPECT_EQ(reason(with("\"sensor\":\"plant-a.s1\"", "\"sensor\":\"bad id\"")), "event.bad_sensor");
  EXPECT_EQ(reason(with("\"seq\":42", "\"seq\":-42")), "event.bad_sequence");
  EXPECT_EQ(reason(with("\"seq\":42", "\"seq\":42.5")), "event.bad_sequence");
  EXPECT_EQ(reason(with("\"seq\":42", "\"seq\":\"42\"")), "event.bad_sequence");
  EXPECT_EQ(reason(with("\"seq\":42", "\"seq\":99999999999999999999")), "event.bad_sequence");
  EXPECT_EQ(reason(with("\"seq\":42", "\"seq\":43")), "event.bad_id");
  EXPECT_EQ(reason(with("2023-11-14T22:13:20.000412Z", "yesterday")), "event.bad_ts");
  EXPECT_EQ(reason(with("\"kind\":\"segmentation\"", "\"kind\":\"gossip\"")), "event.bad_kind");
  EXPECT_EQ(reason(with("\"severity\":\"critical\"", "\"severity\":\"C\"")), "event.bad_severity");
  EXPECT_EQ(reason(with("\"zones\":{", "\"zones\":[{")), "event.bad_json");
  EXPECT_EQ(reason(with("\"seq\":42", "\"seq\":42,\"seq\":42")), "event.bad_json");  // duplicate
}

TEST(EventHeader, TheScannerIsStrictJson) {
  const std::string good = to_json_line(sample());
  const std::string tail = good.substr(1);  // without the opening brace
  auto prefixed = [&tail](const std::string& member) { return "{" + member + "," + tail; };
  EXPECT_EQ(reason(prefixed(R"("x":[1,2,3])")), "ok");
  EXPECT_EQ(reason(prefixed(R"("x":-0.5e+3)")), "ok");
  EXPECT_EQ(reason(prefixed(R"("x":true)")), "ok");
  for (const char* bad : {R"("x":[1,2,])", R"("x":01)", R"("x":.5)", R"("x":1.)", R"("x":tru)", R"("x":'a')",
                          R"("x":"\q")", R"("x":"\u12")", R"("x":"\udc00")", R"("x":"\ud800x")", R"(x:1)",
                          R"("x":NaN)", "\"x\":\"\x01\"", "\"x\":\"\xff\"", "\"x\":\"\xc0\xaf\"",
                          "\"x\":\"\xed\xa0\x80\""}) {
    EXPECT_EQ(reason(prefixed(bad)), "event.bad_json") << bad;
  }
  std::string deep = "\"x\":";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  EXPECT_EQ(reason(prefixed(deep)), "event.bad_json");
}

TEST(EventHeader, SensorIds) {
  EXPECT_TRUE(valid_sensor_id("plant-a_1.example"));
  EXPECT_FALSE(valid_sensor_id(""));
  EXPECT_FALSE(valid_sensor_id("a b"));
  EXPECT_FALSE(valid_sensor_id("a/b"));
  EXPECT_FALSE(valid_sensor_id(std::string(kMaxSensorIdLength + 1, 'a')));
}

}  // namespace
}  // namespace normwatch::events
