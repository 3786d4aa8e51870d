// The `demo` scenario: a small plant over ten one-second polling cycles (see scenario.cpp).
#include <vector>

#include "capgen/demo_actors.hpp"
#include "capgen/scenario_list.hpp"

namespace normwatch::tools::capgen::scenarios {
namespace {
constexpr int kCycles = 10;
constexpr std::int64_t kCycleUs = 1'000'000;
constexpr std::int64_t kBetweenActorsUs = 23'000;
}  // namespace

void demo(ScenarioContext& ctx) {
  std::vector<std::unique_ptr<demo::Actor>> actors;
  actors.push_back(demo::modbus_poller(ctx, 0));
  actors.push_back(demo::modbus_poller(ctx, 1));
  actors.push_back(demo::dnp3_master(ctx));
  actors.push_back(demo::iec104_station(ctx));
  actors.push_back(demo::background(ctx));
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    const std::int64_t cycle_start = kCaptureStartUs + cycle * kCycleUs;
    if (cycle_start > ctx.out().now_us()) ctx.out().advance_us(cycle_start - ctx.out().now_us());
    for (auto& actor : actors) {
      actor->step(cycle, kCycles - 1);
      ctx.out().advance_us(kBetweenActorsUs);
    }
  }
}

}  // namespace normwatch::tools::capgen::scenarios
