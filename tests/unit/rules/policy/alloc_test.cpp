// The common path allocates nothing: a benign PDU or flow checked against a loaded policy (with
// the caller's reused output vector) performs no heap allocation. Counts operator new in this
// test program.
#include <gtest/gtest.h>

#include "normwatch/rules/function_classes.hpp"
#include "policy_helpers.hpp"
#include "support/heap_counter.hpp"

namespace normwatch::rules {
namespace {

using protocols::ProtocolId;

TEST(PolicyAllocations, BenignChecksDoNotAllocate) {
  const auto p = test::must_load_file("rules/policies/demo-plant.yaml");
  ASSERT_NE(p, nullptr);
  const FlowFacts modbus = test::flow("10.10.2.10", 49200, "10.10.1.20", 502, ProtocolId::modbus, "Modbus");
  const FlowFacts ntp = test::flow("10.10.1.20", 123, "10.10.2.5", 123, ProtocolId::unknown, "NTP");
  const FlowFacts ssh = test::flow("10.10.2.20", 51010, "10.10.2.60", 22, ProtocolId::unknown, "SSH");
  const PduFacts read = test::pdu(ProtocolId::modbus, 3, modbus_class(3, -1), 1);
  const PduFacts write = test::modbus_write(16, 1, DataTable::holding_registers, 10, 4);
  std::vector<PolicyFinding> out;
  out.reserve(8);
  const core::Timestamp t0 = core::Timestamp::from_seconds(1'767'225'600);
  p->check_pdu(modbus, write, t0, out);  // creates the master's rate entry (preallocated table)

  const std::uint64_t before = normwatch::test::heap_allocations();
  for (int i = 0; i < 1000; ++i) {
    const core::Timestamp ts = t0.plus_ns(static_cast<std::int64_t>(i) * 100'000'000);
    p->check_pdu(modbus, read, ts, out);
    if (i % 100 == 0) p->check_pdu(modbus, write, ts, out);
    p->check_flow(modbus, false, false, ts, out);
    p->check_flow(ntp, false, false, ts, out);
    p->check_flow(ssh, false, false, ts, out);
    (void)p->zone_of(modbus.server_ip, 0, std::nullopt);
  }
  EXPECT_EQ(normwatch::test::heap_allocations() - before, 0u);
  EXPECT_TRUE(out.empty()) << test::dump(out);
}

}  // namespace
}  // namespace normwatch::rules
