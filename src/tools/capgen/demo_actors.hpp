// The demo plant's conversations, each an actor that does its part of every polling cycle. The
// demo scenario steps all actors once per one-second cycle, so flows interleave as on a real
// network while the capture stays deterministic.
#pragma once

#include <memory>

#include "capgen/scenario.hpp"

namespace normwatch::tools::capgen::demo {

class Actor {
 public:
  virtual ~Actor() = default;
  // cycle runs 0..last; an actor opens its connection in cycle 0 and closes it in the last one.
  virtual void step(int cycle, int last) = 0;
};

std::unique_ptr<Actor> modbus_poller(ScenarioContext& ctx, int plc);  // plc 0 or 1
std::unique_ptr<Actor> dnp3_master(ScenarioContext& ctx);
std::unique_ptr<Actor> iec104_station(ScenarioContext& ctx);
std::unique_ptr<Actor> background(ScenarioContext& ctx);

}  // namespace normwatch::tools::capgen::demo
