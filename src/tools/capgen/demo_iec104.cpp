// Demo actor: an IEC 104 controlling station and an RTU (IEC 60870-5-104 §5, IEC 60870-5-101
// §7). Cycle 0: STARTDT act/con. Cycle 1: general interrogation (C_IC_NA_1 act, actcon, M_ME_NC_1
// and M_SP_NA_1 with cause 20, actterm). Even cycles: spontaneous M_ME_NC_1. Cycle 3: TESTFR
// act/con. Cycle 5: single command C_SC_NA_1 select and execute, each confirmed, then actterm.
// The station acknowledges received I-frames with S-frames.
#include "capgen/demo_actors.hpp"
#include "capgen/iec104_encoder.hpp"
#include "capgen/plant.hpp"

namespace normwatch::tools::capgen::demo {
namespace {

using iec104::Asdu;
constexpr std::uint16_t kCa = plant::kIec104CommonAddress;
constexpr std::uint32_t kBreakerIoa = 2001;

class Iec104Station final : public Actor {
 public:
  explicit Iec104Station(ScenarioContext& ctx)
      : ctx_(ctx),
        tcp_(open_session(ctx, endpoints(plant::iec104_station(), 50200, plant::rtu(), iec104::kPort))),
        peer_(ctx, tcp_) {}

  void step(int cycle, int last) override {
    if (cycle == 0) {
      tcp_.handshake();
      peer_.u_frame(Side::client, iec104::kStartDtAct);
      pause();
      peer_.u_frame(Side::server, iec104::kStartDtCon);
    }
    if (cycle == 1) interrogation();
    if (cycle % 2 == 0 && cycle > 0) spontaneous(cycle);
    if (cycle == 3) {
      peer_.u_frame(Side::client, iec104::kTestFrAct);
      pause();
      peer_.u_frame(Side::server, iec104::kTestFrCon);
    }
    if (cycle == 5) single_command();
    if (cycle == last) tcp_.close(Side::client);
  }

 private:
  void pause() { ctx_.out().advance_us(2'500); }

  void interrogation() {
    peer_.i_frame(Side::client, Asdu(iec104::kCIcNa1, iec104::kCotActivation, kCa).interrogation(0, 20));
    pause();
    peer_.i_frame(Side::server, Asdu(iec104::kCIcNa1, iec104::kCotActivationCon, kCa).interrogation(0, 20));
    Asdu measured(iec104::kMMeNc1, iec104::kCotInterrogated, kCa);
    for (std::uint32_t i = 0; i < 4; ++i) measured.measured_float(1001 + i, 49.95f + 0.25f * static_cast<float>(i), 0);
    peer_.i_frame(Side::server, measured);
    Asdu points(iec104::kMSpNa1, iec104::kCotInterrogated, kCa);
    for (std::uint32_t i = 0; i < 3; ++i) points.single_point(kBreakerIoa + i, i != 1, 0);
    peer_.i_frame(Side::server, points);
    peer_.i_frame(Side::server, Asdu(iec104::kCIcNa1, iec104::kCotActivationTerm, kCa).interrogation(0, 20));
    pause();
    peer_.s_frame(Side::client);
  }

  void spontaneous(int cycle) {
    Asdu measured(iec104::kMMeNc1, iec104::kCotSpontaneous, kCa);
    measured.measured_float(1001, 50.0f + 0.01f * static_cast<float>(cycle), 0);
    measured.measured_float(1003, 231.5f - 0.1f * static_cast<float>(ctx_.rng().between(0, 20)), 0);
    peer_.i_frame(Side::server, measured);
    pause();
    peer_.s_frame(Side::client);
  }

  // Select-before-operate on breaker 2002: select (S/E = 1) and execute (S/E = 0), each
  // activated and confirmed, then terminated.
  void single_command() {
    constexpr std::uint32_t kIoa = kBreakerIoa + 1;
    for (const bool select : {true, false}) {
      peer_.i_frame(Side::client,
                    Asdu(iec104::kCScNa1, iec104::kCotActivation, kCa).single_command(kIoa, true, select));
      pause();
      peer_.i_frame(Side::server,
                    Asdu(iec104::kCScNa1, iec104::kCotActivationCon, kCa).single_command(kIoa, true, select));
      pause();
    }
    peer_.i_frame(Side::server,
                  Asdu(iec104::kCScNa1, iec104::kCotActivationTerm, kCa).single_command(kIoa, true, false));
    pause();
    peer_.s_frame(Side::client);
  }

  ScenarioContext& ctx_;
  TcpSession tcp_;
  Iec104Peer peer_;
};

}  // namespace

std::unique_ptr<Actor> iec104_station(ScenarioContext& ctx) { return std::make_unique<Iec104Station>(ctx); }

}  // namespace normwatch::tools::capgen::demo
