// POL-RATE: writes and commands per minute per (conduit, master), a window that slides in 5 s
// steps, one finding per burst, and the bounded counter table with its eviction counter.
#include <gtest/gtest.h>

#include "normwatch/rules/function_classes.hpp"
#include "policy_helpers.hpp"

namespace normwatch::rules {
namespace {

using protocols::ProtocolId;
using test::flow;

constexpr std::string_view kPolicy = R"(policy: {id: rates}
zones:
  - {id: L1, purdue: 1, match: {cidr: [10.10.1.0/24]}}
  - {id: L2, purdue: 2, match: {cidr: [10.10.2.0/24]}}
conduits:
  - id: hmi
    from: L2
    to: L1
    protocol: modbus
    rate: {write_per_min: 5, commands_per_min: 3}
  - {id: rtu, from: L2, to: L1, protocol: iec104, rate: {commands_per_min: 2}}
)";

constexpr std::int64_t kT0 = 1'767'225'600;  // 2026-01-01T00:00:00Z

core::Timestamp t(double seconds) {
  return core::Timestamp{kT0 * 1'000'000'000 + static_cast<std::int64_t>(seconds * 1e9)};
}

class Rate : public ::testing::Test {
 protected:
  void SetUp() override { load({}); }
  void load(const PolicyLimits& limits) {
    auto r = Policy::load_text(kPolicy, "rates.yaml", limits);
    ASSERT_TRUE(r) << test::dump(r.error());
    policy_ = std::move(*r);
  }
  std::size_t send(std::string_view client, const PduFacts& p, core::Timestamp ts) {
    std::vector<PolicyFinding> out;
    policy_->check_pdu(flow(client, 50000, "10.10.1.20", 502, p.protocol), p, ts, out);
    last_ = out;
    std::size_t n = 0;
    for (const PolicyFinding& f : out) n += f.rule_id == "POL-RATE" ? 1 : 0;
    return n;
  }
  static PduFacts write() { return test::modbus_write(6, 1, DataTable::holding_registers, 1, 1); }
  static PduFacts command() {
    PduFacts p = test::modbus_write(5, 1, DataTable::coils, 1, 1);
    p.function_class = modbus_class(5, -1, true);
    return p;
  }
  std::unique_ptr<Policy> policy_;
  std::vector<PolicyFinding> last_;
};

TEST_F(Rate, FiresOnceWhenTheLimitIsCrossed) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(send("10.10.2.10", write(), t(i)), 0u) << i;
  EXPECT_EQ(send("10.10.2.10", write(), t(5)), 1u);
  ASSERT_EQ(last_.size(), 1u);
  EXPECT_EQ(last_[0].clause, "conduit hmi");
  EXPECT_NE(last_[0].message.find("6 writes from 10.10.2.10 within 60 s exceed conduit hmi's rate.write_per_min of 5"),
            std::string::npos)
      << last_[0].message;
  for (int i = 6; i < 20; ++i) EXPECT_EQ(send("10.10.2.10", write(), t(i)), 0u) << "same burst " << i;
}

TEST_F(Rate, CountsPerMasterAndPerKind) {
  for (int i = 0; i < 5; ++i) send("10.10.2.10", write(), t(i));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(send("10.10.2.11", write(), t(i)), 0u) << "another master";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(send("10.10.2.10", command(), t(i)), 0u) << "commands counted apart";
  EXPECT_EQ(send("10.10.2.10", command(), t(4)), 1u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(send("10.10.2.10", test::pdu(ProtocolId::modbus, 3, FunctionClass::read, 1), t(i)), 0u);
}

TEST_F(Rate, CountsPerConduit) {
  PduFacts cmd = test::pdu(ProtocolId::iec104, 45, iec104_class(45), 1);
  EXPECT_EQ(send("10.10.2.10", cmd, t(0)), 0u);
  EXPECT_EQ(send("10.10.2.10", cmd, t(1)), 0u);
  EXPECT_EQ(send("10.10.2.10", cmd, t(2)), 1u) << "rtu allows 2 commands per minute";
  EXPECT_EQ(send("10.10.2.10", command(), t(3)), 0u) << "hmi's command count is separate";
}

TEST_F(Rate, WindowSlidesAndReArms) {
  for (int i = 0; i < 6; ++i) send("10.10.2.10", write(), t(i));  // 0-4 s in slot 0, 5 s in slot 1: crossed
  EXPECT_EQ(send("10.10.2.10", write(), t(30)), 0u) << "7 in the window: the same burst";
  // At 61 s the window is slots 1-12 (5-65 s): the five writes of slot 0 have left it. The writes
  // at 5, 30 and 61 s remain: 3, under the limit, so the next crossing is a new burst.
  EXPECT_EQ(send("10.10.2.10", write(), t(61)), 0u);
  EXPECT_EQ(send("10.10.2.10", write(), t(62)), 0u);
  EXPECT_EQ(send("10.10.2.10", write(), t(63)), 0u);
  EXPECT_EQ(send("10.10.2.10", write(), t(64)), 1u) << "6 in the window again: a new finding";
}

TEST_F(Rate, SlowWritesNeverFire) {
  for (int i = 0; i < 200; ++i) EXPECT_EQ(send("10.10.2.10", write(), t(i * 13.0)), 0u) << i;
}

TEST_F(Rate, OldReorderedEventsAreIgnored) {
  for (int i = 0; i < 5; ++i) send("10.10.2.10", write(), t(100 + i));
  EXPECT_EQ(send("10.10.2.10", write(), t(0)), 0u) << "100 s older than the window";
  EXPECT_EQ(send("10.10.2.10", write(), t(90)), 1u) << "inside the window although out of order";
}

TEST_F(Rate, StateIsBoundedAndEvictionsAreCounted) {
  PolicyLimits limits;
  limits.rate_states = 8;
  load(limits);
  EXPECT_EQ(policy_->counters().rate_state_capacity, 8u);
  for (int h = 1; h <= 50; ++h) send("10.10.2." + std::to_string(h), write(), t(1));
  const PolicyCounters c = policy_->counters();
  EXPECT_EQ(c.rate_states_in_use, 8u);
  EXPECT_EQ(c.rate_state_evictions, 42u);
  // Entries idle for a whole window are reused without counting an eviction.
  for (int h = 51; h <= 58; ++h) send("10.10.2." + std::to_string(h), write(), t(200));
  EXPECT_EQ(policy_->counters().rate_state_evictions, 42u);
}

TEST_F(Rate, DefaultCapacity) {
  EXPECT_EQ(policy_->counters().rate_state_capacity, PolicyLimits{}.rate_states);
  EXPECT_EQ(policy_->counters().rate_states_in_use, 0u);
}

}  // namespace
}  // namespace normwatch::rules
