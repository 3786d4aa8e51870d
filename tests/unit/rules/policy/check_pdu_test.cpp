// Per-PDU checks: POL-MASTER, POL-CLASS, POL-UNIT, POL-RANGE, POL-WINDOW, SG-03, each with its
// negative (a listed master, an allowed class or unit, a write inside the ranges, inside a window,
// an engineering zone).
#include <gtest/gtest.h>

#include "normwatch/rules/function_classes.hpp"
#include "policy_helpers.hpp"

namespace normwatch::rules {
namespace {

using protocols::ProtocolId;
using test::flow;
using Ids = std::vector<std::string>;

constexpr std::string_view kPolicy = R"(policy: {id: pdus}
zones:
  - {id: L1, purdue: 1, match: {cidr: [10.10.1.0/24]}}
  - {id: L2, purdue: 2, match: {cidr: [10.10.2.0/24]}}
  - {id: L3-ews, purdue: 3, roles: [engineering], match: {ip: [10.10.3.5]}}
  - {id: L3, purdue: 3, match: {cidr: [10.10.3.0/24]}}
conduits:
  - id: scada-to-dosing
    from: L2
    to: L1
    protocol: modbus
    masters: [10.10.2.10, 10.10.2.11]
    allow: {classes: [read, write, control], units: [1, 2],
            write_ranges: {holding: ["40001-40060"], coils: ["00001-00032"]}}
  - id: ews-to-dosing
    from: L3-ews
    to: L1
    protocol: modbus
    allow: {classes: [program, mode, file, identify]}
    windows: [{ticket: MW-2025-117, start: "2025-12-01T22:00Z", end: "2025-12-02T02:00Z"}]
  - id: contractor-maint
    from: L3
    to: L1
    protocol: modbus
    masters: [10.10.3.9]
    allow: {classes: [read, program]}
    windows: [{ticket: MW-2025-118, start: "2025-12-01T22:00Z", end: "2025-12-02T02:00Z"}]
  - id: station-to-rtu
    from: L2
    to: L1
    protocol: iec104
    masters: [10.10.2.12]
    allow: {classes: [read, control, reporting_config], units: [1]}
  - id: scada-dnp3
    from: L2
    to: L1
    protocol: dnp3
    masters: [10.10.2.11]
    allow: {classes: [read], units: [10]}
)";

class CheckPdu : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_ = test::must_load(kPolicy);
    ASSERT_NE(policy_, nullptr);
  }
  std::vector<PolicyFinding> check(std::string_view client, const PduFacts& p, core::Timestamp ts = inside_,
                                   std::string_view server = "10.10.1.20") {
    const ProtocolId proto = p.protocol;
    const std::uint16_t port = proto == ProtocolId::modbus ? 502 : proto == ProtocolId::dnp3 ? 20000 : 2404;
    std::vector<PolicyFinding> out;
    policy_->check_pdu(flow(client, 50000, server, port, proto), p, ts, out);
    return out;
  }
  static PduFacts modbus(std::int32_t fc, std::int32_t sub = -1, std::int64_t unit = 1) {
    PduFacts p = test::pdu(ProtocolId::modbus, fc, modbus_class(fc, sub), unit);
    p.sub = sub;
    return p;
  }
  static Ids ids(const std::vector<PolicyFinding>& f) { return test::rule_ids(f); }

  std::unique_ptr<Policy> policy_;
  static inline const core::Timestamp inside_ = core::Timestamp::from_seconds(1764626400 + 3600);  // 23:00Z
  static inline const core::Timestamp outside_ = core::Timestamp::from_seconds(1764640800);       // 02:00Z: end is exclusive
};

TEST_F(CheckPdu, BenignPollFromListedMasterIsSilent) {
  EXPECT_TRUE(check("10.10.2.10", modbus(3)).empty());
  EXPECT_TRUE(check("10.10.2.11", modbus(1, -1, 2)).empty());
  EXPECT_TRUE(check("10.10.2.10", test::modbus_write(16, 1, DataTable::holding_registers, 10, 4)).empty());
}

TEST_F(CheckPdu, ResponsesAreNotChecked) {
  PduFacts p = modbus(90, 0x41);  // a stop-PLC, but sent by the server side
  p.from_master = false;
  EXPECT_TRUE(check("10.10.2.99", p).empty());
}

TEST_F(CheckPdu, PolMasterNotListed) {
  const auto out = check("10.10.2.99", modbus(3));
  ASSERT_EQ(ids(out), Ids{"POL-MASTER"}) << test::dump(out);
  EXPECT_EQ(out[0].clause, "conduit scada-to-dosing");
  EXPECT_EQ(out[0].source_zone->id, "L2");
  EXPECT_EQ(out[0].destination_zone->id, "L1");
  EXPECT_NE(out[0].message.find("masters: 10.10.2.10, 10.10.2.11"), std::string::npos) << out[0].message;
}

TEST_F(CheckPdu, PolClassNotAllowed) {
  auto out = check("10.10.2.10", modbus(8, 0x00));  // diagnostic
  ASSERT_EQ(ids(out), Ids{"POL-CLASS"}) << test::dump(out);
  EXPECT_NE(out[0].message.find("modbus function 8/0 (class diagnostic)"), std::string::npos) << out[0].message;
  out = check("10.10.2.10", modbus(43, 14));  // identify
  EXPECT_EQ(ids(out), Ids{"POL-CLASS"}) << test::dump(out);
  // `other` (here an IEC 104 TESTFR) is never a class violation.
  PduFacts testfr = test::pdu(ProtocolId::iec104, -1, iec104_class(-1, 0x43));
  EXPECT_TRUE(check("10.10.2.12", testfr, inside_, "10.10.1.40").empty());
  PduFacts startdt = test::pdu(ProtocolId::iec104, -1, iec104_class(-1, 0x07));
  EXPECT_TRUE(check("10.10.2.12", startdt, inside_, "10.10.1.40").empty());
  PduFacts setpoint = test::pdu(ProtocolId::iec104, 50, iec104_class(50), 1);
  EXPECT_EQ(ids(check("10.10.2.12", setpoint, inside_, "10.10.1.40")), Ids{"POL-CLASS"});
}

TEST_F(CheckPdu, PolUnitNotAllowed) {
  auto out = check("10.10.2.10", modbus(3, -1, 7));
  ASSERT_EQ(ids(out), Ids{"POL-UNIT"}) << test::dump(out);
  EXPECT_NE(out[0].message.find("unit 7"), std::string::npos);
  EXPECT_EQ(ids(check("10.10.2.10", modbus(3, -1, 0))), Ids{"POL-UNIT"}) << "broadcast unit 0 is not listed";
  EXPECT_TRUE(check("10.10.2.10", modbus(3, -1, 2)).empty());
  EXPECT_TRUE(check("10.10.2.10", modbus(3, -1, -1)).empty()) << "unknown unit: not judged";
  PduFacts dnp3_read = test::pdu(ProtocolId::dnp3, 1, dnp3_class(1), 11);
  EXPECT_EQ(ids(check("10.10.2.11", dnp3_read, inside_, "10.10.1.30")), Ids{"POL-UNIT"});
  dnp3_read.unit = 10;
  EXPECT_TRUE(check("10.10.2.11", dnp3_read, inside_, "10.10.1.30").empty());
}

TEST_F(CheckPdu, PolRangeWriteOutsideRanges) {
  // holding 0-59 (40001-40060), coils 0-31 (00001-00032)
  auto out = check("10.10.2.10", test::modbus_write(16, 1, DataTable::holding_registers, 58, 4));
  ASSERT_EQ(ids(out), Ids{"POL-RANGE"}) << test::dump(out);
  EXPECT_NE(out[0].message.find("holding_registers 58-61 (0-based)"), std::string::npos) << out[0].message;
  EXPECT_EQ(ids(check("10.10.2.10", test::modbus_write(6, 1, DataTable::holding_registers, 60, 1))), Ids{"POL-RANGE"});
  EXPECT_EQ(ids(check("10.10.2.10", test::modbus_write(15, 1, DataTable::coils, 31, 2))), Ids{"POL-RANGE"});
  EXPECT_EQ(ids(check("10.10.2.10", test::modbus_write(6, 1, DataTable::input_registers, 0, 1))), Ids{"POL-RANGE"})
      << "a table with no range at all";
}

TEST_F(CheckPdu, PolRangeNegative) {
  EXPECT_TRUE(check("10.10.2.10", test::modbus_write(16, 1, DataTable::holding_registers, 56, 4)).empty());
  EXPECT_TRUE(check("10.10.2.10", test::modbus_write(6, 1, DataTable::holding_registers, 0, 1)).empty());
  EXPECT_TRUE(check("10.10.2.10", test::modbus_write(5, 1, DataTable::coils, 31, 1)).empty());
  EXPECT_TRUE(check("10.10.2.10", test::modbus_write(15, 1, DataTable::coils, 0, 32)).empty());
  EXPECT_TRUE(check("10.10.2.10", test::modbus_write(6, 1, DataTable::none, -1, 0)).empty()) << "address unknown";
  // Reads are never range-checked.
  PduFacts read = modbus(3);
  read.table = DataTable::holding_registers;
  read.address = 4000;
  read.count = 10;
  EXPECT_TRUE(check("10.10.2.10", read).empty());
}

TEST_F(CheckPdu, PolRangeUnionOfAdjacentRanges) {
  const auto p = test::must_load(R"(policy: {id: x}
zones: [{id: a, match: {cidr: [10.1.0.0/16]}}, {id: b, match: {cidr: [10.2.0.0/16]}}]
conduits:
  - {id: c, from: a, to: b, protocol: modbus, allow: {write_ranges: {holding: ["20-29", "0-9", "10-19", "5-12"]}}}
)");
  ASSERT_NE(p, nullptr);
  const auto run = [&](std::int64_t address, std::uint32_t count) {
    std::vector<PolicyFinding> out;
    p->check_pdu(flow("10.1.0.1", 50000, "10.2.0.1", 502, ProtocolId::modbus),
                 test::modbus_write(16, 1, DataTable::holding_registers, address, count), inside_, out);
    return out.size();
  };
  EXPECT_EQ(run(8, 4), 0u);
  EXPECT_EQ(run(0, 30), 0u);
  EXPECT_EQ(run(25, 5), 0u);
  EXPECT_EQ(run(25, 6), 1u);
  EXPECT_EQ(run(30, 1), 1u);
}

TEST_F(CheckPdu, PolWindowOutsideEveryWindow) {
  const auto out = check("10.10.3.5", modbus(90, 0x31), outside_);
  ASSERT_EQ(ids(out), Ids{"POL-WINDOW"}) << test::dump(out);
  EXPECT_EQ(out[0].clause, "conduit ews-to-dosing");
  EXPECT_NE(out[0].message.find("MW-2025-117"), std::string::npos);
  // Any class on a windowed conduit counts, not only program/mode/file.
  EXPECT_EQ(ids(check("10.10.3.5", modbus(43, 14), outside_)), Ids{"POL-WINDOW"});
}

TEST_F(CheckPdu, PolWindowNegativeInsideTheWindow) {
  EXPECT_TRUE(check("10.10.3.5", modbus(90, 0x31), inside_).empty());
  EXPECT_TRUE(check("10.10.3.5", modbus(90, 0x41), inside_).empty());      // stop PLC: mode
  EXPECT_TRUE(check("10.10.3.5", modbus(21), inside_).empty());            // write file record
  EXPECT_TRUE(check("10.10.3.5", modbus(90, 0x31), core::Timestamp::from_seconds(1764626400)).empty())
      << "the start is inclusive";
}

TEST_F(CheckPdu, Sg03ProgramFromNonEngineeringZone) {
  auto out = check("10.10.2.10", modbus(90, 0x31));
  EXPECT_EQ(ids(out), (Ids{"POL-CLASS", "SG-03"})) << test::dump(out);
  const PolicyFinding* sg03 = test::find(out, "SG-03");
  EXPECT_EQ(sg03->clause, "zone L2 roles");
  EXPECT_EQ(sg03->source_zone->id, "L2");
  EXPECT_NE(sg03->message.find("lacks role engineering"), std::string::npos) << sg03->message;
  out = check("10.10.2.10", modbus(8, 0x04));  // force listen only: mode
  EXPECT_EQ(ids(out), (Ids{"POL-CLASS", "SG-03"})) << test::dump(out);
  out = check("10.10.2.10", modbus(20));       // read file record: file
  EXPECT_EQ(ids(out), (Ids{"POL-CLASS", "SG-03"})) << test::dump(out);
  PduFacts cold_restart = test::pdu(ProtocolId::dnp3, 0x0D, dnp3_class(0x0D), 10);
  out = check("10.10.2.11", cold_restart, inside_, "10.10.1.30");
  EXPECT_EQ(ids(out), (Ids{"POL-CLASS", "SG-03"})) << test::dump(out);
}

TEST_F(CheckPdu, Sg03ExcusedOnlyByAWindowedConduitNamingTheClassForThatMaster) {
  EXPECT_TRUE(check("10.10.3.9", modbus(90, 0x31), inside_).empty()) << "contractor inside MW-2025-118";
  auto out = check("10.10.3.9", modbus(90, 0x31), outside_);
  EXPECT_EQ(ids(out), (Ids{"POL-WINDOW", "SG-03"})) << test::dump(out);
  out = check("10.10.3.10", modbus(90, 0x31), inside_);
  EXPECT_EQ(ids(out), (Ids{"POL-MASTER", "SG-03"})) << test::dump(out);
  out = check("10.10.3.9", modbus(8, 0x01), inside_);  // mode is not named by contractor-maint
  EXPECT_EQ(ids(out), (Ids{"POL-CLASS", "SG-03"})) << test::dump(out);
}

TEST_F(CheckPdu, Sg03EngineeringZoneAndOtherClassesAreSilent) {
  EXPECT_TRUE(check("10.10.3.5", modbus(90, 0x40), inside_).empty());
  PduFacts read = modbus(3);
  EXPECT_TRUE(check("10.10.3.9", read, inside_).empty());
}

TEST_F(CheckPdu, Sg03FromNoZoneAndWithoutConduit) {
  const auto p = test::must_load(R"(policy: {id: x}
zones: [{id: L1, purdue: 1, match: {cidr: [10.10.1.0/24]}}]
)");
  ASSERT_NE(p, nullptr);
  std::vector<PolicyFinding> out;
  p->check_pdu(flow("198.51.100.1", 50000, "10.10.1.20", 502, ProtocolId::modbus), modbus(90, 0x31), inside_, out);
  ASSERT_EQ(ids(out), Ids{"SG-03"}) << test::dump(out);
  EXPECT_EQ(out[0].clause, "no zone");
  EXPECT_EQ(out[0].source_zone, nullptr);
  out.clear();
  p->check_pdu(flow("10.10.1.5", 50000, "10.10.1.20", 502, ProtocolId::modbus), modbus(90, 0x31), inside_, out);
  EXPECT_EQ(ids(out), Ids{"SG-03"}) << "inside one zone, no conduit\n" << test::dump(out);
}

TEST_F(CheckPdu, SeveralBreachesOfOneConduitAreAllReported) {
  PduFacts p = test::modbus_write(16, 9, DataTable::holding_registers, 100, 2);
  const auto out = check("10.10.2.99", p);
  EXPECT_EQ(ids(out), (Ids{"POL-MASTER", "POL-UNIT", "POL-RANGE"})) << test::dump(out);
}

TEST_F(CheckPdu, TheConduitThatAllowsThePduWins) {
  const auto p = test::must_load(R"(policy: {id: x}
zones: [{id: a, match: {cidr: [10.1.0.0/16]}}, {id: b, match: {cidr: [10.2.0.0/16]}}]
conduits:
  - {id: hmi, from: a, to: b, protocol: modbus, masters: [10.1.0.10], allow: {classes: [read, write]}}
  - {id: historian, from: a, to: b, protocol: modbus, masters: [10.1.0.20], allow: {classes: [read]}}
  - {id: anything, from: a, to: b, protocol: any, masters: [10.1.0.30]}
)");
  ASSERT_NE(p, nullptr);
  const auto run = [&](std::string_view client, std::int32_t fc) {
    std::vector<PolicyFinding> out;
    p->check_pdu(flow(client, 50000, "10.2.0.1", 502, ProtocolId::modbus), modbus(fc), inside_, out);
    return out;
  };
  EXPECT_TRUE(run("10.1.0.20", 3).empty());
  EXPECT_TRUE(run("10.1.0.30", 6).empty());
  const auto out = run("10.1.0.20", 6);
  ASSERT_EQ(out.size(), 1u) << test::dump(out);
  EXPECT_EQ(out[0].clause, "conduit hmi") << "a tie goes to the first conduit in the file";
}

}  // namespace
}  // namespace normwatch::rules
