// Link- and network-layer cases for golden tests: VLAN tags, IPv6, DNP3 over UDP, and IPv4
// fragments (see scenario.cpp for what each shows).
#include <array>
#include <vector>

#include "capgen/modbus_encoder.hpp"
#include "capgen/plant.hpp"
#include "capgen/scenario_list.hpp"

namespace normwatch::tools::capgen::scenarios {
namespace {

constexpr std::uint8_t kFirFin = dnp3::kAppFir | dnp3::kAppFin;

// Two FC3 polls between whatever hosts `tcp` joins, then a close.
void modbus_polls(ScenarioContext& ctx, TcpSession& tcp) {
  ModbusPeer peer(ctx, 1);
  tcp.handshake();
  for (std::uint16_t i = 0; i < 2; ++i) {
    const std::array<std::uint16_t, 2> values{static_cast<std::uint16_t>(100 + i), static_cast<std::uint16_t>(200 + i)};
    peer.transact(tcp, modbus::read_request(modbus::kReadHoldingRegisters, 0, 2),
                  modbus::read_registers_response(modbus::kReadHoldingRegisters, values));
    ctx.out().advance_us(50'000);
  }
  tcp.close(Side::client);
}

// STARTDT, one spontaneous measured value and its acknowledgement, then a close.
void iec104_start_and_report(ScenarioContext& ctx, TcpSession& tcp) {
  Iec104Peer peer(ctx, tcp);
  tcp.handshake();
  peer.u_frame(Side::client, iec104::kStartDtAct);
  peer.u_frame(Side::server, iec104::kStartDtCon);
  ctx.out().advance_us(50'000);
  peer.i_frame(Side::server, iec104::Asdu(iec104::kMMeNc1, iec104::kCotSpontaneous, plant::kIec104CommonAddress)
                                 .measured_float(1001, 49.98f, 0));
  peer.s_frame(Side::client);
  tcp.close(Side::client);
}

std::vector<std::int32_t> analog_values(std::size_t count) {
  std::vector<std::int32_t> v(count);
  for (std::size_t i = 0; i < count; ++i) v[i] = static_cast<std::int32_t>(1000 + 3 * i);
  return v;
}

dnp3::Fragment class0_poll(std::uint8_t seq) {
  return dnp3::Fragment::request(kFirFin | seq, dnp3::kRead).all_objects(60, 1);
}

dnp3::Fragment analog_response(std::uint8_t seq, std::span<const std::int32_t> values) {
  return dnp3::Fragment::response(kFirFin | seq, dnp3::kResponse, 0, 0).analog_inputs(0, values);
}

UdpFlow dnp3_udp_flow(ScenarioContext& ctx) {
  return UdpFlow(ctx.out(), endpoints(plant::dnp3_master(), dnp3::kPort, plant::outstation(), dnp3::kPort));
}

}  // namespace

void vlan_qinq(ScenarioContext& ctx) {
  TcpSession tagged =
      open_session(ctx, endpoints(plant::hmi(), 49401, plant::plc1(), modbus::kPort, {VlanTag{kTpidDot1Q, 100, 0}}));
  modbus_polls(ctx, tagged);
  TcpSession double_tagged = open_session(ctx, endpoints(plant::iec104_station(), 50201, plant::rtu(), iec104::kPort,
                                                         {VlanTag{kTpidDot1ad, 200, 0}, VlanTag{kTpidDot1Q, 10, 5}}));
  iec104_start_and_report(ctx, double_tagged);
}

void ipv6(ScenarioContext& ctx) {
  const Host hmi = make_host(0x0210, ip("fd00:10:10:2::10"));
  const Host plc = make_host(0x0120, ip("fd00:10:10:1::20"));
  const Host station = make_host(0x0212, ip("fd00:10:10:2::12"));
  const Host rtu = make_host(0x0140, ip("fd00:10:10:1::40"));
  TcpSession modbus_tcp = open_session(ctx, endpoints(hmi, 49501, plc, modbus::kPort));
  modbus_polls(ctx, modbus_tcp);
  TcpSession iec_tcp = open_session(ctx, endpoints(station, 50301, rtu, iec104::kPort));
  iec104_start_and_report(ctx, iec_tcp);
}

void udp_dnp3(ScenarioContext& ctx) {
  UdpFlow flow = dnp3_udp_flow(ctx);
  Dnp3Peer dnp(ctx, plant::kDnp3Master, plant::kDnp3Outstation);
  // Class 0 poll; the 60-point response needs two link frames, sent in one datagram.
  const std::uint8_t seq = dnp.next_request_seq();
  flow.send(Side::client, join_frames(dnp.frames(Side::client, class0_poll(seq).bytes())));
  ctx.out().advance_us(5'000);
  flow.send(Side::server, join_frames(dnp.frames(Side::server, analog_response(seq, analog_values(60)).bytes())));
  ctx.out().advance_us(500'000);

  // An unsolicited event report and the master's confirm.
  const std::uint8_t useq = dnp.next_unsolicited_seq();
  const auto now_ms = static_cast<std::uint64_t>(ctx.out().now_us() / 1000);
  const std::array<dnp3::Fragment::BinaryEvent, 1> events{{{4, true, now_ms}}};
  constexpr std::uint8_t kUnsolicited = kFirFin | dnp3::kAppCon | dnp3::kAppUns;
  const auto report =
      dnp3::Fragment::response(kUnsolicited | useq, dnp3::kUnsolicitedResponse, 0x02, 0).binary_events(events);
  flow.send(Side::server, join_frames(dnp.frames(Side::server, report.bytes())));
  ctx.out().advance_us(2'000);
  const auto confirm = dnp3::Fragment::request(kFirFin | dnp3::kAppUns | useq, dnp3::kConfirm);
  flow.send(Side::client, join_frames(dnp.frames(Side::client, confirm.bytes())));
}

void ipv4_fragments(ScenarioContext& ctx) {
  UdpFlow flow = dnp3_udp_flow(ctx);
  Dnp3Peer dnp(ctx, plant::kDnp3Master, plant::kDnp3Outstation);
  constexpr std::size_t kPiece = 512;
  const auto values = analog_values(200);  // about 1.4 kB of link frames: three fragments
  const std::array<std::size_t, 3> reverse{2, 1, 0};
  for (int round = 0; round < 2; ++round) {
    const std::uint8_t seq = dnp.next_request_seq();
    flow.send(Side::client, join_frames(dnp.frames(Side::client, class0_poll(seq).bytes())));
    ctx.out().advance_us(5'000);
    const Bytes response = join_frames(dnp.frames(Side::server, analog_response(seq, values).bytes()));
    if (round == 0) {
      flow.send_fragmented(Side::server, response, kPiece);
    } else {
      flow.send_fragmented(Side::server, response, kPiece, reverse);
    }
    ctx.out().advance_us(1'000'000);
  }
}

}  // namespace normwatch::tools::capgen::scenarios
