// The two-step path the rules observer takes (extract_head, Engine::lookup, extract_rest only
// for PDUs with candidates, Engine::evaluate) gives what the one-step path gives: the same facts,
// the same candidates, the same events and counters; and each kind of clause condition, compiled
// into the per-cell check, accepts and rejects what the clause says.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "normwatch/rules/engine/facts_extract.hpp"
#include "rules/engine/engine_helpers.hpp"

namespace normwatch::rules::engine {
namespace {

using test::CapturingSink;
using test::Dnp3Pdu;
using test::Iec104Pdu;
using test::ModbusPdu;

constexpr std::int64_t kSecond = 1'000'000'000;

void expect_same_facts(const PduFacts& a, const PduFacts& b) {
  EXPECT_EQ(a.protocol, b.protocol);
  EXPECT_EQ(a.record, b.record);
  EXPECT_EQ(a.from_master, b.from_master);
  EXPECT_EQ(a.malformed, b.malformed);
  EXPECT_EQ(a.function, b.function);
  EXPECT_EQ(a.sub, b.sub);
  EXPECT_EQ(a.exception, b.exception);
  EXPECT_EQ(a.unit, b.unit);
  EXPECT_EQ(a.broadcast, b.broadcast);
  EXPECT_EQ(a.function_class, b.function_class);
  EXPECT_EQ(a.table, b.table);
  EXPECT_EQ(a.address, b.address);
  EXPECT_EQ(a.count, b.count);
  EXPECT_EQ(a.cot, b.cot);
  EXPECT_EQ(a.qualifier, b.qualifier);
  EXPECT_EQ(a.iin, b.iin);
  EXPECT_EQ(a.has_iin, b.has_iin);
  EXPECT_EQ(a.group, b.group);
  EXPECT_EQ(a.variation, b.variation);
}

// PDUs of every shape the facts functions branch on.
struct Samples {
  ModbusPdu force_listen{"00 01 00 00 00 06 01 08 00 04 00 00", false, 1 * kSecond, 1};
  ModbusPdu write_regs{"00 02 00 00 00 0b 01 10 00 0a 00 02 04 00 01 00 02", false, 2 * kSecond, 2};
  ModbusPdu broadcast_coil{"00 06 00 00 00 06 00 05 00 07 ff 00", false, 3 * kSecond, 3};
  ModbusPdu read{"00 07 00 00 00 06 01 03 00 00 00 0a", false, 4 * kSecond, 4};
  ModbusPdu reply{"00 07 00 00 00 07 01 03 04 00 01 00 02", true, 4 * kSecond, 5};
  ModbusPdu exception{"00 03 00 00 00 03 01 83 02", true, 5 * kSecond, 6};
  ModbusPdu umas_stop{"00 04 00 00 00 04 01 5a 00 41", false, 6 * kSecond, 7};
  ModbusPdu device_id{"00 05 00 00 00 05 01 2b 0e 01 00", false, 7 * kSecond, 8};
  ModbusPdu short_read{"00 07 00 00 00 06 01 03 00 00 00 00", false, 8 * kSecond, 9};
  Dnp3Pdu cold_restart{"c0 0d", 10, 1, true, 9 * kSecond, 10};
  Dnp3Pdu crob{"c1 05 0c 01 17 01 03 03 01 64 00 00 00 00 00 00 00 00", 10, 1, true, 10 * kSecond, 11};
  Dnp3Pdu null_response{"c0 81 00 00", 1, 10, false, 11 * kSecond, 12};
  Dnp3Pdu broadcast_freeze{"c0 08 14 00 06", 0xFFFF, 1, true, 12 * kSecond, 13};
  Dnp3Pdu time_write{"c2 02 32 01 07 01 00 d0 44 6f 94 01", 10, 1, true, 13 * kSecond, 14};
  Dnp3Pdu poll{"c0 01 3c 02 06 3c 03 06 3c 04 06", 10, 1, true, 14 * kSecond, 15};
  Dnp3Pdu restart_iin{"c0 81 80 00", 1, 10, false, 15 * kSecond, 16};
  Iec104Pdu startdt{"68 04 07 00 00 00", true, 16 * kSecond, 17};
  Iec104Pdu reset_process{"68 0e 00 00 00 00 69 01 06 00 01 00 00 00 00 01", true, 17 * kSecond, 18};
  Iec104Pdu interrogation{"68 0e 00 00 00 00 64 01 06 00 ff ff 00 00 00 14", true, 18 * kSecond, 19};
  Iec104Pdu s_frame{"68 04 01 00 02 00", false, 19 * kSecond, 20};
  Iec104Pdu measured{"68 12 00 00 00 00 0d 01 03 00 01 00 e9 03 00 00 00 48 42 00", false, 20 * kSecond, 21};
  Iec104Pdu command{"68 0e 00 00 00 00 2d 01 06 00 01 00 35 08 00 01", true, 21 * kSecond, 22};

  std::vector<const protocols::PduRecord*> all() const {
    return {&force_listen.record, &write_regs.record,    &broadcast_coil.record,  &read.record,
            &reply.record,        &exception.record,     &umas_stop.record,       &device_id.record,
            &short_read.record,   &cold_restart.record,  &crob.record,            &null_response.record,
            &broadcast_freeze.record, &time_write.record, &poll.record,          &restart_iin.record,
            &startdt.record,      &reset_process.record, &interrogation.record,   &s_frame.record,
            &measured.record,     &command.record};
  }
};

TEST(TwoStepFacts, HeadThenRestIsTheWholeAndTheHeadPicksTheSameCandidates) {
  const Samples samples;
  auto engine = Engine::compile(test::shipped_pack());
  for (const auto* r : samples.all()) {
    SCOPED_TRACE(r->frame_no);
    PduFacts whole;
    ASSERT_TRUE(extract_facts(*r, whole));
    PduFacts head;
    head.unit = 12345;  // leftovers of the previous PDU must not survive the head's reset
    head.has_iin = true;
    ASSERT_TRUE(extract_head(*r, head));
    EXPECT_EQ(head.protocol, whole.protocol);
    EXPECT_EQ(head.record, whole.record);
    EXPECT_EQ(head.from_master, whole.from_master);
    EXPECT_EQ(head.function, whole.function);
    EXPECT_EQ(head.exception, whole.exception);
    if (head.function < 0) {
      EXPECT_EQ(head.sub, whole.sub);
    }
    const PduCandidates a = engine->lookup(head);
    const PduCandidates b = engine->lookup(whole);
    EXPECT_EQ(a.begin, b.begin);
    EXPECT_EQ(a.count, b.count);
    extract_rest(*r, head);
    expect_same_facts(head, whole);
  }
  EXPECT_EQ(engine->stats().pdus, 2 * samples.all().size());
}

TEST(TwoStepFacts, LightRestFillsTheLightFieldsAndSaysSo) {
  const Samples samples;
  for (const auto* r : samples.all()) {
    SCOPED_TRACE(r->frame_no);
    PduFacts whole;
    ASSERT_TRUE(extract_facts(*r, whole));
    EXPECT_FALSE(whole.partial);
    PduFacts light;
    ASSERT_TRUE(extract_head(*r, light));
    extract_rest(*r, light, true);
    EXPECT_TRUE(light.partial);
    EXPECT_EQ(light.function, whole.function);
    EXPECT_EQ(light.exception, whole.exception);
    EXPECT_EQ(light.sub, whole.sub);
    EXPECT_EQ(light.unit, whole.unit);
    EXPECT_EQ(light.broadcast, whole.broadcast);
    EXPECT_EQ(light.malformed, whole.malformed);
    EXPECT_EQ(light.cot, whole.cot);
    EXPECT_EQ(light.iin, whole.iin);
    EXPECT_EQ(light.has_iin, whole.has_iin);
  }
}

TEST(TwoStepFacts, AnUnknownProtocolHasNoHead) {
  protocols::PduRecord r;
  PduFacts f;
  EXPECT_FALSE(extract_head(r, f));
  EXPECT_FALSE(extract_facts(r, f));
}

// Two engines, one fed through on_pdu, one the way the observer feeds it: the same events, in
// the same order, and the same counters (thresholds, limits, silent policy clauses).
TEST(TwoStepEngine, GivesTheEventsAndCountersOfOnPdu) {
  const Samples samples;
  auto one = Engine::compile(test::shipped_pack());
  auto two = Engine::compile(test::shipped_pack());
  CapturingSink sink_one;
  CapturingSink sink_two;
  const Endpoints w = test::endpoints("10.10.2.66", 51000, "10.10.1.20", 502);
  const Endpoints back = test::endpoints("10.10.1.20", 502, "10.10.2.66", 51000);
  for (int round = 0; round < 40; ++round) {
    for (const auto* r : samples.all()) {
      PduFacts whole;
      ASSERT_TRUE(extract_facts(*r, whole));
      const Endpoints& where = whole.from_master ? w : back;
      one->on_pdu(whole, where, test::kNoPolicy, sink_one);
      PduFacts f;
      ASSERT_TRUE(extract_head(*r, f));
      const PduCandidates c = two->lookup(f);
      if (c.empty()) continue;
      extract_rest(*r, f, c.light);  // as the observer does without a policy
      two->evaluate(c, f, where, static_cast<PolicySource*>(nullptr), sink_two);
    }
  }
  EXPECT_FALSE(sink_one.events.empty());
  EXPECT_EQ(sink_one.rule_ids(), sink_two.rule_ids());
  ASSERT_EQ(sink_one.events.size(), sink_two.events.size());
  for (std::size_t i = 0; i < sink_one.events.size(); ++i) {
    // Events from light facts describe the whole PDU all the same.
    EXPECT_EQ(sink_one.events[i].message, sink_two.events[i].message);
    EXPECT_EQ(sink_one.events[i].severity, sink_two.events[i].severity);
  }
  const EngineStats a = one->stats();
  const EngineStats b = two->stats();
  EXPECT_EQ(a.pdus, b.pdus);
  EXPECT_EQ(a.pdus_with_candidates, b.pdus_with_candidates);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.limited, b.limited);
  EXPECT_EQ(a.below_threshold, b.below_threshold);
  EXPECT_EQ(a.skipped_no_policy, b.skipped_no_policy);
  EXPECT_GT(a.skipped_no_policy, 0u);
  EXPECT_GT(a.below_threshold, 0u);
}

// One clause per condition kind, each matched by some sample and not by others.
TEST(CompiledChecks, EachConditionAcceptsAndRejects) {
  const RulePack pack = test::pack_of(R"(rules:
  - {id: T-BC, name: n, description: d, kind: anomaly, severity: low, match: {protocol: modbus, broadcast: true}}
  - {id: T-NBC, name: n, description: d, kind: anomaly, severity: low, match: {protocol: dnp3, direction: request, broadcast: false, function: [0x08, 0x0D]}}
  - {id: T-SUB, name: n, description: d, kind: anomaly, severity: low, match: {protocol: modbus, function: 8, sub: 4}}
  - {id: T-EXC, name: n, description: d, kind: anomaly, severity: low, match: {protocol: modbus, exception: 2}}
  - {id: T-UNIT, name: n, description: d, kind: anomaly, severity: low, match: {protocol: iec104, unit: 0xFFFF}}
  - {id: T-COT, name: n, description: d, kind: anomaly, severity: low, match: {protocol: iec104, function: 45, cot: 6}}
  - {id: T-QUAL, name: n, description: d, kind: anomaly, severity: low, match: {protocol: iec104, function: 105, qualifier: 1}}
  - {id: T-ADDR, name: n, description: d, kind: anomaly, severity: low, match: {protocol: modbus, function: 16, address: 10-12}}
  - {id: T-CLASS, name: n, description: d, kind: anomaly, severity: low, match: {protocol: dnp3, class: time}}
  - {id: T-OBJ, name: n, description: d, kind: anomaly, severity: low, match: {protocol: dnp3, function: 1, group: 60, variation: 3}}
  - {id: T-IIN, name: n, description: d, kind: anomaly, severity: low, match: {protocol: dnp3, direction: response, iin: device_restart}}
  - {id: T-POL, name: n, description: d, kind: anomaly, severity: low, match: {protocol: modbus, direction: request, function: 3, master_listed: false}}
)");
  auto engine = Engine::compile(pack);
  const Samples s;
  const Endpoints w = test::endpoints("10.10.2.66", 51000, "10.10.1.20", 502);
  struct Case {
    const protocols::PduRecord* record;
    std::vector<std::string> fired;
  };
  const std::vector<Case> cases = {
      {&s.broadcast_coil.record, {"T-BC"}},
      {&s.write_regs.record, {"T-ADDR"}},
      {&s.force_listen.record, {"T-SUB"}},
      {&s.exception.record, {"T-EXC"}},
      {&s.reply.record, {}},
      {&s.interrogation.record, {"T-UNIT"}},
      {&s.command.record, {"T-COT"}},
      {&s.reset_process.record, {"T-QUAL"}},
      {&s.time_write.record, {"T-CLASS"}},
      {&s.poll.record, {"T-OBJ"}},
      {&s.cold_restart.record, {"T-NBC"}},
      {&s.broadcast_freeze.record, {}},
      {&s.restart_iin.record, {"T-IIN"}},
      {&s.null_response.record, {}},
      {&s.read.record, {}},  // needs a policy: silent, counted
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.record->frame_no);
    CapturingSink sink;
    PduFacts f;
    ASSERT_TRUE(extract_facts(*c.record, f));
    engine->on_pdu(f, w, test::kNoPolicy, sink);
    EXPECT_EQ(sink.rule_ids(), c.fired);
  }
  EXPECT_EQ(engine->stats().skipped_no_policy, 1u);
}

}  // namespace
}  // namespace normwatch::rules::engine
