// Building a normwatch.event/1 Event from a fired rule: the rule reference, flow endpoints (ECS
// source/destination), zones, decoded PDU, evidence frames, explanations and a one-line message.
// Runs only when a rule fires, so it may allocate.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "normwatch/events/event.hpp"
#include "normwatch/rules/engine/engine.hpp"

namespace normwatch::rules::engine::detail {

struct EventParts {
  const Rule* rule = nullptr;
  events::Severity severity = events::Severity::medium;
  core::Timestamp ts;
  const Endpoints* where = nullptr;
  std::string_view protocol;
  std::string_view source_zone;
  std::string_view destination_zone;
  std::string pdu_json;
  std::vector<std::uint64_t> frames;
  std::vector<std::string> extra_explanations;  // appended after the rule's own
  std::string message;
};

events::Event make_event(EventParts parts);

// "modbus fc 8 sub 4 unit 1" / "dnp3 fc 13 dst 10" / "iec104 type 105 cot 6 ca 1 ioa 0 qualifier 1".
std::string describe_facts(const PduFacts& f);
std::string endpoint_text(const core::IpAddress& ip, std::uint16_t port);
// "3 in 60s per destination 10.10.2.66"
std::string threshold_text(const Threshold& t, std::uint32_t count, std::string_view key);

}  // namespace normwatch::rules::engine::detail
