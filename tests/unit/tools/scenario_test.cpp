// Scenarios: the table, determinism (same options, same bytes; another seed, other bytes), and
// the benchmark scenarios' shape (exact frame count, handshakes first, small payloads, flows).
#include "capgen/scenario.hpp"

#include <gtest/gtest.h>

#include <set>

#include "tools/tools_test_helpers.hpp"

namespace normwatch::tools::capgen {
namespace {

std::vector<test::CapturedFrame> run(std::string_view name, const ScenarioOptions& options = {}) {
  test::MemorySink sink;
  const Scenario* s = find_scenario(name);
  EXPECT_NE(s, nullptr) << name;
  if (s != nullptr) run_scenario(*s, options, sink);
  return sink.frames;
}

TEST(Scenarios, NamesAreUniqueAndDocumented) {
  std::set<std::string_view> names;
  for (const Scenario& s : all_scenarios()) {
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    EXPECT_GT(s.summary.size(), 20u) << s.name;
  }
  EXPECT_EQ(find_scenario("no-such-scenario"), nullptr);
  EXPECT_FALSE(write_scenario("no-such-scenario", {}, "/nonexistent/x.pcap"));
}

TEST(Scenarios, EveryScenarioIsDeterministicAndTimeOrdered) {
  ScenarioOptions small;
  small.frames = 3000;
  small.flows = 300;
  for (const Scenario& s : all_scenarios()) {
    const auto a = run(s.name, small);
    const auto b = run(s.name, small);
    ASSERT_FALSE(a.empty()) << s.name;
    ASSERT_EQ(a.size(), b.size()) << s.name;
    for (std::size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i].bytes, b[i].bytes) << s.name << " frame " << i + 1;
      ASSERT_EQ(a[i].ts_us, b[i].ts_us) << s.name << " frame " << i + 1;
      if (i > 0) {
        ASSERT_GT(a[i].ts_us, a[i - 1].ts_us) << s.name << " frame " << i + 1;
      }
      const auto p = test::parse_frame(a[i].bytes);
      ASSERT_TRUE(p) << s.name << " frame " << i + 1;
      EXPECT_TRUE(test::ip_header_checksum_ok(a[i].bytes, *p)) << s.name << " frame " << i + 1;
    }
  }
}

TEST(Scenarios, SeedChangesTheBytes) {
  ScenarioOptions other;
  other.seed = 7;
  const auto a = run("demo");
  const auto b = run("demo", other);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_NE(a[0].bytes, b[0].bytes);  // initial sequence numbers differ
}

TEST(Scenarios, BenchShape) {
  ScenarioOptions options;
  options.frames = 5000;
  options.flows = 64;
  const auto frames = run("bench", options);
  ASSERT_EQ(frames.size(), 5000u);
  std::set<std::pair<Bytes, std::uint16_t>> clients;  // client address and port
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto p = test::parse_frame(frames[i].bytes);
    ASSERT_TRUE(p);
    ASSERT_TRUE(test::l4_checksum_ok(frames[i].bytes, *p)) << "frame " << i + 1;
    if (i < 64) {
      EXPECT_EQ(p->flags, kSyn);
      clients.emplace(Bytes(frames[i].bytes.begin() + 26, frames[i].bytes.begin() + 30), p->src_port);
    } else if (i < 192) {
      EXPECT_TRUE(p->payload.empty());
    } else {
      EXPECT_GE(p->payload.size(), 12u);
      EXPECT_LE(p->payload.size(), 60u);
    }
  }
  EXPECT_EQ(clients.size(), 64u);
}

TEST(Scenarios, SynSweepGivesDistinctFlows) {
  ScenarioOptions options;
  options.flows = 2000;
  const auto frames = run("bench-syn-sweep", options);
  ASSERT_EQ(frames.size(), 2000u);
  std::set<std::pair<Bytes, std::uint16_t>> flows;
  for (const auto& f : frames) {
    const auto p = test::parse_frame(f.bytes);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->flags, kSyn);
    flows.emplace(Bytes(f.bytes.begin() + 26, f.bytes.begin() + 34), p->src_port);  // addresses + port
  }
  EXPECT_EQ(flows.size(), 2000u);
}

}  // namespace
}  // namespace normwatch::tools::capgen
