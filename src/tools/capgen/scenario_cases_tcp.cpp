// Reassembly cases over TCP for golden tests (see scenario.cpp for what each shows). All are
// Modbus/TCP between the HMI and PLC 1 unless said otherwise, so a golden baseline reads like a
// conversation; each ADU is counted once, and an ADU lost to a gap not at all.
#include <array>

#include "capgen/modbus_encoder.hpp"
#include "capgen/plant.hpp"
#include "capgen/scenario_list.hpp"

namespace normwatch::tools::capgen::scenarios {
namespace {

using modbus::kReadHoldingRegisters;

TcpSession modbus_session(ScenarioContext& ctx, std::uint16_t client_port) {
  return open_session(ctx, endpoints(plant::hmi(), client_port, plant::plc1(), modbus::kPort));
}

Bytes registers_response(std::uint16_t first_value, std::size_t count) {
  std::vector<std::uint16_t> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = static_cast<std::uint16_t>(first_value + i);
  return modbus::read_registers_response(kReadHoldingRegisters, values);
}

void think(ScenarioContext& ctx) { ctx.out().advance_us(2'000); }

}  // namespace

void tcp_segmented(ScenarioContext& ctx) {
  TcpSession tcp = modbus_session(ctx, 49301);
  ModbusPeer peer(ctx, 1);
  tcp.handshake();

  // One 12-byte request as twelve 1-byte segments.
  const Bytes one = peer.request(modbus::read_request(kReadHoldingRegisters, 0, 4));
  const std::array<std::size_t, 1> bytewise{1};
  tcp.send_pieces(Side::client, one, split_by_sizes(one.size(), bytewise));
  think(ctx);
  tcp.send(Side::server, peer.response(registers_response(100, 4)));

  // Three pipelined requests in one segment, and their three responses in one segment.
  Bytes requests;
  Bytes responses;
  for (std::uint16_t i = 0; i < 3; ++i) {
    const Bytes req = peer.request(modbus::read_request(kReadHoldingRegisters, static_cast<std::uint16_t>(10 * i), 2));
    const Bytes rsp = peer.response(registers_response(static_cast<std::uint16_t>(200 + 10 * i), 2));
    requests.insert(requests.end(), req.begin(), req.end());
    responses.insert(responses.end(), rsp.begin(), rsp.end());
  }
  tcp.send(Side::client, requests);
  think(ctx);
  tcp.send(Side::server, responses);

  // Two requests in two segments cut inside the second MBAP header (after its length field's
  // first byte), and the two responses cut inside the first response's MBAP header.
  const Bytes a = peer.request(modbus::read_request(kReadHoldingRegisters, 40, 3));
  const Bytes a_rsp = peer.response(registers_response(300, 3));
  const Bytes b = peer.request(modbus::read_request(kReadHoldingRegisters, 50, 5));
  const Bytes b_rsp = peer.response(registers_response(400, 5));
  const Bytes two = concat({a, b});
  const std::array<std::size_t, 2> cut_requests{a.size() + 5, two.size()};
  tcp.send_pieces(Side::client, two, split_by_sizes(two.size(), cut_requests));
  think(ctx);
  const Bytes two_rsp = concat({a_rsp, b_rsp});
  const std::array<std::size_t, 2> cut_responses{3, two_rsp.size()};
  tcp.send_pieces(Side::server, two_rsp, split_by_sizes(two_rsp.size(), cut_responses));
  tcp.ack(Side::client);
  tcp.close(Side::client);
}

void tcp_reordered(ScenarioContext& ctx) {
  TcpSession tcp = modbus_session(ctx, 49302);
  ModbusPeer peer(ctx, 1);
  tcp.handshake();

  // A 12-byte request in four 3-byte segments written in the order 2, 0, 3, 1.
  const Bytes req = peer.request(modbus::read_request(kReadHoldingRegisters, 0, 10));
  const std::array<std::size_t, 1> threes{3};
  const std::array<std::size_t, 4> order{2, 0, 3, 1};
  tcp.send_pieces(Side::client, req, pick(split_by_sizes(req.size(), threes), order));
  think(ctx);
  // Its 29-byte response in three segments written 1, 2, 0.
  const Bytes rsp = peer.response(registers_response(500, 10));
  const std::array<std::size_t, 1> tens{10};
  const std::array<std::size_t, 3> rsp_order{1, 2, 0};
  tcp.send_pieces(Side::server, rsp, pick(split_by_sizes(rsp.size(), tens), rsp_order));

  // A 21-byte FC16 request in five segments written in reverse order.
  const std::array<std::uint16_t, 4> values{11, 22, 33, 44};
  const Bytes write = peer.request(modbus::write_multiple_registers_request(20, values));
  const std::array<std::size_t, 1> fives{5};
  const std::array<std::size_t, 5> reverse{4, 3, 2, 1, 0};
  tcp.send_pieces(Side::client, write, pick(split_by_sizes(write.size(), fives), reverse));
  think(ctx);
  tcp.send(Side::server, peer.response(modbus::write_multiple_registers_response(20, values.size())));
  tcp.ack(Side::client);
  tcp.close(Side::client);
}

void tcp_retransmit_overlap(ScenarioContext& ctx) {
  TcpSession tcp = modbus_session(ctx, 49303);
  ModbusPeer peer(ctx, 1);
  tcp.handshake();

  // An exact retransmission of a whole request.
  const Bytes req = peer.request(modbus::read_request(kReadHoldingRegisters, 0, 2));
  const std::array<Piece, 2> twice{Piece{0, req.size()}, Piece{0, req.size()}};
  tcp.send_pieces(Side::client, req, twice);
  think(ctx);
  tcp.send(Side::server, peer.response(registers_response(600, 2)));

  // Bytes [0,8) then [4,12): the overlap [4,8) carries the same bytes twice.
  const Bytes same = peer.request(modbus::read_request(kReadHoldingRegisters, 8, 2));
  const std::array<Piece, 2> overlapping{Piece{0, 8}, Piece{4, 8}};
  tcp.send_pieces(Side::client, same, overlapping);
  think(ctx);
  tcp.send(Side::server, peer.response(registers_response(700, 2)));

  // FC6 write of register 5: bytes [0,10) then [8,12) where the overlap [8,10) says register 7.
  // The server acts on the first copy (register 5) and echoes it.
  const Bytes write_pdu = modbus::write_single_register(5, 1200);
  const Bytes write = peer.request(write_pdu);
  const std::array<std::uint8_t, 4> conflicting{0x00, 0x07, write[10], write[11]};
  const std::array<Piece, 2> conflict{Piece{0, 10}, Piece{8, 4, conflicting}};
  tcp.send_pieces(Side::client, write, conflict);
  think(ctx);
  tcp.send(Side::server, peer.response(write_pdu));
  tcp.ack(Side::client);
  tcp.close(Side::client);
}

void tcp_gap(ScenarioContext& ctx) {
  TcpSession tcp = modbus_session(ctx, 49304);
  ModbusPeer peer(ctx, 1);
  tcp.handshake();
  for (std::uint16_t i = 0; i < 4; ++i) {
    const Bytes req = peer.request(modbus::read_request(kReadHoldingRegisters, static_cast<std::uint16_t>(i * 4), 4));
    if (i == 1) {
      tcp.send_pieces(Side::client, req, {});  // the sensor never saw it; the PLC did
      --ctx.pdus().modbus_adus;
    } else {
      tcp.send(Side::client, req);
    }
    think(ctx);
    tcp.send(Side::server, peer.response(registers_response(static_cast<std::uint16_t>(800 + 10 * i), 4)));
    think(ctx);
  }
  tcp.ack(Side::client);
  tcp.close(Side::client);
}

void tcp_midstream(ScenarioContext& ctx) {
  // Modbus picked up with a response to a request from before the capture started.
  TcpSession modbus = modbus_session(ctx, 49305);
  ModbusPeer peer(ctx, 1, 0x0042);
  modbus.send(Side::server, modbus::adu(0x0041, 1, registers_response(900, 3)));
  ++ctx.pdus().modbus_adus;
  modbus.ack(Side::client);
  for (std::uint16_t i = 0; i < 2; ++i) {
    think(ctx);
    peer.transact(modbus, modbus::read_request(kReadHoldingRegisters, 0, 3), registers_response(910 + i, 3));
  }
  modbus.close(Side::client);

  // DNP3 picked up with an outstation response: only the link DIR bit tells the direction.
  TcpSession link = open_session(ctx, endpoints(plant::dnp3_master(), 50101, plant::outstation(), dnp3::kPort));
  Dnp3Peer dnp(ctx, plant::kDnp3Master, plant::kDnp3Outstation);
  const std::array<std::int32_t, 4> analogs{10, 20, 30, 40};
  constexpr std::uint8_t kFirFin = dnp3::kAppFir | dnp3::kAppFin;
  const auto early = dnp3::Fragment::response(kFirFin | 5, dnp3::kResponse, 0, 0).analog_inputs(0, analogs);
  send_each(link, Side::server, dnp.frames(Side::server, early.bytes()));
  link.ack(Side::client);
  think(ctx);
  const auto poll = dnp3::Fragment::request(kFirFin | 6, dnp3::kRead).all_objects(60, 1);
  send_each(link, Side::client, dnp.frames(Side::client, poll.bytes()));
  think(ctx);
  const auto answer = dnp3::Fragment::response(kFirFin | 6, dnp3::kResponse, 0, 0).analog_inputs(0, analogs);
  send_each(link, Side::server, dnp.frames(Side::server, answer.bytes()));
  link.reset(Side::client);
}

}  // namespace normwatch::tools::capgen::scenarios
