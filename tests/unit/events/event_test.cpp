#include "normwatch/events/event.hpp"

#include <gtest/gtest.h>

#include "normwatch/events/json_builder.hpp"

namespace normwatch::events {
namespace {

TEST(CommunityId, MatchesTheSpecificationsTestVector) {
  // corelight/community-id-spec baseline: 128.232.110.120:34855 -> 66.35.250.204:80 TCP, seed 0.
  const auto src = core::IpAddress::parse("128.232.110.120").value();
  const auto dst = core::IpAddress::parse("66.35.250.204").value();
  EXPECT_EQ(community_id(src, 34855, dst, 80, 6), "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
  EXPECT_EQ(community_id(dst, 80, src, 34855, 6), "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
}

TEST(Event, CanonicalLineHasSortedKeysAndSchema) {
  Event e;
  e.sensor = "s1";
  e.epoch = 3;
  e.seq = 42;
  e.ts = core::Timestamp::from_seconds(1700000000, 412000);
  e.kind = EventKind::norm_violation;
  e.severity = Severity::critical;
  e.rule = RuleRef{"MB-01", 1, "Modbus force listen only mode", Severity::critical, {"T0814"}, {"f"}};
  e.source = Endpoint{core::IpAddress::parse("10.0.0.1").value(), 40000};
  e.destination = Endpoint{core::IpAddress::parse("10.0.0.2").value(), 502};
  e.transport = "tcp";
  e.protocol = "modbus";
  e.pdu_json = R"({"fc":8,"sub":4})";
  e.evidence_frames = {7};
  const std::string line = to_json_line(e);
  EXPECT_EQ(line.find(R"({"destination":{"ip":"10.0.0.2","port":502},"epoch":3,"evidence":{"frames":[7]},)"), 0u)
      << line;
  EXPECT_NE(line.find(R"("id":"s1:3:42")"), std::string::npos);
  EXPECT_NE(line.find(R"("schema":"normwatch.event/1")"), std::string::npos);
  EXPECT_NE(line.find(R"("ts":"2023-11-14T22:13:20.000412Z")"), std::string::npos);
  EXPECT_NE(line.find(R"("pdu":{"fc":8,"sub":4})"), std::string::npos);
  EXPECT_EQ(line, to_json_line(e));  // deterministic
}

TEST(Event, NamesRoundTrip) {
  EXPECT_EQ(parse_event_kind(name(EventKind::segmentation)), EventKind::segmentation);
  EXPECT_EQ(parse_severity("H"), Severity::high);
  EXPECT_FALSE(parse_severity("urgent").has_value());
  EXPECT_TRUE(is_droppable(EventKind::health));
  EXPECT_FALSE(is_droppable(EventKind::norm_violation));
}

TEST(JsonBuilder, NestsObjectsAndArrays) {
  JsonBuilder j;
  j.integer("b", 2);
  j.begin_array("list");
  j.begin_object({});
  j.string("k", "v");
  j.end_object();
  j.integer({}, 5);
  j.end_array();
  j.boolean("a", true);
  EXPECT_EQ(j.dump(), R"({"a":true,"b":2,"list":[{"k":"v"},5]})");
}

}  // namespace
}  // namespace normwatch::events
