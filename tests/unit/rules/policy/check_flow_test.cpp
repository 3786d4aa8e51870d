// Per-flow segmentation checks SG-01, SG-02, SG-05, SG-06, SG-07: each finding with its clause and
// both zones, and its negative (the same flow through a conduit, inside a window, inside a zone).
#include <gtest/gtest.h>

#include "policy_helpers.hpp"

namespace normwatch::rules {
namespace {

using protocols::ProtocolId;
using test::flow;
using Ids = std::vector<std::string>;

constexpr std::string_view kPolicy = R"(policy: {id: flows}
zones:
  - {id: L1, purdue: 1, match: {cidr: [10.10.1.0/24]}}
  - {id: L2, purdue: 2, match: {cidr: [10.10.2.0/24]}}
  - {id: L3, purdue: 3, roles: [engineering], match: {cidr: [10.10.3.0/24]}}
  - {id: dmz, purdue: 3.5, match: {cidr: [10.10.35.0/24]}}
  - {id: corp, purdue: 4, match: {cidr: [10.20.0.0/16]}}
  - {id: vendor, tags: [external], match: {cidr: [192.0.2.0/24]}}
  - {id: it, match: {cidr: [10.30.0.0/16]}}
  - {id: internet, match: {default: true}}
conduits:
  - {id: scada-modbus, from: L2, to: L1, protocol: modbus, masters: [10.10.2.10]}
  - {id: corp-historian, from: corp, to: dmz, protocol: any}
  - {id: corp-any-l2, from: corp, to: L2, protocol: any}
  - id: vendor-ssh
    from: vendor
    to: L1
    protocol: SSH
    masters: [192.0.2.7]
    windows: [{ticket: MW-1, start: "2025-12-01T22:00Z", end: "2025-12-02T02:00Z"}]
  - id: vendor-modbus
    from: vendor
    to: L2
    protocol: modbus
    windows: [{ticket: MW-2, start: "2025-12-01T22:00Z", end: "2025-12-02T02:00Z"}]
  - {id: ews-ftp, from: L3, to: L1, protocol: ftp}
default: deny
)";

class CheckFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_ = test::must_load(kPolicy);
    ASSERT_NE(policy_, nullptr);
  }
  std::vector<PolicyFinding> check(const FlowFacts& f, core::Timestamp ts = inside_, bool ics_off_port = false,
                                   bool foreign_on_port = false) {
    std::vector<PolicyFinding> out;
    policy_->check_flow(f, ics_off_port, foreign_on_port, ts, out);
    return out;
  }
  static Ids ids(const std::vector<PolicyFinding>& f) { return test::rule_ids(f); }

  std::unique_ptr<Policy> policy_;
  static inline const core::Timestamp inside_ = core::Timestamp::from_seconds(1764626400 + 3600);   // 23:00Z
  static inline const core::Timestamp outside_ = core::Timestamp::from_seconds(1764640800 + 60);    // 02:01Z
};

TEST_F(CheckFlow, Sg01FlowBetweenZonesWithoutConduit) {
  const auto out = check(flow("10.10.3.7", 50000, "10.10.1.20", 502, ProtocolId::modbus, "Modbus"));
  ASSERT_EQ(ids(out), Ids{"SG-01"}) << test::dump(out);
  EXPECT_EQ(out[0].clause, "default: deny");
  ASSERT_NE(out[0].source_zone, nullptr);
  ASSERT_NE(out[0].destination_zone, nullptr);
  EXPECT_EQ(out[0].source_zone->id, "L3");
  EXPECT_EQ(out[0].destination_zone->id, "L1");
  EXPECT_NE(out[0].message.find("10.10.3.7:50000 (L3) -> 10.10.1.20:502 (L1)"), std::string::npos) << out[0].message;
}

TEST_F(CheckFlow, Sg01NegativeThroughConduitAndInsideOneZone) {
  EXPECT_TRUE(check(flow("10.10.2.10", 50000, "10.10.1.20", 502, ProtocolId::modbus, "Modbus")).empty());
  EXPECT_TRUE(check(flow("10.10.1.21", 50000, "10.10.1.20", 502, ProtocolId::modbus, "Modbus")).empty());
  EXPECT_TRUE(check(flow("10.20.0.5", 50000, "10.10.35.9", 443, ProtocolId::unknown, "TLS")).empty());
  // Two hosts of the default zone are one zone too.
  EXPECT_TRUE(check(flow("8.8.8.8", 53, "1.1.1.1", 53, ProtocolId::unknown, "DNS")).empty());
}

TEST_F(CheckFlow, Sg01ConduitRunsOneWay) {
  const auto out = check(flow("10.10.1.20", 50000, "10.10.2.10", 502, ProtocolId::modbus, "Modbus"));
  EXPECT_EQ(ids(out), Ids{"SG-01"}) << test::dump(out);
}

TEST_F(CheckFlow, Sg01ProtocolMustMatch) {
  const auto out = check(flow("10.10.2.10", 50000, "10.10.1.30", 20000, ProtocolId::dnp3, "DNP3"));
  EXPECT_EQ(ids(out), Ids{"SG-01"}) << test::dump(out);
  // nDPI's name alone (no ICS parser verdict) also matches, case-insensitively.
  EXPECT_TRUE(check(flow("10.10.2.10", 50000, "10.10.1.20", 502, ProtocolId::unknown, "MODBUS")).empty());
}

TEST_F(CheckFlow, Sg01IcsMastersAndWindowsAreLeftToThePduChecks) {
  // An unlisted host speaking Modbus through scada-modbus gets POL-MASTER per PDU, not SG-01.
  EXPECT_TRUE(check(flow("10.10.2.99", 50000, "10.10.1.20", 502, ProtocolId::modbus, "Modbus")).empty());
}

TEST_F(CheckFlow, Sg01NonIcsConduitJudgesMastersAndWindows) {
  auto out = check(flow("192.0.2.8", 50000, "10.10.1.20", 22, ProtocolId::unknown, "SSH"));
  ASSERT_NE(test::find(out, "SG-01"), nullptr) << test::dump(out);
  EXPECT_EQ(test::find(out, "SG-01")->clause, "conduit vendor-ssh");
  EXPECT_NE(test::find(out, "SG-01")->message.find("not a master listed in conduit vendor-ssh"), std::string::npos);
  out = check(flow("192.0.2.7", 50000, "10.10.1.20", 22, ProtocolId::unknown, "SSH"), outside_);
  ASSERT_NE(test::find(out, "SG-01"), nullptr) << test::dump(out);
  EXPECT_NE(test::find(out, "SG-01")->message.find("closed outside its windows"), std::string::npos);
}

TEST_F(CheckFlow, Sg01SilentWhenDefaultAllow) {
  std::string yaml(kPolicy);
  yaml.replace(yaml.find("default: deny"), 13, "default: allow");
  const auto p = test::must_load(yaml);
  ASSERT_NE(p, nullptr);
  std::vector<PolicyFinding> out;
  p->check_flow(flow("10.10.3.7", 50000, "10.10.1.20", 502, ProtocolId::modbus), false, false, inside_, out);
  EXPECT_TRUE(out.empty()) << test::dump(out);
}

TEST_F(CheckFlow, Sg02IcsIntoControlZoneFromEnterprise) {
  // corp-any-l2 lets the flow through (no SG-01), but "any" is no authorisation for ICS from IT.
  const auto out = check(flow("10.20.0.5", 50000, "10.10.2.10", 502, ProtocolId::modbus, "Modbus"));
  ASSERT_EQ(ids(out), Ids{"SG-02"}) << test::dump(out);
  EXPECT_EQ(out[0].clause, "conduit corp-any-l2");
  EXPECT_EQ(out[0].source_zone->id, "corp");
  EXPECT_EQ(out[0].destination_zone->id, "L2");
}

TEST_F(CheckFlow, Sg02FromDefaultExternalAndItZones) {
  auto out = check(flow("203.0.113.9", 50000, "10.10.1.20", 502, ProtocolId::modbus, "Modbus"));
  EXPECT_EQ(ids(out), (Ids{"SG-01", "SG-02"})) << test::dump(out);
  EXPECT_EQ(out[1].clause, "default: deny");
  EXPECT_EQ(out[1].source_zone->id, "internet");
  out = check(flow("10.30.0.1", 50000, "10.10.1.30", 20000, ProtocolId::dnp3, "DNP3"));
  EXPECT_EQ(ids(out), (Ids{"SG-01", "SG-02"})) << "zone named 'it'\n" << test::dump(out);
  out = check(flow("192.0.2.50", 50000, "10.10.2.10", 502, ProtocolId::modbus, "Modbus"), outside_);
  EXPECT_EQ(ids(out), Ids{"SG-02"}) << "tagged external, outside the window\n" << test::dump(out);
}

TEST_F(CheckFlow, Sg02NegativeInsideWindowAndFromLowerLevels) {
  EXPECT_TRUE(check(flow("192.0.2.50", 50000, "10.10.2.10", 502, ProtocolId::modbus, "Modbus"), inside_).empty());
  // IDMZ (3.5) and L3 reaching L1 without a conduit is SG-01 only.
  EXPECT_EQ(ids(check(flow("10.10.35.1", 50000, "10.10.1.20", 502, ProtocolId::modbus))), Ids{"SG-01"});
  EXPECT_EQ(ids(check(flow("10.10.3.1", 50000, "10.10.1.20", 502, ProtocolId::modbus))), Ids{"SG-01"});
  // Not an ICS protocol: not SG-02.
  EXPECT_TRUE(check(flow("10.20.0.5", 50000, "10.10.2.10", 443, ProtocolId::unknown, "TLS")).empty());
}

TEST_F(CheckFlow, Sg02FromAnAddressInNoZone) {
  const auto p = test::must_load(R"(policy: {id: x}
zones: [{id: L1, purdue: 1, match: {cidr: [10.10.1.0/24]}}]
)");
  ASSERT_NE(p, nullptr);
  std::vector<PolicyFinding> out;
  p->check_flow(flow("198.51.100.1", 50000, "10.10.1.20", 2404, ProtocolId::iec104), false, false, inside_, out);
  EXPECT_EQ(ids(out), (Ids{"SG-01", "SG-02"})) << test::dump(out);
  EXPECT_EQ(out[0].source_zone, nullptr);
  EXPECT_EQ(out[0].destination_zone->id, "L1");
  EXPECT_NE(out[1].message.find("an address in no zone"), std::string::npos) << out[1].message;
  // Two addresses in no zone: outside the policy's scope.
  out.clear();
  p->check_flow(flow("198.51.100.1", 50000, "198.51.100.2", 502, ProtocolId::modbus), false, false, inside_, out);
  EXPECT_TRUE(out.empty()) << test::dump(out);
}

TEST_F(CheckFlow, Sg05RemoteAccessIntoControlZone) {
  auto out = check(flow("192.0.2.7", 50000, "10.10.1.20", 22, ProtocolId::unknown, "SSH"), outside_);
  EXPECT_EQ(ids(out), (Ids{"SG-01", "SG-05"})) << test::dump(out);
  EXPECT_EQ(out[1].clause, "conduit vendor-ssh");
  out = check(flow("10.20.0.5", 50000, "10.10.2.10", 3389, ProtocolId::unknown, "RDP"));
  EXPECT_EQ(ids(out), Ids{"SG-05"}) << "'any' is no authorisation\n" << test::dump(out);
  out = check(flow("10.20.0.5", 50000, "10.10.2.10", 443, ProtocolId::unknown, "TLS.AnyDesk"));
  EXPECT_EQ(ids(out), Ids{"SG-05"}) << test::dump(out);
  out = check(flow("203.0.113.4", 1701, "10.10.2.10", 1701, ProtocolId::unknown, "L2TP"));
  EXPECT_EQ(ids(out), (Ids{"SG-01", "SG-05"})) << test::dump(out);
}

TEST_F(CheckFlow, Sg05NegativeInsideWindowOrNotIntoControl) {
  EXPECT_TRUE(check(flow("192.0.2.7", 50000, "10.10.1.20", 22, ProtocolId::unknown, "SSH"), inside_).empty());
  EXPECT_EQ(ids(check(flow("10.10.2.9", 50000, "10.10.3.3", 3389, ProtocolId::unknown, "RDP"))), Ids{"SG-01"});
  EXPECT_TRUE(check(flow("10.10.1.9", 50000, "10.10.1.3", 22, ProtocolId::unknown, "SSH")).empty())
      << "inside one zone";
}

TEST_F(CheckFlow, Sg06FileTransferIntoControlZone) {
  auto out = check(flow("10.10.3.7", 50000, "10.10.1.20", 69, ProtocolId::unknown, "TFTP"));
  EXPECT_EQ(ids(out), (Ids{"SG-01", "SG-06"})) << test::dump(out);
  out = check(flow("10.20.0.5", 50000, "10.10.2.10", 445, ProtocolId::unknown, "SMBv23"));
  EXPECT_EQ(ids(out), Ids{"SG-06"}) << test::dump(out);
  EXPECT_EQ(out[0].clause, "conduit corp-any-l2");
  // The ews-ftp conduit names ftp: FTP_CONTROL and FTP_DATA both pass.
  EXPECT_TRUE(check(flow("10.10.3.7", 50000, "10.10.1.20", 21, ProtocolId::unknown, "FTP_CONTROL")).empty());
  EXPECT_TRUE(check(flow("10.10.3.7", 50001, "10.10.1.20", 20, ProtocolId::unknown, "FTP_DATA")).empty());
}

TEST_F(CheckFlow, Sg07PortMismatch) {
  auto out = check(flow("10.10.2.10", 50000, "10.10.1.20", 5020, ProtocolId::modbus, "Modbus"), inside_, true, false);
  ASSERT_EQ(ids(out), Ids{"SG-07"}) << test::dump(out);
  EXPECT_EQ(out[0].clause, "conduit scada-modbus");
  EXPECT_NE(out[0].message.find("modbus on port 5020"), std::string::npos) << out[0].message;
  out = check(flow("10.10.1.5", 50000, "10.10.1.20", 502, ProtocolId::unknown, "HTTP"), inside_, false, true);
  ASSERT_EQ(ids(out), Ids{"SG-07"}) << test::dump(out);
  EXPECT_EQ(out[0].clause, "zone L1");
  EXPECT_NE(out[0].message.find("non-ICS payload (HTTP) on ICS port 502"), std::string::npos) << out[0].message;
  out = check(flow("10.10.3.5", 50000, "10.10.1.20", 502, ProtocolId::unknown, "HTTP"), inside_, false, true);
  EXPECT_EQ(ids(out), (Ids{"SG-01", "SG-07"})) << test::dump(out);
  EXPECT_EQ(out[1].clause, "default: deny");
}

TEST_F(CheckFlow, Sg07Negative) {
  EXPECT_TRUE(check(flow("10.10.2.10", 50000, "10.10.1.20", 502, ProtocolId::modbus), inside_, false, false).empty());
}

TEST(ConduitHelpers, SameSemanticsAsTheChecks) {
  const auto p = test::must_load(R"(policy: {id: x}
zones: [{id: a, match: {cidr: [10.1.0.0/16]}}, {id: b, match: {cidr: [10.2.0.0/16]}}]
conduits:
  - id: c
    from: a
    to: b
    protocol: IEC60870
    masters: [10.1.0.1]
    windows: [{ticket: T, start: "2025-12-01T22:00Z", end: "2025-12-02T02:00Z"}]
  - {id: s, from: a, to: b, protocol: SSH}
)");
  ASSERT_NE(p, nullptr);
  const Conduit& c = p->conduits()[0];
  EXPECT_EQ(c.protocol, "iec104") << "aliases resolved, lower case";
  EXPECT_EQ(p->conduits()[1].protocol, "ssh");
  EXPECT_TRUE(c.carries(ProtocolId::iec104, ""));
  EXPECT_TRUE(c.carries(ProtocolId::unknown, "IEC60870"));
  EXPECT_FALSE(c.carries(ProtocolId::modbus, "Modbus"));
  EXPECT_TRUE(p->conduits()[1].carries(ProtocolId::unknown, "TLS.SSH"));
  EXPECT_TRUE(c.lists_master(test::ip("10.1.0.1")));
  EXPECT_FALSE(c.lists_master(test::ip("10.1.0.2")));
  EXPECT_TRUE(p->conduits()[1].lists_master(test::ip("10.1.0.2")));
  EXPECT_TRUE(c.open_at(core::Timestamp::from_seconds(1764626400)));
  EXPECT_FALSE(c.open_at(core::Timestamp::from_seconds(1764640800)));
  EXPECT_TRUE(p->conduits()[1].open_at(core::Timestamp{}));
}

}  // namespace
}  // namespace normwatch::rules
