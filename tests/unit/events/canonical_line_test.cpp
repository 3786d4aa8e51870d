// The canonical line is hashed into the evidence chain, so its bytes must never drift. It used to
// be nlohmann-json's dump of an object built field by field; it is now written directly
// (src/events/canonical_line.cpp). This test keeps the old encoder as the reference and compares
// the two over thousands of random events, with the strings that need escaping, invalid UTF-8,
// unparsable pdu/body texts and body members that override or sort around the fixed ones.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

#include "normwatch/events/event.hpp"

namespace normwatch::events {
namespace {

nlohmann::json reference_parse_object(const std::string& text) {
  if (text.empty()) return nlohmann::json::object();
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json{{"unparsable", text}} : parsed;
}

nlohmann::json reference_endpoint(const Endpoint& e) { return {{"ip", e.ip.to_string()}, {"port", e.port}}; }

// The encoder as it was (commit 9f3cedd plus the evidence slice), kept as the oracle.
std::string reference_line(const Event& e) {
  nlohmann::json j;
  j["schema"] = "normwatch.event/1";
  j["id"] = e.id();
  j["sensor"] = e.sensor;
  j["epoch"] = e.epoch;
  j["seq"] = e.seq;
  j["ts"] = e.ts.to_rfc3339();
  j["kind"] = name(e.kind);
  j["severity"] = name(e.severity);
  if (e.chain) j["chain"] = {{"prev", e.chain->prev}, {"prev_seq", e.chain->prev_seq}};
  if (e.rule) {
    j["rule"] = {{"id", e.rule->id},         {"version", e.rule->version},
                 {"name", e.rule->name},     {"severity", name(e.rule->severity)},
                 {"attack", e.rule->attack}, {"norms", e.rule->norms}};
  }
  if (e.source) j["source"] = reference_endpoint(*e.source);
  if (e.destination) j["destination"] = reference_endpoint(*e.destination);
  if (!e.transport.empty() || !e.protocol.empty()) {
    nlohmann::json network = nlohmann::json::object();
    if (!e.transport.empty()) network["transport"] = e.transport;
    if (!e.protocol.empty()) network["protocol"] = e.protocol;
    if (e.source && e.destination && (e.transport == "tcp" || e.transport == "udp")) {
      network["community_id"] = community_id(e.source->ip, e.source->port, e.destination->ip, e.destination->port,
                                             e.transport == "tcp" ? 6 : 17);
    }
    if (e.vlan != 0) network["vlan"] = {{"id", std::to_string(e.vlan)}};  // added with the VLAN id
    j["network"] = network;
  }
  if (!e.source_zone.empty() || !e.destination_zone.empty()) {
    j["zones"] = {{"source", e.source_zone}, {"destination", e.destination_zone}};
  }
  if (!e.pdu_json.empty()) j["pdu"] = reference_parse_object(e.pdu_json);
  if (!e.body_json.empty()) {
    const nlohmann::json body = reference_parse_object(e.body_json);
    if (body.is_object()) j.update(body);
  }
  if (!e.evidence_frames.empty()) j["evidence"] = {{"frames", e.evidence_frames}};
  if (e.slice) {
    nlohmann::json& evidence = j["evidence"];
    if (!e.slice->dropped.empty()) {
      evidence["slice_dropped"] = e.slice->dropped;
    } else {
      evidence["slice"] = {{"name", e.slice->name},
                           {"sha256", e.slice->sha256},
                           {"frames", e.slice->frames},
                           {"first_frame", e.slice->first_frame},
                           {"last_frame", e.slice->last_frame}};
    }
  }
  if (!e.explanations.empty()) j["explanations"] = e.explanations;
  if (!e.message.empty()) j["message"] = e.message;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const std::vector<std::string> kStrings = {
    "", "MB-01", "plain text, with spaces", "quote \" inside", "back\\slash", "tab\there", "new\nline",
    std::string("nul\0byte", 8), "\x01\x1f control", "del \x7f", "caf\xc3\xa9 \xe2\x82\xac", "bad \xff utf8",
    "lone \xc3", "overlong \xc0\xaf", "surrogate \xed\xa0\x80", "\xf0\x9f\x98\x80 emoji", "/slash/", "zone-a"};
const std::vector<std::string> kObjects = {
    "", R"({"fc":8,"sub":4})", R"({"z":1,"a":[1,2,{"y":true,"b":null}],"m":"x"})", R"({"v":1.5,"w":-3,"e":1e300})",
    "not json", "[1,2,3]", R"("just a string")", R"({"s":"caf\u00e9 \ud83d\ude00"})", "{\"k\":\"bad \xff\"}",
    R"({"seq":99,"kind":"overridden"})", R"({"health":{"packets":10,"drops":0},"aaa":1,"zzz":"last"})",
    R"({"chain":null,"a\"b":1,"message":"body message","explanations":[]})", R"({"id":{"nested":true},"ts":"x","zones":[]})", "{}"};

Event random_event(std::mt19937_64& rng) {
  const auto pick = [&rng](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  const auto coin = [&rng] { return (rng() & 1U) != 0; };
  Event e;
  e.sensor = pick(kStrings);
  e.epoch = rng();
  e.seq = rng() % 3 == 0 ? rng() : rng() % 1000;
  e.ts = core::Timestamp::from_seconds(static_cast<std::int64_t>(1'600'000'000 + rng() % 100'000'000),
                                       static_cast<std::uint32_t>(rng() % 1'000'000));
  e.kind = static_cast<EventKind>(rng() % 7);
  e.severity = static_cast<Severity>(rng() % 5);
  if (coin()) e.chain = ChainLink{rng(), pick(kStrings)};
  if (coin()) {
    RuleRef r;
    r.id = pick(kStrings);
    r.version = static_cast<int>(rng() % 5) - 1;
    r.name = pick(kStrings);
    r.severity = static_cast<Severity>(rng() % 5);
    for (std::uint64_t i = rng() % 3; i > 0; --i) r.attack.push_back(pick(kStrings));
    for (std::uint64_t i = rng() % 3; i > 0; --i) r.norms.push_back(pick(kStrings));
    e.rule = r;
  }
  const char* ips[] = {"10.0.0.1", "192.168.1.20", "fe80::1", "2001:db8::7"};
  if (coin()) e.source = Endpoint{core::IpAddress::parse(ips[rng() % 4]).value(), static_cast<std::uint16_t>(rng())};
  if (coin()) {
    e.destination = Endpoint{core::IpAddress::parse(ips[rng() % 4]).value(), static_cast<std::uint16_t>(rng())};
  }
  const char* transports[] = {"", "tcp", "udp", "icmp"};
  e.transport = transports[rng() % 4];
  if (rng() % 3 == 0) e.vlan = static_cast<std::uint16_t>(1 + rng() % 4094);
  if (coin()) e.protocol = pick(kStrings);
  if (coin()) e.source_zone = pick(kStrings);
  if (coin()) e.destination_zone = pick(kStrings);
  if (coin()) e.pdu_json = pick(kObjects);
  if (coin()) e.body_json = pick(kObjects);
  for (std::uint64_t i = rng() % 3; i > 0; --i) e.evidence_frames.push_back(rng() % 100000);
  if (rng() % 3 == 0) {
    SliceRef s;
    if (coin()) {
      s.dropped = pick(kStrings);
      if (s.dropped.empty()) s.dropped = "slice.no_frames";
    } else {
      s.name = "s-1-2.pcap";
      s.sha256 = std::string(64, 'a');
      s.frames = rng() % 20;
      s.first_frame = rng() % 1000;
      s.last_frame = s.first_frame + s.frames;
    }
    e.slice = s;
  }
  for (std::uint64_t i = rng() % 3; i > 0; --i) e.explanations.push_back(pick(kStrings));
  if (coin()) e.message = pick(kStrings);
  return e;
}

TEST(CanonicalLine, SameBytesAsTheReferenceEncoderForRandomEvents) {
  std::mt19937_64 rng(20261127);
  for (int i = 0; i < 20000; ++i) {
    const Event e = random_event(rng);
    const std::string expected = reference_line(e);
    ASSERT_EQ(to_json_line(e), expected) << "event " << i;
  }
}

TEST(CanonicalLine, EmptyEventAndBodyOverridesAreLikeTheReference) {
  Event e;
  EXPECT_EQ(to_json_line(e), reference_line(e));
  e.body_json = R"({"seq":5,"schema":"x","zzz":[1]})";
  EXPECT_EQ(to_json_line(e), reference_line(e));
  EXPECT_NE(to_json_line(e).find(R"("seq":5)"), std::string::npos);
}

}  // namespace
}  // namespace normwatch::events
