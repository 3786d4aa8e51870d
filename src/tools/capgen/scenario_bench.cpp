// Benchmark scenarios. `bench`: many concurrent Modbus/TCP flows, one frame per flow per round
// (round-robin) so every frame hits a different flow-table entry: SYNs, SYN/ACKs and ACKs first,
// then FC3 request/response pairs with 12-59 byte payloads. ADUs are prebuilt per flow and only
// their transaction id is patched, so generating a million frames takes about a second.
// `bench-syn-sweep`: one SYN for each of N distinct flows, for flow-table memory tests.
#include <vector>

#include "capgen/modbus_encoder.hpp"
#include "capgen/plant.hpp"
#include "capgen/scenario_list.hpp"

namespace normwatch::tools::capgen::scenarios {
namespace {

constexpr std::uint64_t kBenchFrames = 1'000'000;
constexpr std::uint32_t kBenchFlows = 4096;
constexpr std::uint32_t kSweepFlows = 100'000;
constexpr std::uint32_t kClientsPerHost = 50;  // client ports per client address
constexpr std::uint32_t kServers = 16;

// Flow i: client 10.64.0.0/10 address i / 50 + 1, port 40000 + i % 50; server 10.30.0.(i % 16 + 1).
Endpoints bench_endpoints(std::uint32_t i) {
  const std::uint32_t host = i / kClientsPerHost + 1;
  const Host client =
      make_host(0x100000 + host, ipv4(10, static_cast<std::uint8_t>(64 + (host >> 16)),
                                      static_cast<std::uint8_t>(host >> 8), static_cast<std::uint8_t>(host)));
  const std::uint8_t server_no = static_cast<std::uint8_t>(i % kServers + 1);
  const Host server = make_host(0x1E00 + server_no, ipv4(10, 30, 0, server_no));
  return endpoints(client, static_cast<std::uint16_t>(40000 + i % kClientsPerHost), server, modbus::kPort);
}

struct BenchFlow {
  TcpSession tcp;
  Bytes request;  // prebuilt ADUs; bytes 0-1 (transaction id) patched per transaction
  Bytes response;
  std::uint16_t transaction = 0;
};

void emit_round(ScenarioContext& ctx, BenchFlow& flow, std::uint64_t round) {
  switch (round) {
    case 0:
      flow.tcp.syn();
      return;
    case 1:
      flow.tcp.syn_ack();
      return;
    case 2:
      flow.tcp.handshake_ack();
      return;
    default:
      break;
  }
  if ((round - 3) % 2 == 0) {
    ++flow.transaction;
    patch_u16be(flow.request, 0, flow.transaction);
    patch_u16be(flow.response, 0, flow.transaction);
    flow.tcp.send(Side::client, flow.request);
    ctx.pdus().modbus_adus++;
  } else {
    flow.tcp.send(Side::server, flow.response);
    ctx.pdus().modbus_adus++;
  }
}

}  // namespace

void bench(ScenarioContext& ctx) {
  const std::uint64_t frames = ctx.frames_or(kBenchFrames);
  const std::uint32_t count = ctx.flows_or(kBenchFlows);
  ctx.out().set_step_us(5);
  std::vector<BenchFlow> flows;
  flows.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto quantity = static_cast<std::uint16_t>(ctx.rng().between(2, 25));  // response payload 13..59 bytes
    std::vector<std::uint16_t> values(quantity);
    for (std::uint16_t q = 0; q < quantity; ++q) values[q] = static_cast<std::uint16_t>(ctx.rng().next());
    const auto unit = static_cast<std::uint8_t>(i % 247 + 1);
    flows.push_back(
        BenchFlow{open_session(ctx, bench_endpoints(i)),
                  modbus::adu(0, unit, modbus::read_request(modbus::kReadHoldingRegisters, 0, quantity)),
                  modbus::adu(0, unit, modbus::read_registers_response(modbus::kReadHoldingRegisters, values))});
  }
  for (std::uint64_t round = 0; ctx.out().frames() < frames; ++round) {
    for (BenchFlow& flow : flows) {
      if (ctx.out().frames() >= frames) break;
      emit_round(ctx, flow, round);
    }
  }
}

void bench_syn_sweep(ScenarioContext& ctx) {
  const std::uint32_t count = ctx.flows_or(kSweepFlows);
  ctx.out().set_step_us(2);
  for (std::uint32_t i = 0; i < count; ++i) {
    TcpSession tcp = open_session(ctx, bench_endpoints(i));
    tcp.syn();
  }
}

}  // namespace normwatch::tools::capgen::scenarios
