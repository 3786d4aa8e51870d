// Helpers for the rule engine's tests: typed PDUs built from hex through the protocol parsers (so
// facts are extracted from what the sensor really decodes), a sink that keeps events, and rule
// packs from YAML text.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/events/event_sink.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/dnp3/app_parser.hpp"
#include "normwatch/protocols/dnp3/pdu.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"
#include "normwatch/protocols/modbus/pdu.hpp"
#include "normwatch/rules/engine/engine.hpp"
#include "normwatch/rules/engine/loader.hpp"

namespace normwatch::rules::engine::test {

std::vector<std::byte> hex(std::string_view text);

class CapturingSink final : public events::EventSink {
 public:
  void emit(events::Event e) override { events.push_back(std::move(e)); }
  std::vector<std::string> rule_ids() const;
  std::vector<events::Event> events;
};

// A decoded PDU and its record; the record points into this object (do not copy it).
struct ModbusPdu {
  ModbusPdu(std::string_view adu_hex, bool response, std::int64_t ts_ns = 0, std::uint64_t frame = 1);
  ModbusPdu(const ModbusPdu&) = delete;
  std::vector<std::byte> bytes;
  protocols::modbus::Pdu pdu;
  protocols::PduRecord record;
};

struct Dnp3Pdu {
  // `fragment_hex`: the application fragment; link header fields given separately.
  Dnp3Pdu(std::string_view fragment_hex, std::uint16_t destination, std::uint16_t source, bool from_master,
          std::int64_t ts_ns = 0, std::uint64_t frame = 1);
  Dnp3Pdu(const Dnp3Pdu&) = delete;
  std::vector<std::byte> bytes;
  protocols::dnp3::AppStorageBuffers storage{protocols::dnp3::AppLimits{}};
  protocols::dnp3::Pdu pdu;
  protocols::PduRecord record;
};

struct Iec104Pdu {
  Iec104Pdu(std::string_view apdu_hex, bool from_master, std::int64_t ts_ns = 0, std::uint64_t frame = 1);
  Iec104Pdu(const Iec104Pdu&) = delete;
  std::vector<std::byte> bytes;
  protocols::iec104::Pdu pdu;
  protocols::PduRecord record;
};

// A pack of one rules file's text (throws nothing: fails the test on problems).
RulePack pack_of(std::string_view yaml);
// The shipped pack in rules/ of the source tree.
RulePack shipped_pack();
std::string source_dir();

// "No policy loaded", for Engine::on_pdu.
inline constexpr const FlowPolicy* kNoPolicy = nullptr;

Endpoints endpoints(std::string_view src, std::uint16_t sport, std::string_view dst, std::uint16_t dport,
                    std::uint64_t flow = 1);

}  // namespace normwatch::rules::engine::test
