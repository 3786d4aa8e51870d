// Benchmark scenario `bench-mixed`: a mixed ICS capture for the rule engine's throughput figure
// (issue 6 item 7). About --frames (default 1,000,000; whole rounds) over --flows (default 3072)
// concurrent flows, a third each Modbus/TCP, DNP3 and IEC 104, one frame per flow per round
// (round-robin) after their handshakes: Modbus FC3 polls with an FC6 write every 32nd
// transaction; DNP3 class 1-3 polls answered by null responses; IEC 104 spontaneous measured
// values acknowledged by S-frames, with a confirmed single command every 32nd.
// Flow i runs between master 10.(20 + i % 10).x.y and outstation 10.(10 + i % 10).x.y, so that the
// 20-zone policy of tests/bench/rules/ (ten control cells, ten SCADA networks) covers it.
#include <array>
#include <vector>

#include "capgen/dnp3_encoder.hpp"
#include "capgen/iec104_encoder.hpp"
#include "capgen/modbus_encoder.hpp"
#include "capgen/peers.hpp"
#include "capgen/scenario_list.hpp"

namespace normwatch::tools::capgen::scenarios {
namespace {

constexpr std::uint64_t kFrames = 1'000'000;
constexpr std::uint32_t kFlows = 3072;
constexpr std::uint32_t kCells = 10;
constexpr std::uint32_t kWriteEvery = 32;

Endpoints mixed_endpoints(std::uint32_t i, std::uint16_t port) {
  const std::uint32_t cell = i % kCells;
  const std::uint32_t host = i / kCells + 1;
  const Host master = make_host(0x200000 + i, ipv4(10, static_cast<std::uint8_t>(20 + cell),
                                                   static_cast<std::uint8_t>(host >> 8),
                                                   static_cast<std::uint8_t>(host)));
  // One master per outstation, as in a plant: two stations commanding one RTU is IE-10.
  const Host outstation = make_host(0x300000 + i, ipv4(10, static_cast<std::uint8_t>(10 + cell),
                                                       static_cast<std::uint8_t>(host >> 8),
                                                       static_cast<std::uint8_t>(host)));
  return endpoints(master, static_cast<std::uint16_t>(40000 + i % 20000), outstation, port);
}

// DNP3 frames for each transport/application sequence number, shared by every DNP3 flow (they all
// use link addresses 1 -> 10): a class 1-3 poll and its null response.
struct Dnp3Rings {
  std::array<Bytes, 64> poll;
  std::array<Bytes, 64> reply;
};

Dnp3Rings make_dnp3_rings() {
  Dnp3Rings r;
  for (std::uint8_t s = 0; s < 64; ++s) {
    dnp3::Fragment request = dnp3::Fragment::request(static_cast<std::uint8_t>(0xC0 | (s & 0x0F)), dnp3::kRead);
    request.all_objects(60, 2).all_objects(60, 3).all_objects(60, 4);
    std::uint8_t seq = s;
    r.poll[s] = dnp3::link_frames_for(dnp3::kLinkFromMaster, 10, 1, request.bytes(), seq).front();
    const dnp3::Fragment response =
        dnp3::Fragment::response(static_cast<std::uint8_t>(0xC0 | (s & 0x0F)), dnp3::kResponse, 0, 0);
    seq = s;
    r.reply[s] = dnp3::link_frames_for(dnp3::kLinkFromOutstation, 1, 10, response.bytes(), seq).front();
  }
  return r;
}

struct MixedFlow {
  TcpSession tcp;
  int protocol = 0;  // 0 Modbus, 1 DNP3, 2 IEC 104
  std::uint32_t step = 0;
  iec104::Counters station;
  iec104::Counters rtu;
};

void modbus_round(ScenarioContext& ctx, MixedFlow& f, std::uint32_t n) {
  const std::uint32_t transaction = n / 2 + 1;
  const auto tid = static_cast<std::uint16_t>(transaction);
  const bool write = transaction % kWriteEvery == 0;
  if (n % 2 == 0) {
    const Bytes pdu = write ? modbus::write_single_register(5, static_cast<std::uint16_t>(transaction))
                            : modbus::read_request(modbus::kReadHoldingRegisters, 0, 4);
    f.tcp.send(Side::client, modbus::adu(tid, 1, pdu));
  } else {
    static constexpr std::array<std::uint16_t, 4> kValues{1000, 1001, 1002, 1003};
    const Bytes pdu = write ? modbus::write_single_register(5, static_cast<std::uint16_t>(transaction))
                            : modbus::read_registers_response(modbus::kReadHoldingRegisters, kValues);
    f.tcp.send(Side::server, modbus::adu(tid, 1, pdu));
  }
  ++ctx.pdus().modbus_adus;
}

void dnp3_round(ScenarioContext& ctx, MixedFlow& f, std::uint32_t n, const Dnp3Rings& rings) {
  const std::uint32_t s = (n / 2) % 64;
  f.tcp.send(n % 2 == 0 ? Side::client : Side::server, n % 2 == 0 ? rings.poll[s] : rings.reply[s]);
  ++ctx.pdus().dnp3_link_frames;
  ++ctx.pdus().dnp3_fragments;
}

void iec104_round(ScenarioContext& ctx, MixedFlow& f, std::uint32_t n) {
  ++ctx.pdus().iec104_apdus;
  if (n == 0) {
    f.tcp.send(Side::client, iec104::u_frame(iec104::kStartDtAct));
    return;
  }
  if (n == 1) {
    f.tcp.send(Side::server, iec104::u_frame(iec104::kStartDtCon));
    return;
  }
  const std::uint32_t k = (n - 2) / 2 + 1;
  if (n % 2 == 0) {
    if (k % kWriteEvery == 0) {
      const iec104::Asdu command = iec104::Asdu(iec104::kCScNa1, iec104::kCotActivation, 1).single_command(2001, true, false);
      f.tcp.send(Side::client, iec104::next_i_frame(f.station, f.rtu, command.bytes()));
    } else {
      const iec104::Asdu value =
          iec104::Asdu(iec104::kMMeNc1, iec104::kCotSpontaneous, 1).measured_float(1001, 50.0f, 0);
      f.tcp.send(Side::server, iec104::next_i_frame(f.rtu, f.station, value.bytes()));
    }
  } else if (k % kWriteEvery == 0) {
    // The RTU confirms the command (cause 7), which also acknowledges it.
    const iec104::Asdu confirm =
        iec104::Asdu(iec104::kCScNa1, iec104::kCotActivationCon, 1).single_command(2001, true, false);
    f.tcp.send(Side::server, iec104::next_i_frame(f.rtu, f.station, confirm.bytes()));
  } else {
    f.tcp.send(Side::client, iec104::s_frame(f.station.receive));
  }
}

}  // namespace

void bench_mixed(ScenarioContext& ctx) {
  const std::uint64_t frames = ctx.frames_or(kFrames);
  const std::uint32_t count = ctx.flows_or(kFlows);
  ctx.out().set_step_us(5);
  const Dnp3Rings rings = make_dnp3_rings();
  std::vector<MixedFlow> flows;
  flows.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const int protocol = static_cast<int>(i % 3);
    const std::uint16_t port = protocol == 0 ? modbus::kPort : protocol == 1 ? dnp3::kPort : iec104::kPort;
    flows.push_back(MixedFlow{open_session(ctx, mixed_endpoints(i, port)), protocol, 0, {}, {}});
  }
  // Whole rounds, ending after a reply round once --frames is reached, so that no flow is left
  // with an unanswered request (which the sensor would rightly report at the end of the capture).
  for (std::uint64_t round = 0; ctx.out().frames() < frames || round < 5 || (round - 3) % 2 != 0; ++round) {
    for (MixedFlow& f : flows) {
      if (round == 0) {
        f.tcp.syn();
      } else if (round == 1) {
        f.tcp.syn_ack();
      } else if (round == 2) {
        f.tcp.handshake_ack();
      } else {
        const std::uint32_t n = f.step++;
        if (f.protocol == 0) {
          modbus_round(ctx, f, n);
        } else if (f.protocol == 1) {
          dnp3_round(ctx, f, n, rings);
        } else {
          iec104_round(ctx, f, n);
        }
      }
    }
  }
}

}  // namespace normwatch::tools::capgen::scenarios
