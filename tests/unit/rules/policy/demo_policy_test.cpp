// rules/policies/demo-plant.yaml against the endpoints and PDUs of the shipped benign capture
// captures/demo/plant-demo.pcap (captures/README.md), built by hand: no finding at all. Then the
// same plant with hostile variants, to show that the policy is not vacuous.
#include <gtest/gtest.h>

#include "normwatch/rules/function_classes.hpp"
#include "policy_helpers.hpp"

namespace normwatch::rules {
namespace {

using protocols::ProtocolId;
using Mac = std::array<std::uint8_t, 6>;

constexpr std::int64_t kT0 = 1'767'225'600;  // 2026-01-01T00:00:00Z, the capture's first frame

// The capture's MACs are 02:4e:57:00:<subnet>:<host>.
Mac mac_of(std::uint8_t subnet, std::uint8_t host) { return {0x02, 0x4e, 0x57, 0x00, subnet, host}; }

FlowFacts demo_flow(std::string_view client, std::uint16_t cport, std::string_view server, std::uint16_t sport,
                    std::uint8_t ip_proto, ProtocolId ics, std::string_view app) {
  FlowFacts f = test::flow(client, cport, server, sport, ics, app);
  f.ip_proto = ip_proto;
  f.client_mac = mac_of(f.client_ip.bytes[2], f.client_ip.bytes[3]);
  f.server_mac = mac_of(f.server_ip.bytes[2], f.server_ip.bytes[3]);
  return f;
}

struct Demo {
  FlowFacts plc1 = demo_flow("10.10.2.10", 49200, "10.10.1.20", 502, 6, ProtocolId::modbus, "Modbus");
  FlowFacts plc2 = demo_flow("10.10.2.10", 49201, "10.10.1.21", 502, 6, ProtocolId::modbus, "Modbus");
  FlowFacts dnp3 = demo_flow("10.10.2.11", 50100, "10.10.1.30", 20000, 6, ProtocolId::dnp3, "DNP3");
  FlowFacts iec104 = demo_flow("10.10.2.12", 50200, "10.10.1.40", 2404, 6, ProtocolId::iec104, "IEC60870");
  FlowFacts dns = demo_flow("10.10.2.10", 53001, "10.10.2.5", 53, 17, ProtocolId::unknown, "DNS");
  FlowFacts http = demo_flow("10.10.2.20", 51000, "10.10.2.50", 80, 6, ProtocolId::unknown, "HTTP");
  FlowFacts ssh = demo_flow("10.10.2.20", 51010, "10.10.2.60", 22, 6, ProtocolId::unknown, "SSH");
  FlowFacts ntp = demo_flow("10.10.1.20", 123, "10.10.2.5", 123, 17, ProtocolId::unknown, "NTP");
};

PduFacts modbus_read(std::int32_t fc, std::int64_t unit, DataTable table, std::int64_t address, std::uint32_t count) {
  PduFacts p = test::pdu(ProtocolId::modbus, fc, modbus_class(fc, -1), unit);
  p.table = table;
  p.address = address;
  p.count = count;
  return p;
}

class DemoPolicy : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_ = test::must_load_file("rules/policies/demo-plant.yaml");
    ASSERT_NE(policy_, nullptr);
  }
  void flow_check(const FlowFacts& f, core::Timestamp ts) { policy_->check_flow(f, false, false, ts, out_); }
  void pdu_check(const FlowFacts& f, const PduFacts& p, core::Timestamp ts) { policy_->check_pdu(f, p, ts, out_); }

  // The PDUs of captures/README.md, ten one-second cycles.
  void replay_benign() {
    const Demo d;
    const auto ts = [](int cycle, int ms) { return core::Timestamp::from_seconds(kT0 + cycle, ms * 1'000'000LL); };
    for (const FlowFacts* f : {&d.plc1, &d.plc2, &d.dnp3, &d.iec104}) flow_check(*f, ts(0, 0));
    flow_check(d.dns, ts(0, 232));
    flow_check(d.http, ts(2, 228));
    flow_check(d.ssh, ts(4, 230));
    flow_check(d.ntp, ts(6, 351));
    for (int cycle = 0; cycle < 10; ++cycle) {
      pdu_check(d.plc1, modbus_read(3, 1, DataTable::holding_registers, 0, 10), ts(cycle, 1));
      pdu_check(d.plc1, modbus_read(1, 1, DataTable::coils, 0, 16), ts(cycle, 2));
      pdu_check(d.plc2, modbus_read(3, 2, DataTable::holding_registers, 0, 10), ts(cycle, 73));
      pdu_check(d.plc2, modbus_read(1, 2, DataTable::coils, 0, 16), ts(cycle, 74));
      if (cycle == 3) pdu_check(d.plc1, test::modbus_write(6, 1, DataTable::holding_registers, 5, 1), ts(cycle, 3));
      if (cycle == 5) pdu_check(d.plc1, test::modbus_write(16, 1, DataTable::holding_registers, 10, 4), ts(cycle, 3));
      if (cycle == 7) pdu_check(d.plc2, modbus_read(3, 2, DataTable::holding_registers, 4000, 1), ts(cycle, 75));
      // DNP3: integrity poll in cycle 0, event polls after; the master confirms unsolicited responses.
      pdu_check(d.dnp3, test::pdu(ProtocolId::dnp3, 0x01, dnp3_class(0x01), 10), ts(cycle, 146));
      if (cycle == 3 || cycle == 6) {
        PduFacts unsolicited = test::pdu(ProtocolId::dnp3, 0x82, dnp3_class(0x82), 1);
        unsolicited.from_master = false;
        pdu_check(d.dnp3, unsolicited, ts(cycle, 500));
        pdu_check(d.dnp3, test::pdu(ProtocolId::dnp3, 0x00, dnp3_class(0x00), 10), ts(cycle, 501));
      }
      // IEC 104: STARTDT, general interrogation, TESTFR, select/execute, S-frames.
      PduFacts u = test::pdu(ProtocolId::iec104, -1, FunctionClass::other);
      if (cycle == 0) {
        u.sub = 0x07;
        u.function_class = iec104_class(-1, 0x07);
        pdu_check(d.iec104, u, ts(cycle, 206));
      }
      if (cycle == 1) pdu_check(d.iec104, test::pdu(ProtocolId::iec104, 100, iec104_class(100), 1), ts(cycle, 206));
      if (cycle == 3) {
        u.sub = 0x43;
        u.function_class = iec104_class(-1, 0x43);
        pdu_check(d.iec104, u, ts(cycle, 206));
      }
      if (cycle == 5) {
        PduFacts sco = test::pdu(ProtocolId::iec104, 45, iec104_class(45), 1);
        sco.table = DataTable::objects;
        sco.address = 1001;
        sco.count = 1;
        pdu_check(d.iec104, sco, ts(cycle, 206));  // select
        pdu_check(d.iec104, sco, ts(cycle, 260));  // execute
      }
      pdu_check(d.iec104, test::pdu(ProtocolId::iec104, -1, iec104_class(-1, -1)), ts(cycle, 300));  // S-frame
    }
  }

  std::unique_ptr<Policy> policy_;
  std::vector<PolicyFinding> out_;
};

TEST_F(DemoPolicy, ZonesOfTheDemoHosts) {
  const auto zone = [&](std::string_view a) { return policy_->zone_of(test::ip(a), 0, std::nullopt)->id; };
  EXPECT_EQ(zone("10.10.1.20"), "L1-field");
  EXPECT_EQ(zone("10.10.1.40"), "L1-field");
  EXPECT_EQ(zone("10.10.2.10"), "L2-scada");
  EXPECT_EQ(zone("10.10.2.12"), "L2-scada");
  EXPECT_EQ(zone("10.10.2.5"), "L2-services");
  EXPECT_EQ(zone("10.10.2.20"), "L3-operations");
  EXPECT_EQ(zone("10.10.2.60"), "L3-operations");
  EXPECT_EQ(zone("192.0.2.1"), "outside");
}

TEST_F(DemoPolicy, BenignCaptureGivesNoFinding) {
  replay_benign();
  EXPECT_TRUE(out_.empty()) << test::dump(out_);
  EXPECT_EQ(policy_->counters().rate_state_evictions, 0u);
}

TEST_F(DemoPolicy, HostileVariantsAreCaught) {
  const Demo d;
  const core::Timestamp ts = core::Timestamp::from_seconds(kT0 + 3);
  FlowFacts rogue = d.plc1;
  rogue.client_ip = test::ip("10.10.2.99");
  rogue.client_mac.reset();
  pdu_check(rogue, test::modbus_write(6, 1, DataTable::holding_registers, 5, 1), ts);
  pdu_check(d.plc1, test::modbus_write(6, 1, DataTable::holding_registers, 500, 1), ts);
  PduFacts stop = test::pdu(ProtocolId::modbus, 90, modbus_class(90, 0x41), 1);
  stop.sub = 0x41;
  pdu_check(d.plc1, stop, ts);
  FlowFacts rdp = demo_flow("203.0.113.7", 50000, "10.10.1.20", 3389, 6, ProtocolId::unknown, "RDP");
  flow_check(rdp, ts);
  FlowFacts ntp_reverse = d.ntp;
  std::swap(ntp_reverse.client_ip, ntp_reverse.server_ip);
  std::swap(ntp_reverse.client_mac, ntp_reverse.server_mac);
  flow_check(ntp_reverse, ts);
  EXPECT_EQ(test::rule_ids(out_),
            (std::vector<std::string>{"POL-MASTER", "POL-RANGE", "POL-CLASS", "SG-03", "SG-01", "SG-05", "SG-01"}))
      << test::dump(out_);
}

}  // namespace
}  // namespace normwatch::rules
