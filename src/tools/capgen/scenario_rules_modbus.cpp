// Rule trigger capture for Modbus/TCP and UMAS (rules/modbus.yaml, rules/umas.yaml; judged with
// captures/rules/rules-policy.yaml). Each step either triggers one rule or is its benign twin:
// the same function from the listed HMI 10.10.2.10, a count below a threshold, an engineering
// station inside its maintenance window. The rogue host 10.10.2.66 sits in the SCADA subnet but is
// no conduit's master; the engineering station 10.10.2.20 has the engineering role and a conduit
// open from 00:00:20 to 00:00:40. PLC 10.10.1.21 is in a zone tagged `indispensable`.
#include <array>
#include <initializer_list>
#include <string_view>

#include "capgen/modbus_encoder.hpp"
#include "capgen/plant.hpp"
#include "capgen/scenario_list.hpp"

namespace normwatch::tools::capgen::scenarios {
namespace {

Bytes pdu(std::initializer_list<unsigned> bytes) {
  Bytes out;
  for (unsigned b : bytes) out.push_back(static_cast<std::uint8_t>(b));
  return out;
}

Bytes diagnostic(unsigned sub, unsigned data) { return pdu({8, sub >> 8, sub & 0xFF, data >> 8, data & 0xFF}); }
Bytes umas_request(unsigned code) { return pdu({90, 0x00, code}); }
Bytes umas_ok() { return pdu({90, 0x00, 0xFE}); }

// FC43/14 Read Device Identification, basic objects: vendor name only.
Bytes device_id_request() { return pdu({43, 14, 1, 0}); }
Bytes device_id_response() {
  Bytes out = pdu({43, 14, 1, 0x01, 0x00, 0x00, 1, 0x00, 4});
  ByteWriter(out).text("ACME");
  return out;
}

Bytes registers(std::size_t n) {
  std::vector<std::uint16_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint16_t>(100 + i);
  return modbus::read_registers_response(modbus::kReadHoldingRegisters, v);
}

Bytes write_echo(std::uint16_t address, std::uint16_t value) { return modbus::write_single_register(address, value); }

void step(ScenarioContext& ctx, std::int64_t us = 200'000) { ctx.out().advance_us(us); }

// Moves the capture clock to `second` after the start (steps never go back).
void at_second(ScenarioContext& ctx, std::int64_t second) {
  const std::int64_t target = kCaptureStartUs + second * 1'000'000;
  if (ctx.out().now_us() < target) ctx.out().advance_us(target - ctx.out().now_us());
}

}  // namespace

void rules_modbus(ScenarioContext& ctx) {
  const Host rogue = plant::v4_host(2, 66);
  TcpSession hmi = open_session(ctx, endpoints(plant::hmi(), 49400, plant::plc1(), modbus::kPort));
  TcpSession hmi2 = open_session(ctx, endpoints(plant::hmi(), 49401, plant::plc2(), modbus::kPort));
  TcpSession bad = open_session(ctx, endpoints(rogue, 51000, plant::plc1(), modbus::kPort));
  ModbusPeer hmi_peer(ctx, 1, 0x0100);
  ModbusPeer hmi2_peer(ctx, 2, 0x0200);
  ModbusPeer bad_peer(ctx, 1, 0x7000);
  hmi.handshake();
  hmi2.handshake();
  bad.handshake();

  // Twin of MB-01 and MB-07: the listed HMI reads holding registers.
  hmi_peer.transact(hmi, modbus::read_request(modbus::kReadHoldingRegisters, 0, 10), registers(10));
  step(ctx);
  // MB-01: Force Listen Only Mode from the rogue host (a request that has no response).
  bad.send(Side::client, bad_peer.request(diagnostic(0x0004, 0x0000)));
  step(ctx);
  // MB-02 Restart Communications Option and MB-03 Clear Counters (echoed).
  bad_peer.transact(bad, diagnostic(0x0001, 0x0000), diagnostic(0x0001, 0x0000));
  step(ctx);
  bad_peer.transact(bad, diagnostic(0x000A, 0x0000), diagnostic(0x000A, 0x0000));
  step(ctx);
  // MB-04: a write from the rogue host; its twin, the same write from the HMI.
  bad_peer.transact(bad, write_echo(5, 999), write_echo(5, 999));
  step(ctx);
  hmi_peer.transact(hmi, write_echo(5, 1200), write_echo(5, 1200));
  step(ctx);
  // MB-05: the HMI writes register 500, outside the conduit's write range (holding 0-99).
  hmi_peer.transact(hmi, write_echo(500, 1), write_echo(500, 1));
  step(ctx);
  // MB-06 twin: the same register five times (one distinct address).
  for (int i = 0; i < 5; ++i) {
    hmi_peer.transact(hmi, write_echo(6, static_cast<std::uint16_t>(700 + i)), write_echo(6, static_cast<std::uint16_t>(700 + i)));
    step(ctx, 50'000);
  }
  // MB-06: sixteen different registers in a few seconds (fires on the sixteenth).
  for (std::uint16_t r = 20; r < 36; ++r) {
    hmi_peer.transact(hmi, write_echo(r, r), write_echo(r, r));
    step(ctx, 50'000);
  }
  // MB-07: the rogue host reads.
  bad_peer.transact(bad, modbus::read_request(modbus::kReadHoldingRegisters, 0, 10), registers(10));
  step(ctx);
  // MB-08: the rogue host asks for the device identification.
  bad_peer.transact(bad, device_id_request(), device_id_response());
  step(ctx);
  // MB-09 (illegal function): three functions the PLC does not support, each answered with
  // exception 1.
  for (unsigned fc : {7U, 11U, 12U}) {
    bad_peer.transact(bad, pdu({fc}), modbus::exception_response(static_cast<std::uint8_t>(fc), 1));
    step(ctx, 100'000);
  }
  // MB-09 twin: one illegal data address; then MB-09 (illegal address): four more (five in all).
  for (int i = 0; i < 5; ++i) {
    hmi_peer.transact(hmi, modbus::read_request(modbus::kReadHoldingRegisters, static_cast<std::uint16_t>(4000 + i), 2),
                      modbus::exception_response(modbus::kReadHoldingRegisters, modbus::kIllegalDataAddress));
    step(ctx, i == 0 ? 1'000'000 : 100'000);
  }
  // MB-10: PLC 2 (zone tagged indispensable) busy three times in a row.
  for (int i = 0; i < 3; ++i) {
    hmi2_peer.transact(hmi2, modbus::read_request(modbus::kReadHoldingRegisters, 0, 10),
                       modbus::exception_response(modbus::kReadHoldingRegisters, 6));
    step(ctx, 300'000);
  }
  // MB-12: a reserved FC8 sub-function; MB-13: a response to no request.
  bad_peer.transact(bad, diagnostic(0x0005, 0x0000), diagnostic(0x0005, 0x0000));
  step(ctx);
  hmi2.send(Side::server, hmi2_peer.response(registers(2)));
  step(ctx);

  // The engineering station inside its maintenance window: device identification (twin of
  // MB-08), then a PLC stop (UM-01) and a program transfer (UM-02), reported at severity info.
  at_second(ctx, 25);
  TcpSession ews = open_session(ctx, endpoints(plant::engineering(), 49500, plant::plc1(), modbus::kPort));
  ModbusPeer ews_peer(ctx, 1, 0x3000);
  ews.handshake();
  ews_peer.transact(ews, device_id_request(), device_id_response());
  step(ctx);
  ews_peer.transact(ews, umas_request(0x41), umas_ok());
  step(ctx);
  ews_peer.transact(ews, umas_request(0x30), umas_ok());
  step(ctx);
  // UM-01 and UM-02 from the rogue host: critical (and SG-03, not an engineering station).
  bad_peer.transact(bad, umas_request(0x40), umas_ok());
  step(ctx);
  bad_peer.transact(bad, umas_request(0x31), umas_ok());
  step(ctx);

  // The engineering station again after its window closed: UM-01 at full severity, POL-WINDOW.
  at_second(ctx, 45);
  ews_peer.transact(ews, umas_request(0x40), umas_ok());
  step(ctx);
  ews.close(Side::client);

  // SG-07: the rogue host sweeps units 1-8 of PLC 1.
  for (std::uint8_t unit = 1; unit <= 8; ++unit) {
    ModbusPeer sweep(ctx, unit, static_cast<std::uint16_t>(0x7100 + unit));
    sweep.transact(bad, modbus::read_request(modbus::kReadHoldingRegisters, 0, 1), registers(1));
    step(ctx, 100'000);
  }
  hmi.close(Side::client);
  hmi2.close(Side::client);
  // MB-14: the rogue's last read is never answered before its connection ends.
  bad.send(Side::client, bad_peer.request(modbus::read_request(modbus::kReadHoldingRegisters, 50, 2)));
  step(ctx);
  bad.close(Side::client);
}

}  // namespace normwatch::tools::capgen::scenarios
