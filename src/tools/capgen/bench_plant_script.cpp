// The ICS scripts of `bench-plant`: Modbus/TCP (Application Protocol v1.1b3 §6.3, §6.6, §6.12),
// DNP3 over TCP (IEEE 1815-2012 §4.2 application, §8.2 transport: a fragment larger than one link
// frame is cut into several; §5.1 unsolicited responses confirmed by the master) and IEC 104
// (IEC 60870-5-104 §5 APCI, IEC 60870-5-101 §7.3 types; select/execute per 60870-5-5 §6.8).
#include <array>

#include "capgen/bench_plant_script.hpp"
#include "capgen/dnp3_encoder.hpp"
#include "capgen/iec104_encoder.hpp"
#include "capgen/modbus_encoder.hpp"

namespace normwatch::tools::capgen::plant_script {
namespace {

void add(std::vector<Step>& steps, Side side, StepKind kind, bool opens, Bytes bytes) {
  steps.push_back(Step{side, kind, opens, std::move(bytes)});
}

// DNP3: the link frames of one fragment, the last marked as completing it.
void add_fragment(std::vector<Step>& steps, Side from, const dnp3::Fragment& fragment, bool opens,
                  std::array<std::uint8_t, 2>& transport_seq) {
  const bool master = from == Side::client;
  const auto frames = dnp3::link_frames_for(master ? dnp3::kLinkFromMaster : dnp3::kLinkFromOutstation,
                                            master ? 10 : 1, master ? 1 : 10, fragment.bytes(),
                                            transport_seq[static_cast<std::size_t>(from)]);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    add(steps, from, i + 1 == frames.size() ? StepKind::dnp3_link_last : StepKind::dnp3_link, opens && i == 0,
        frames[i]);
  }
}

}  // namespace

// 64 transactions: FC3 reads of 10 holding registers, an FC6 write every 16th, an FC16 write of
// four registers every 64th (the loop repeats with new transaction ids).
Script modbus() {
  Script s;
  for (std::uint16_t t = 0; t < 64; ++t) {
    Bytes request;
    Bytes response;
    if (t % 64 == 47) {
      const std::array<std::uint16_t, 4> values{100, static_cast<std::uint16_t>(200 + t), 300, 400};
      request = modbus::write_multiple_registers_request(20, values);
      response = modbus::write_multiple_registers_response(20, 4);
    } else if (t % 16 == 15) {
      request = modbus::write_single_register(5, static_cast<std::uint16_t>(1000 + t));
      response = request;  // FC6 echoes the request
    } else {
      std::array<std::uint16_t, 10> registers{};
      for (std::size_t i = 0; i < registers.size(); ++i) registers[i] = static_cast<std::uint16_t>(1000 + i * 7 + t);
      request = modbus::read_request(modbus::kReadHoldingRegisters, 0, 10);
      response = modbus::read_registers_response(modbus::kReadHoldingRegisters, registers);
    }
    add(s.loop, Side::client, StepKind::modbus, true, modbus::adu(0, 1, request));
    add(s.loop, Side::server, StepKind::modbus, false, modbus::adu(0, 1, response));
  }
  return s;
}

// Cycles of: integrity poll (class 1, 2, 3, 0) answered by 16 g1v2 and 100 g30v1 objects (a
// 532-byte fragment, three link frames); an event poll answered by a null response; every fourth
// cycle an unsolicited g2v2 report (CON, UNS) and the master's confirm (rare enough that DN-09,
// the unsolicited flood rule, stays quiet at the scenario's pace); an event poll answered by g32v1
// events. The loop ends where every sequence number (6-bit transport per direction, 4-bit
// application for requests and for unsolicited responses) is back at zero, so that it repeats
// seamlessly: 64 blocks of four cycles (13 master and 21 outstation link frames a block).
Script dnp3(Rng& rng) {
  constexpr std::uint8_t kFirFin = dnp3::kAppFir | dnp3::kAppFin;
  Script s;
  std::array<std::uint8_t, 2> transport{0, 0};
  std::uint8_t request_seq = 0;
  std::uint8_t unsolicited_seq = 0;
  std::uint64_t time_ms = 1'767'225'600'000;
  constexpr int kUnsolicitedEvery = 4;
  const auto back_at_start = [&](int cycle) {
    return cycle > 0 && cycle % kUnsolicitedEvery == 0 && transport[0] == 0 && transport[1] == 0 &&
           request_seq % 16 == 0 && unsolicited_seq % 16 == 0;
  };
  for (int cycle = 0; !back_at_start(cycle); ++cycle) {
    std::uint8_t seq = request_seq++ & 0x0F;
    dnp3::Fragment integrity = dnp3::Fragment::request(kFirFin | seq, dnp3::kRead);
    integrity.all_objects(60, 2).all_objects(60, 3).all_objects(60, 4).all_objects(60, 1);
    add_fragment(s.loop, Side::client, integrity, true, transport);
    std::array<bool, 16> inputs{};
    for (std::size_t i = 0; i < inputs.size(); ++i) inputs[i] = (i + static_cast<std::size_t>(cycle)) % 4 == 1;
    std::array<std::int32_t, 100> analogs{};
    for (std::size_t i = 0; i < analogs.size(); ++i) {
      analogs[i] = static_cast<std::int32_t>(i * 37) - 500 + static_cast<std::int32_t>(rng.between(0, 9));
    }
    dnp3::Fragment full = dnp3::Fragment::response(kFirFin | seq, dnp3::kResponse, 0x00, 0x00);
    full.binary_inputs(0, inputs).analog_inputs(0, analogs);
    add_fragment(s.loop, Side::server, full, false, transport);

    seq = request_seq++ & 0x0F;
    dnp3::Fragment poll = dnp3::Fragment::request(kFirFin | seq, dnp3::kRead);
    poll.all_objects(60, 2).all_objects(60, 3).all_objects(60, 4);
    add_fragment(s.loop, Side::client, poll, true, transport);
    add_fragment(s.loop, Side::server, dnp3::Fragment::response(kFirFin | seq, dnp3::kResponse, 0x00, 0x00), false,
                 transport);

    if (cycle % kUnsolicitedEvery == kUnsolicitedEvery - 1) {
      const std::uint8_t useq = unsolicited_seq++ & 0x0F;
      time_ms += 997;
      const std::array<dnp3::Fragment::BinaryEvent, 2> events{
          {{1, cycle % 8 == 3, time_ms}, {5, true, time_ms + 1}}};
      dnp3::Fragment report = dnp3::Fragment::response(kFirFin | dnp3::kAppCon | dnp3::kAppUns | useq,
                                                       dnp3::kUnsolicitedResponse, 0x02, 0x00);  // IIN1: class 1
      report.binary_events(events);
      add_fragment(s.loop, Side::server, report, true, transport);
      add_fragment(s.loop, Side::client, dnp3::Fragment::request(kFirFin | dnp3::kAppUns | useq, dnp3::kConfirm),
                   false, transport);
    }

    seq = request_seq++ & 0x0F;
    add_fragment(s.loop, Side::client, dnp3::Fragment::request(kFirFin | seq, dnp3::kRead).all_objects(60, 2), true,
                 transport);
    const std::array<dnp3::Fragment::AnalogEvent, 3> changes{
        {{3, 1234 + cycle}, {7, -42}, {static_cast<std::uint16_t>(12 + cycle % 8), 99000}}};
    dnp3::Fragment changed = dnp3::Fragment::response(kFirFin | seq, dnp3::kResponse, 0x00, 0x00);
    changed.analog_events(changes);
    add_fragment(s.loop, Side::server, changed, false, transport);
  }
  return s;
}

// STARTDT, then 16 blocks: mostly two M_ME_NC_1 and one M_SP_NA_1 spontaneous (cause 3) from the
// RTU and the station's S-frame; blocks 3 and 11 a C_SC_NA_1 select (activation, confirmation),
// execute (activation, confirmation, termination) and the station's S-frame.
Script iec104(Rng& rng) {
  Script s;
  add(s.prologue, Side::client, StepKind::iec104_u, true, Bytes{iec104::kStartDtAct});
  add(s.prologue, Side::server, StepKind::iec104_u, false, Bytes{iec104::kStartDtCon});
  for (int block = 0; block < 16; ++block) {
    if (block == 3 || block == 11) {
      const bool on = block == 3;
      const auto command = [&](std::uint8_t cause, bool select) {
        return iec104::Asdu(iec104::kCScNa1, cause, 1).single_command(2001, on, select).bytes();
      };
      add(s.loop, Side::client, StepKind::iec104_i, true, command(iec104::kCotActivation, true));
      add(s.loop, Side::server, StepKind::iec104_i, false, command(iec104::kCotActivationCon, true));
      add(s.loop, Side::client, StepKind::iec104_i, false, command(iec104::kCotActivation, false));
      add(s.loop, Side::server, StepKind::iec104_i, false, command(iec104::kCotActivationCon, false));
      add(s.loop, Side::server, StepKind::iec104_i, false, command(iec104::kCotActivationTerm, false));
    } else {
      for (int k = 0; k < 2; ++k) {
        const float value = 50.0f + static_cast<float>(rng.between(0, 400)) / 100.0f;
        add(s.loop, Side::server, StepKind::iec104_i, k == 0,
            iec104::Asdu(iec104::kMMeNc1, iec104::kCotSpontaneous, 1)
                .measured_float(static_cast<std::uint32_t>(1001 + (block * 2 + k) % 16), value, 0)
                .bytes());
      }
      add(s.loop, Side::server, StepKind::iec104_i, false,
          iec104::Asdu(iec104::kMSpNa1, iec104::kCotSpontaneous, 1)
              .single_point(static_cast<std::uint32_t>(3001 + block % 4), block % 2 == 0, 0)
              .bytes());
    }
    add(s.loop, Side::client, StepKind::iec104_s, false, {});
  }
  return s;
}

}  // namespace normwatch::tools::capgen::plant_script
