// Test helpers for the rule engine (engine_helpers.hpp).
#include "rules/engine/engine_helpers.hpp"

#include <gtest/gtest.h>

#include "normwatch/core/hex.hpp"
#include "normwatch/protocols/modbus/parser.hpp"

namespace normwatch::rules::engine::test {

std::vector<std::byte> hex(std::string_view text) {
  auto b = core::parse_hex(text);
  EXPECT_TRUE(b.has_value()) << text;
  return b.value_or(std::vector<std::byte>{});
}

std::vector<std::string> CapturingSink::rule_ids() const {
  std::vector<std::string> ids;
  for (const auto& e : events) ids.push_back(e.rule ? e.rule->id : std::string("-"));
  return ids;
}

ModbusPdu::ModbusPdu(std::string_view adu_hex, bool response, std::int64_t ts_ns, std::uint64_t frame)
    : bytes(hex(adu_hex)) {
  pdu = protocols::modbus::parse_adu(core::Bytes(bytes),
                                     response ? protocols::modbus::Direction::response : protocols::modbus::Direction::request);
  record = protocols::make_pdu_record(pdu, frame, core::Timestamp{ts_ns},
                                      response ? protocols::Side::server : protocols::Side::client);
}

Dnp3Pdu::Dnp3Pdu(std::string_view fragment_hex, std::uint16_t destination, std::uint16_t source, bool from_master,
                 std::int64_t ts_ns, std::uint64_t frame)
    : bytes(hex(fragment_hex)) {
  pdu.link.length = 5;
  pdu.link.control = from_master ? 0xC4 : 0x44;
  pdu.link.destination = destination;
  pdu.link.source = source;
  pdu.has_app = true;
  protocols::dnp3::parse_app(core::Bytes(bytes), protocols::dnp3::AppLimits{}, storage.view(), pdu.app);
  record = protocols::make_pdu_record(pdu, frame, core::Timestamp{ts_ns},
                                      from_master ? protocols::Side::client : protocols::Side::server);
}

Iec104Pdu::Iec104Pdu(std::string_view apdu_hex, bool from_master, std::int64_t ts_ns, std::uint64_t frame)
    : bytes(hex(apdu_hex)) {
  const auto err = protocols::iec104::parse_apdu_into(core::Bytes(bytes), protocols::iec104::Widths{}, pdu);
  EXPECT_FALSE(err.failed()) << apdu_hex;
  record = protocols::make_pdu_record(pdu, frame, core::Timestamp{ts_ns},
                                      from_master ? protocols::Side::client : protocols::Side::server);
}

RulePack pack_of(std::string_view yaml) {
  RulePack pack;
  auto parsed = parse_rule_file(yaml, "test.yaml");
  if (!parsed) {
    for (const auto& d : parsed.error()) ADD_FAILURE() << d.to_string();
    return pack;
  }
  pack.rules = std::move(parsed->rules);
  const auto diags = apply_overrides(pack, parsed->overrides);
  for (const auto& d : diags) ADD_FAILURE() << d.to_string();
  return pack;
}

std::string source_dir() { return NORMWATCH_SOURCE_DIR; }

RulePack shipped_pack() {
  auto pack = load_rule_pack(source_dir() + "/rules");
  if (!pack) {
    for (const auto& d : pack.error()) ADD_FAILURE() << d.to_string();
    return {};
  }
  return std::move(*pack);
}

Endpoints endpoints(std::string_view src, std::uint16_t sport, std::string_view dst, std::uint16_t dport,
                    std::uint64_t flow) {
  Endpoints e;
  e.src_ip = *core::IpAddress::parse(src);
  e.src_port = sport;
  e.dst_ip = *core::IpAddress::parse(dst);
  e.dst_port = dport;
  e.flow_id = flow;
  return e;
}

}  // namespace normwatch::rules::engine::test
