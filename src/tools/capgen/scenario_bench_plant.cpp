// Benchmark scenario `bench-plant`: the large mixed plant capture of issue 9 item 4. About
// --frames (default 1,000,000) over --flows (default 3072) ICS flows, a third each Modbus/TCP,
// DNP3 and IEC 104 (scripts in bench_plant_script.cpp), plus one non-ICS flow for every four ICS
// flows (HTTP, TLS, SSH, DNS, NTP; bench_plant_background.cpp), so that a fifth of the frames are
// background. TCP handshakes first, then one frame per flow per round, round-robin, 20 us apart (a
// million frames span 20 s; each flow sends every ~77 ms at the default size, never idle).
// ICS flow i runs between master 10.(20 + i % 10).x.y and outstation 10.(10 + i % 10).x.y, as in
// bench-mixed, so the 20-zone policy of tests/bench/rules/ covers it; background clients are
// 10.99.x.y, their servers 192.168.(1 + kind).z.
#include <array>
#include <optional>
#include <vector>

#include "capgen/background_encoder.hpp"
#include "capgen/bench_plant_script.hpp"
#include "capgen/dnp3_encoder.hpp"
#include "capgen/iec104_encoder.hpp"
#include "capgen/modbus_encoder.hpp"
#include "capgen/peers.hpp"
#include "capgen/scenario_list.hpp"

namespace normwatch::tools::capgen::scenarios {
namespace {

using plant_script::Script;
using plant_script::Step;
using plant_script::StepKind;

constexpr std::uint64_t kFrames = 1'000'000;
constexpr std::uint32_t kFlows = 3072;
constexpr std::uint32_t kCells = 10;
constexpr std::uint32_t kIcsPerBackground = 4;  // one background flow per four ICS flows: 20% of frames

std::uint8_t octet(std::uint32_t v) { return static_cast<std::uint8_t>(v); }

Endpoints ics_endpoints(std::uint32_t i, std::uint16_t port) {
  const std::uint32_t cell = i % kCells;
  const std::uint32_t host = i / kCells + 1;
  const Host master = make_host(0x200000 + i, ipv4(10, octet(20 + cell), octet(host >> 8), octet(host)));
  const Host outstation = make_host(0x300000 + i, ipv4(10, octet(10 + cell), octet(host >> 8), octet(host)));
  return endpoints(master, static_cast<std::uint16_t>(40000 + i % 20000), outstation, port);
}

// Background kinds by flow number: 3 HTTP, 2 TLS, 2 SSH, 2 DNS, 1 NTP in every ten.
struct BackgroundKind {
  int script;  // index into Scripts::background
  std::uint16_t port;
};
constexpr std::array<BackgroundKind, 10> kBackgroundKinds{
    {{0, 80}, {0, 80}, {0, 80}, {1, 443}, {1, 443}, {2, 22}, {2, 22}, {3, 53}, {3, 53}, {4, 123}}};

Endpoints background_endpoints(std::uint32_t j, const BackgroundKind& kind) {
  const Host client = make_host(0x400000 + j, ipv4(10, 99, octet(j / 250), octet(j % 250 + 1)));
  const std::uint32_t server_number = 10 + j % 40;
  const Host server = make_host(0x500000 + (static_cast<std::uint32_t>(kind.script) << 8) + server_number,
                                ipv4(192, 168, octet(1 + kind.script), octet(server_number)));
  const std::uint16_t client_port = kind.port == 123   ? std::uint16_t{123}
                                    : kind.port == 53 ? static_cast<std::uint16_t>(33000 + j % 30000)
                                                      : static_cast<std::uint16_t>(49152 + j % 16000);
  return endpoints(client, client_port, server, kind.port);
}

struct Scripts {
  std::array<Script, 3> ics;  // Modbus, DNP3, IEC 104
  std::array<Script, 5> background;
};

Scripts make_scripts(Rng& rng) {
  Scripts s;
  s.ics = {plant_script::modbus(), plant_script::dnp3(rng), plant_script::iec104(rng)};
  s.background = {plant_script::http(), plant_script::tls(rng), plant_script::ssh(rng), plant_script::dns(rng),
                  plant_script::ntp()};
  return s;
}

struct PlantFlow {
  const Script* script = nullptr;
  std::optional<TcpSession> tcp;
  std::optional<UdpFlow> udp;
  std::uint64_t step = 0;
  std::uint16_t transaction = 0;           // Modbus
  std::array<iec104::Counters, 2> counters;  // IEC 104, by Side
  std::int64_t ntp_sent_us = 0;

  bool next_opens() const { return script->at(step).opens; }
};

class Writer {
 public:
  explicit Writer(ScenarioContext& ctx) : ctx_(ctx) {}

  void handshake(PlantFlow& f, std::uint64_t round) {
    if (!f.tcp) return;
    if (round == 0) f.tcp->syn();
    if (round == 1) f.tcp->syn_ack();
    if (round == 2) f.tcp->handshake_ack();
    if (!f.script->ics) ++ctx_.pdus().background_frames;
  }

  // Sends the flow's next step, filling in what differs per flow and counting the PDUs.
  void send(PlantFlow& f) {
    const Step& step = f.script->at(f.step++);
    const auto side = static_cast<std::size_t>(step.side);
    PduCounts& pdus = ctx_.pdus();
    ByteView payload = step.bytes;
    switch (step.kind) {
      case StepKind::raw:
        break;
      case StepKind::modbus:
        if (step.opens) ++f.transaction;
        scratch_.assign(step.bytes.begin(), step.bytes.end());
        patch_u16be(scratch_, 0, f.transaction);
        payload = scratch_;
        ++pdus.modbus_adus;
        break;
      case StepKind::dnp3_link_last:
        ++pdus.dnp3_fragments;
        [[fallthrough]];
      case StepKind::dnp3_link:
        ++pdus.dnp3_link_frames;
        break;
      case StepKind::iec104_i:
        scratch_ = iec104::next_i_frame(f.counters[side], f.counters[1 - side], step.bytes);
        payload = scratch_;
        ++pdus.iec104_apdus;
        break;
      case StepKind::iec104_s:
        scratch_ = iec104::s_frame(f.counters[side].receive);
        payload = scratch_;
        ++pdus.iec104_apdus;
        break;
      case StepKind::iec104_u:
        scratch_ = iec104::u_frame(step.bytes.front());
        payload = scratch_;
        ++pdus.iec104_apdus;
        break;
      case StepKind::ntp_client:
        f.ntp_sent_us = ctx_.out().now_us();
        scratch_ = background::ntp_client(f.ntp_sent_us);
        payload = scratch_;
        break;
      case StepKind::ntp_server:
        scratch_ = background::ntp_server(f.ntp_sent_us, ctx_.out().now_us(), ctx_.out().now_us() + 30);
        payload = scratch_;
        break;
    }
    if (f.tcp) {
      f.tcp->send(step.side, payload);
    } else {
      f.udp->send(step.side, payload);
    }
    if (!f.script->ics) ++pdus.background_frames;
  }

 private:
  ScenarioContext& ctx_;
  Bytes scratch_;
};

PlantFlow make_flow(ScenarioContext& ctx, const Script& script, Endpoints ends) {
  PlantFlow f;
  f.script = &script;
  if (script.tcp) {
    f.tcp.emplace(open_session(ctx, std::move(ends)));
  } else {
    f.udp.emplace(ctx.out(), std::move(ends));
  }
  return f;
}

}  // namespace

void bench_plant(ScenarioContext& ctx) {
  const std::uint64_t frames = ctx.frames_or(kFrames);
  const std::uint32_t ics = ctx.flows_or(kFlows);
  const std::uint32_t background = (ics + kIcsPerBackground / 2) / kIcsPerBackground;
  ctx.out().set_step_us(20);
  const Scripts scripts = make_scripts(ctx.rng());

  // Background flows spread evenly among the ICS flows, so that every stretch of the capture has
  // the same mix.
  std::vector<PlantFlow> flows;
  flows.reserve(ics + background);
  std::uint32_t next_background = 0;
  for (std::uint32_t i = 0; i < ics; ++i) {
    const std::uint32_t protocol = i % 3;
    const std::uint16_t port = protocol == 0 ? modbus::kPort : protocol == 1 ? dnp3::kPort : iec104::kPort;
    flows.push_back(make_flow(ctx, scripts.ics[protocol], ics_endpoints(i, port)));
    if ((i + 1) % kIcsPerBackground == 0 && next_background < background) {
      const BackgroundKind& kind = kBackgroundKinds[next_background % kBackgroundKinds.size()];
      flows.push_back(make_flow(ctx, scripts.background[static_cast<std::size_t>(kind.script)],
                                background_endpoints(next_background, kind)));
      ++next_background;
    }
  }

  Writer writer(ctx);
  for (std::uint64_t round = 0; round < 3; ++round) {
    for (PlantFlow& f : flows) writer.handshake(f, round);
  }
  while (ctx.out().frames() < frames) {
    for (PlantFlow& f : flows) writer.send(f);
  }
  // Then each flow finishes its exchange in progress (no request left unanswered, which the
  // sensor would rightly report at the end of the capture) and stays quiet.
  for (bool busy = true; busy;) {
    busy = false;
    for (PlantFlow& f : flows) {
      if (f.next_opens()) continue;
      writer.send(f);
      busy = true;
    }
  }
}

}  // namespace normwatch::tools::capgen::scenarios
