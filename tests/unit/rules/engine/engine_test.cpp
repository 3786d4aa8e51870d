// The compiled engine (issue 6 items 2, 3, 5): which rules fire for which PDUs, anomalies and
// policy findings; thresholds and limits; policy-dependent rules silent without a policy;
// escalation, zone-tag raise and maintenance downgrade of severity; the event's contents.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "normwatch/rules/engine/facts_extract.hpp"
#include "normwatch/rules/engine/names.hpp"
#include "rules/engine/engine_helpers.hpp"

namespace normwatch::rules::engine {
namespace {

using test::CapturingSink;
using test::Dnp3Pdu;
using test::Iec104Pdu;
using test::ModbusPdu;

constexpr std::int64_t kSecond = 1'000'000'000;

class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pack_ = new RulePack(test::shipped_pack()); }
  static void TearDownTestSuite() { delete pack_; }
  void SetUp() override { engine_ = Engine::compile(*pack_); }

  void pdu(const protocols::PduRecord& r, const Endpoints& w, const FlowPolicy* policy = nullptr) {
    PduFacts f;
    ASSERT_TRUE(extract_facts(r, f));
    engine_->on_pdu(f, w, policy, sink_);
  }

  static inline RulePack* pack_ = nullptr;
  std::unique_ptr<Engine> engine_;
  CapturingSink sink_;
  const Endpoints rogue_ = test::endpoints("10.10.2.66", 51000, "10.10.1.20", 502);
  const Endpoints reply_ = test::endpoints("10.10.1.20", 502, "10.10.2.66", 51000);
};

TEST_F(EngineTest, ReadOfHoldingRegistersConcernsNoRuleWithoutAPolicy) {
  ModbusPdu read("00 01 00 00 00 06 01 03 00 00 00 0a", false);
  pdu(read.record, rogue_);
  EXPECT_TRUE(sink_.events.empty());
}

TEST_F(EngineTest, ForceListenOnlyFiresWithEverythingAnEventNeeds) {
  ModbusPdu p("00 01 00 00 00 06 01 08 00 04 00 00", false, 5 * kSecond, 42);
  pdu(p.record, rogue_);
  ASSERT_EQ(sink_.rule_ids(), std::vector<std::string>{"MB-01"});
  const events::Event& e = sink_.events[0];
  EXPECT_EQ(e.kind, events::EventKind::norm_violation);
  EXPECT_EQ(e.severity, events::Severity::critical);
  ASSERT_TRUE(e.rule);
  EXPECT_EQ(e.rule->version, 1);
  EXPECT_EQ(e.rule->attack, (std::vector<std::string>{"T0814", "T0804"}));
  EXPECT_EQ(e.rule->norms, std::vector<std::string>{"f"});
  EXPECT_EQ(e.ts.ns, 5 * kSecond);
  EXPECT_EQ(e.evidence_frames, std::vector<std::uint64_t>{42});
  ASSERT_TRUE(e.source && e.destination);
  EXPECT_EQ(e.source->ip.to_string(), "10.10.2.66");
  EXPECT_EQ(e.destination->port, 502);
  EXPECT_EQ(e.transport, "tcp");
  EXPECT_EQ(e.protocol, "modbus");
  EXPECT_NE(e.pdu_json.find("\"sub\":4"), std::string::npos) << e.pdu_json;
  EXPECT_FALSE(e.explanations.empty());
  EXPECT_NE(e.message.find("MB-01"), std::string::npos);
  // Its benign twin, an FC8 Return Query Data, concerns no rule.
  ModbusPdu echo("00 02 00 00 00 06 01 08 00 00 12 34", false);
  pdu(echo.record, rogue_);
  EXPECT_EQ(sink_.events.size(), 1u);
}

TEST_F(EngineTest, RulesThatNeedAPolicyAreSilentWithoutOne) {
  ModbusPdu write("00 01 00 00 00 06 01 06 00 05 03 e7", false);
  pdu(write.record, rogue_);
  EXPECT_TRUE(sink_.events.empty());
  EXPECT_GE(engine_->stats().skipped_no_policy, 1u);
  const auto silent = engine_->rules_needing_policy();
  const auto has = [&](std::string_view id) {
    return std::any_of(silent.begin(), silent.end(), [&](const Rule* r) { return r->id == id; });
  };
  for (auto id : {"MB-04", "MB-05", "MB-07", "MB-08", "DN-04", "IE-02", "IE-04", "IE-07", "IE-08", "SG-01", "SG-02",
                  "SG-03", "SG-05", "SG-06", "POL-MASTER"}) {
    EXPECT_TRUE(has(id)) << id;
  }
  for (auto id : {"MB-01", "DN-01", "DN-02", "DN-05", "DN-06", "IE-01", "IE-06", "MB-09", "MB-12", "DN-12"}) {
    EXPECT_FALSE(has(id)) << id;
  }
}

TEST_F(EngineTest, UnlistedMasterWriteFiresAndListedDoesNot) {
  FlowPolicy unlisted;
  unlisted.has_conduit = true;
  unlisted.master_listed = false;
  FlowPolicy listed = unlisted;
  listed.master_listed = true;
  ModbusPdu write("00 01 00 00 00 06 01 06 00 05 03 e7", false);
  pdu(write.record, rogue_, &listed);
  EXPECT_TRUE(sink_.events.empty());
  pdu(write.record, rogue_, &unlisted);
  EXPECT_EQ(sink_.rule_ids(), std::vector<std::string>{"MB-04"});
}

TEST_F(EngineTest, ThresholdFiresOncePerWindowWithItsEvidence) {
  // MB-09: exception 1 three times in 60 s to the same host.
  for (int i = 0; i < 2; ++i) {
    ModbusPdu ex("00 01 00 00 00 03 01 87 01", true, i * kSecond, 10 + i);
    pdu(ex.record, reply_);
  }
  EXPECT_TRUE(sink_.events.empty());
  EXPECT_EQ(engine_->stats().below_threshold, 2u);
  ModbusPdu third("00 01 00 00 00 03 01 8b 01", true, 2 * kSecond, 12);
  pdu(third.record, reply_);
  ASSERT_EQ(sink_.rule_ids(), std::vector<std::string>{"MB-09"});
  EXPECT_EQ(sink_.events[0].evidence_frames, (std::vector<std::uint64_t>{10, 11, 12}));
  EXPECT_NE(sink_.events[0].message.find("3 in 60s per destination 10.10.2.66"), std::string::npos)
      << sink_.events[0].message;
  ModbusPdu fourth("00 01 00 00 00 03 01 8c 01", true, 3 * kSecond, 13);
  pdu(fourth.record, reply_);
  EXPECT_EQ(sink_.events.size(), 1u);
  // A new window counts from zero again.
  for (int i = 0; i < 3; ++i) {
    ModbusPdu ex("00 01 00 00 00 03 01 87 01", true, (100 + i) * kSecond, 20 + i);
    pdu(ex.record, reply_);
  }
  EXPECT_EQ(sink_.events.size(), 2u);
}

TEST_F(EngineTest, DistinctThresholdCountsDifferentAddresses) {
  // IE-03: eight different IOAs commanded in one flow within 60 s.
  const Endpoints w = test::endpoints("10.10.2.12", 50400, "10.10.1.40", 2404);
  auto command = [&](int ioa, std::int64_t t) {
    char text[96];
    std::snprintf(text, sizeof text, "68 0e 00 00 00 00 2d 01 06 00 01 00 %02x %02x 00 01", ioa & 0xFF, ioa >> 8);
    Iec104Pdu p(text, true, t);
    pdu(p.record, w);
  };
  for (int i = 0; i < 10; ++i) command(2101, i * kSecond);  // one IOA, many times: nothing
  EXPECT_TRUE(sink_.events.empty());
  for (int i = 0; i < 7; ++i) command(2102 + i, (20 + i) * kSecond);
  EXPECT_EQ(sink_.rule_ids(), std::vector<std::string>{"IE-03"});
}

TEST_F(EngineTest, EscalationZoneRaiseAndMaintenanceDowngrade) {
  const Endpoints w = test::endpoints("10.10.2.11", 50300, "10.10.1.30", 20000);
  Zone field;
  field.id = "L1-field";
  field.tags = {"indispensable"};
  Zone scada;
  scada.id = "L2-scada";
  Conduit conduit;
  conduit.id = "master-to-outstation";
  conduit.windows.push_back(MaintenanceWindow{"MW-1", core::Timestamp{100 * kSecond}, core::Timestamp{200 * kSecond}});
  FlowPolicy fp;
  fp.master_zone = &scada;
  fp.outstation_zone = &field;
  fp.has_conduit = true;
  fp.master_listed = true;

  Dnp3Pdu listed("c0 0d", 10, 1, true, 10 * kSecond);
  pdu(listed.record, w, &fp);  // DN-01: high
  fp.master_listed = false;
  Dnp3Pdu unlisted("c0 0e", 10, 1, true, 11 * kSecond);
  pdu(unlisted.record, w, &fp);  // critical (escalated)
  ASSERT_EQ(sink_.rule_ids(), (std::vector<std::string>{"DN-01", "DN-01"}));
  EXPECT_EQ(sink_.events[0].severity, events::Severity::high);
  EXPECT_EQ(sink_.events[1].severity, events::Severity::critical);
  EXPECT_EQ(sink_.events[0].source_zone, "L2-scada");
  EXPECT_EQ(sink_.events[0].destination_zone, "L1-field");

  fp.master_listed = true;
  fp.raise_tag = "indispensable";
  fp.raise_where = "L1-field";
  Dnp3Pdu raised("c0 0d", 10, 1, true, 12 * kSecond);
  pdu(raised.record, w, &fp);
  EXPECT_EQ(sink_.events[2].severity, events::Severity::critical);
  EXPECT_EQ(sink_.events[2].rule->severity, events::Severity::high);  // the rule's own severity
  EXPECT_NE(sink_.events[2].message.find("tagged indispensable"), std::string::npos);

  fp.conduits[0] = &conduit;
  fp.conduit_count = 1;
  Dnp3Pdu in_window("c0 0d", 10, 1, true, 150 * kSecond);
  pdu(in_window.record, w, &fp);
  EXPECT_EQ(sink_.events[3].severity, events::Severity::info);
  EXPECT_EQ(sink_.events[3].explanations.back(), "inside maintenance window MW-1 of conduit master-to-outstation");
}

TEST_F(EngineTest, AnomalyBecomesAnEventUnderItsFamilyRule) {
  protocols::AnomalyRecord a;
  a.protocol = protocols::ProtocolId::dnp3;
  a.name = "dnp3.bad_link_crc";
  a.frame_no = 7;
  a.detail = "header crc 0x1234 != 0x4321";
  engine_->on_anomaly(a, rogue_, nullptr, sink_);
  ASSERT_EQ(sink_.rule_ids(), std::vector<std::string>{"DN-12"});
  EXPECT_EQ(sink_.events[0].kind, events::EventKind::anomaly);
  EXPECT_NE(sink_.events[0].pdu_json.find("dnp3.bad_link_crc"), std::string::npos);
  // The family's limit: five per minute per flow.
  for (int i = 0; i < 10; ++i) engine_->on_anomaly(a, rogue_, nullptr, sink_);
  EXPECT_EQ(sink_.events.size(), 5u);
  EXPECT_EQ(engine_->stats().limited, 6u);
}

TEST_F(EngineTest, EveryParserAnomalyHasAnEnabledRule) {
  EXPECT_TRUE(engine_->uncovered_anomalies().empty());
  std::uint64_t flow = 1000;  // a flow each, so that no family's limit interferes
  for (const auto name : parser_anomaly_names()) {
    protocols::AnomalyRecord a;
    a.name = name;
    a.protocol = name.starts_with("modbus.")  ? protocols::ProtocolId::modbus
                 : name.starts_with("dnp3.") ? protocols::ProtocolId::dnp3
                                              : protocols::ProtocolId::iec104;
    CapturingSink one;
    engine_->on_anomaly(a, test::endpoints("10.0.0.1", 1, "10.0.0.2", 2, ++flow), nullptr, one);
    ASSERT_EQ(one.events.size(), 1u) << name;
    const std::string prefix = a.protocol == protocols::ProtocolId::modbus ? "MB-"
                               : a.protocol == protocols::ProtocolId::dnp3 ? "DN-"
                                                                            : "IE-";
    EXPECT_EQ(one.events[0].rule->id.rfind(prefix, 0), 0u) << name << " -> " << one.events[0].rule->id;
  }
}

TEST_F(EngineTest, PolicyFindingsTakeTheirRuleProtocolSpecificFirst) {
  PolicyFinding range;
  range.rule_id = "POL-RANGE";
  range.clause = "hmi-to-plcs";
  range.message = "write outside the ranges";
  ModbusPdu write("00 01 00 00 00 06 01 06 01 f4 00 01", false);
  PduFacts f;
  ASSERT_TRUE(extract_facts(write.record, f));
  engine_->on_policy_finding(range, {}, 3, rogue_, protocols::ProtocolId::modbus, "modbus", &f, nullptr, sink_);
  engine_->on_policy_finding(range, {}, 4, rogue_, protocols::ProtocolId::dnp3, "dnp3", nullptr, nullptr, sink_);
  EXPECT_EQ(sink_.rule_ids(), (std::vector<std::string>{"MB-05", "POL-RANGE"}));
  EXPECT_NE(sink_.events[0].message.find("[hmi-to-plcs]"), std::string::npos);

  Zone a;
  a.id = "it";
  Zone b;
  b.id = "L1";
  PolicyFinding cross;
  cross.rule_id = "SG-01";
  cross.clause = "default: deny";
  cross.message = "no conduit";
  cross.source_zone = &a;
  cross.destination_zone = &b;
  engine_->on_policy_finding(cross, {}, 5, rogue_, protocols::ProtocolId::modbus, "modbus", nullptr, nullptr, sink_);
  ASSERT_EQ(sink_.events.size(), 3u);
  EXPECT_EQ(sink_.events[2].kind, events::EventKind::segmentation);
  EXPECT_EQ(sink_.events[2].source_zone, "it");
  EXPECT_EQ(sink_.events[2].destination_zone, "L1");
}

TEST_F(EngineTest, AFindingWithoutAnyRuleIsStillReported) {
  const RulePack empty = test::pack_of(R"(rules:
  - {id: X-1, name: n, description: d, kind: anomaly, severity: low, match: {anomaly: modbus.bad_length}}
)");
  auto engine = Engine::compile(empty);
  PolicyFinding f;
  f.rule_id = "SG-05";
  f.message = "SSH into L1";
  engine->on_policy_finding(f, {}, 1, rogue_, protocols::ProtocolId::unknown, "SSH", nullptr, nullptr, sink_);
  ASSERT_EQ(sink_.rule_ids(), std::vector<std::string>{"SG-05"});
  EXPECT_EQ(sink_.events[0].protocol, "SSH");
  EXPECT_EQ(engine->stats().findings_without_rule, 1u);
}

TEST_F(EngineTest, DisabledRulesAndOverridesDoNotFire) {
  RulePack pack = test::shipped_pack();
  ASSERT_TRUE(apply_overrides(pack, {Override{"MB-01", std::nullopt, false, "o.yaml", 1, 1},
                                     Override{"MB-02", events::Severity::low, std::nullopt, "o.yaml", 2, 1}})
                  .empty());
  auto engine = Engine::compile(pack);
  ModbusPdu listen("00 01 00 00 00 06 01 08 00 04 00 00", false);
  ModbusPdu restart("00 02 00 00 00 06 01 08 00 01 00 00", false);
  PduFacts f;
  ASSERT_TRUE(extract_facts(listen.record, f));
  engine->on_pdu(f, rogue_, test::kNoPolicy, sink_);
  ASSERT_TRUE(extract_facts(restart.record, f));
  engine->on_pdu(f, rogue_, test::kNoPolicy, sink_);
  ASSERT_EQ(sink_.rule_ids(), std::vector<std::string>{"MB-02"});
  EXPECT_EQ(sink_.events[0].severity, events::Severity::low);
}

TEST_F(EngineTest, ThresholdStateIsBoundedAndEvictionIsReported) {
  EngineLimits limits;
  limits.max_threshold_keys = 4;
  auto engine = Engine::compile(*pack_, limits);
  // MB-09 by destination: 64 scanned hosts overflow a 4-key table.
  for (int host = 0; host < 64; ++host) {
    char dst[32];
    std::snprintf(dst, sizeof dst, "10.10.3.%d", host + 1);
    ModbusPdu ex("00 01 00 00 00 03 01 87 01", true, host * 1000);
    PduFacts f;
    ASSERT_TRUE(extract_facts(ex.record, f));
    engine->on_pdu(f, test::endpoints("10.10.1.20", 502, dst, 40000), test::kNoPolicy, sink_);
  }
  const EngineStats s = engine->stats();
  EXPECT_EQ(s.threshold_capacity, 4u);
  EXPECT_LE(s.threshold_keys_in_use, 4u);
  EXPECT_GT(s.threshold_evictions, 0u);
  // SYS-02 reports it, at most once a minute.
  const auto ids = sink_.rule_ids();
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "SYS-02"), 1);
}

TEST_F(EngineTest, UnsolicitedFloodAndTwin) {
  const Endpoints w = test::endpoints("10.10.1.30", 20000, "10.10.2.11", 50300);
  for (int i = 0; i < 2; ++i) {
    Dnp3Pdu u("f0 82 02 00", 1, 10, false, i * kSecond);
    pdu(u.record, w);
  }
  EXPECT_TRUE(sink_.events.empty());
  for (int i = 0; i < 5; ++i) {
    Dnp3Pdu u("f0 82 02 00", 1, 10, false, (30 * kSecond) + i * (kSecond / 10));
    pdu(u.record, w);
  }
  EXPECT_EQ(sink_.rule_ids(), std::vector<std::string>{"DN-09"});
}

TEST_F(EngineTest, FloodCountedWithTheFlow) {
  // DN-12's flood clause counts per flow in the flow's own words: 100 requests within 1 s.
  std::array<std::uint64_t, kFlowScratchWords> scratch{};
  Endpoints w = test::endpoints("10.10.2.11", 50300, "10.10.1.30", 20000, 77);
  w.scratch = scratch.data();
  for (int i = 0; i < 99; ++i) {
    Dnp3Pdu poll("c0 01 3c 02 06", 10, 1, true, i * (kSecond / 200), 100 + i);
    pdu(poll.record, w);
  }
  EXPECT_TRUE(sink_.events.empty());
  Dnp3Pdu last("c0 01 3c 02 06", 10, 1, true, 99 * (kSecond / 200), 199);
  pdu(last.record, w);
  ASSERT_EQ(sink_.rule_ids(), std::vector<std::string>{"DN-12"});
  EXPECT_EQ(sink_.events[0].evidence_frames, (std::vector<std::uint64_t>{100, 199}));
  // Once per window; a new window after a second counts again from zero.
  for (int i = 0; i < 100; ++i) {
    Dnp3Pdu poll("c0 01 3c 02 06", 10, 1, true, 3 * kSecond + i * (kSecond / 1000), 300 + i);
    pdu(poll.record, w);
  }
  EXPECT_EQ(sink_.events.size(), 2u);
}

TEST_F(EngineTest, FlowMemosGiveTheSameVerdictsAsTheTable) {
  // The same traffic with and without the flow's words: the memos only skip work.
  CapturingSink with_scratch;
  auto other = Engine::compile(*pack_);
  std::array<std::array<std::uint64_t, kFlowScratchWords>, 3> scratch{};
  for (int round = 0; round < 3; ++round) {
    for (std::uint8_t unit = 1; unit <= 9; ++unit) {
      for (int flow = 0; flow < 3; ++flow) {
        char adu[64];
        std::snprintf(adu, sizeof adu, "00 01 00 00 00 06 %02x 03 00 00 00 01", unit);
        ModbusPdu read(adu, false, (round * 10 + unit) * kSecond / 10, static_cast<std::uint64_t>(unit));
        Endpoints w = test::endpoints("10.10.2.66", static_cast<std::uint16_t>(51000 + flow), "10.10.1.20", 502,
                                      static_cast<std::uint64_t>(10 + flow));
        pdu(read.record, w);
        w.scratch = scratch[static_cast<std::size_t>(flow)].data();
        PduFacts f;
        ASSERT_TRUE(extract_facts(read.record, f));
        other->on_pdu(f, w, test::kNoPolicy, with_scratch);
      }
    }
  }
  EXPECT_EQ(sink_.rule_ids(), std::vector<std::string>{"SG-07"});
  EXPECT_EQ(with_scratch.rule_ids(), sink_.rule_ids());
}

TEST_F(EngineTest, IecResetProcessSeverityByQualifier) {
  const Endpoints w = test::endpoints("10.10.2.12", 50400, "10.10.1.40", 2404);
  Iec104Pdu general("68 0e 00 00 00 00 69 01 06 00 01 00 00 00 00 01", true);
  Iec104Pdu buffer("68 0e 02 00 00 00 69 01 06 00 01 00 00 00 00 02", true);
  Iec104Pdu confirmation("68 0e 00 00 02 00 69 01 07 00 01 00 00 00 00 01", false);
  pdu(general.record, w);
  pdu(buffer.record, w);
  pdu(confirmation.record, w);  // the RTU's mirror of the command is no command
  ASSERT_EQ(sink_.rule_ids(), (std::vector<std::string>{"IE-01", "IE-01"}));
  EXPECT_EQ(sink_.events[0].severity, events::Severity::critical);
  EXPECT_EQ(sink_.events[1].severity, events::Severity::high);
}

}  // namespace
}  // namespace normwatch::rules::engine
