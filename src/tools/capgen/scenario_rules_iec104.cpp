// Rule trigger capture for IEC 60870-5-104 (rules/iec104.yaml; judged with
// captures/rules/rules-policy.yaml). The listed controlling station 10.10.2.12, a rogue host
// 10.10.2.66 and the time master 10.10.2.5 talk to the RTU 10.10.1.40:2404 (common address 1).
// ASDUs are written byte by byte in the 104 profile (IEC 60870-5-101 §7.2: COT 2 octets, CA 2,
// IOA 3) to reach the types the demo never uses.
#include <array>
#include <cstring>
#include <initializer_list>

#include "capgen/iec104_encoder.hpp"
#include "capgen/plant.hpp"
#include "capgen/scenario_list.hpp"

namespace normwatch::tools::capgen::scenarios {
namespace {

constexpr unsigned kAct = 6;
constexpr unsigned kActCon = 7;

// One information object: type, cause, common address, IOA and element bytes.
Bytes asdu(unsigned type, unsigned cot, unsigned ca, std::uint32_t ioa, std::initializer_list<unsigned> element) {
  Bytes out;
  ByteWriter w(out);
  w.u8(type).u8(1).u8(cot).u8(0).u16le(ca).u24le(ioa);
  for (unsigned b : element) w.u8(b);
  return out;
}

class Link {
 public:
  Link(ScenarioContext& ctx, const Host& station, std::uint16_t port, bool start)
      : ctx_(ctx), tcp_(open_session(ctx, endpoints(station, port, plant::rtu(), iec104::kPort))) {
    tcp_.handshake();
    if (start) {
      u(Side::client, iec104::kStartDtAct);
      u(Side::server, iec104::kStartDtCon);
    }
  }
  void i(Side from, const Bytes& a) {
    ++ctx_.pdus().iec104_apdus;
    tcp_.send(from, iec104::next_i_frame(counters_[index(from)], counters_[index(peer_of(from))], a));
    ctx_.out().advance_us(3'000);
  }
  // An activation and its confirmation (the RTU mirrors the ASDU with cause 7).
  void command(const Bytes& a) {
    i(Side::client, a);
    Bytes con = a;
    con[2] = kActCon;
    i(Side::server, con);
    ctx_.out().advance_us(200'000);
  }
  void u(Side from, std::uint8_t control) {
    ++ctx_.pdus().iec104_apdus;
    tcp_.send(from, iec104::u_frame(control));
    ctx_.out().advance_us(3'000);
  }
  // The next I-frame from `from` skips `n` send sequence numbers (frames the sensor never saw).
  void skip(Side from, std::uint16_t n) { counters_[index(from)].send = static_cast<std::uint16_t>(counters_[index(from)].send + n); }
  TcpSession& tcp() { return tcp_; }

 private:
  static std::size_t index(Side s) { return static_cast<std::size_t>(s); }
  ScenarioContext& ctx_;
  TcpSession tcp_;
  iec104::Counters counters_[2];
};

std::array<unsigned, 4> le_float(float v) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &v, 4);
  return {bits & 0xFF, (bits >> 8) & 0xFF, (bits >> 16) & 0xFF, bits >> 24};
}

}  // namespace

void rules_iec104(ScenarioContext& ctx) {
  constexpr unsigned kCa = plant::kIec104CommonAddress;
  Link station(ctx, plant::iec104_station(), 50400, true);

  // Twins: the station's general interrogation and a single command (listed master).
  station.command(asdu(100, kAct, kCa, 0, {20}));
  station.command(asdu(45, kAct, kCa, 2001, {0x81}));  // select, ON
  station.command(asdu(45, kAct, kCa, 2001, {0x01}));  // execute, ON
  // IE-01: reset process, QRP 1 (general reset, critical) and QRP 2 (event buffer, high).
  station.command(asdu(105, kAct, kCa, 0, {1}));
  station.command(asdu(105, kAct, kCa, 0, {2}));
  // IE-03: commands to eight different breakers within a minute (fires on the eighth).
  for (std::uint32_t ioa = 2101; ioa <= 2108; ++ioa) station.command(asdu(45, kAct, kCa, ioa, {0x01}));
  // IE-05: a measurement threshold parameter (P_ME_NC_1, QPM 1 threshold).
  {
    const auto f = le_float(0.5f);
    station.command(asdu(112, kAct, kCa, 1001, {f[0], f[1], f[2], f[3], 0x01}));
  }
  // IE-07: clock synchronisation from the station, which is not the time master.
  const std::initializer_list<unsigned> cp56 = {0x10, 0x27, 0x00, 0x00, 0x01, 0x01, 0x1A};  // 2026-01-01 00:00:10
  station.command(asdu(103, kAct, kCa, 0, cp56));
  // IE-06: the RTU announces a file ready for transfer (F_FR_NA_1: NOF 1, LOF 1000, FRQ 0).
  station.i(Side::server, asdu(120, 13, kCa, 0, {0x01, 0x00, 0xE8, 0x03, 0x00, 0x00}));
  ctx.out().advance_us(200'000);

  // The rogue host: an interrogation before STARTDT that the RTU never confirms (IE-12 at the end
  // of the flow), then a command (IE-02, and IE-10 since the station commanded the same RTU), a
  // set-point (IE-04), a global interrogation to 0xFFFF (IE-08).
  Link rogue(ctx, plant::v4_host(2, 66), 51400, false);
  rogue.i(Side::client, asdu(100, kAct, kCa, 0, {20}));
  rogue.u(Side::client, iec104::kStartDtAct);
  rogue.u(Side::server, iec104::kStartDtCon);
  rogue.command(asdu(45, kAct, kCa, 2002, {0x01}));
  {
    const auto f = le_float(75.0f);
    rogue.command(asdu(50, kAct, kCa, 3001, {f[0], f[1], f[2], f[3], 0x00}));
  }
  rogue.command(asdu(100, kAct, 0xFFFF, 0, {20}));

  // Twin of IE-07: the time master synchronises the RTU's clock.
  Link time_master(ctx, plant::dns_ntp_server(), 50500, true);
  time_master.command(asdu(103, kAct, kCa, 0, cp56));
  time_master.tcp().close(Side::client);

  // IE-11: a single-point report with cause "activation", not allowed for monitor types.
  station.i(Side::server, asdu(1, kAct, kCa, 2001, {0x01}));
  // IE-13: the RTU's next I-frame skips three sequence numbers.
  station.skip(Side::server, 3);
  station.i(Side::server, asdu(13, 3, kCa, 1001, {0x00, 0x00, 0x48, 0x42, 0x00}));
  // IE-09: the RTU (the controlled station) sends STOPDT act.
  station.u(Side::server, iec104::kStopDtAct);
  station.u(Side::client, iec104::kStopDtCon);
  station.tcp().close(Side::client);
  rogue.tcp().close(Side::client);
}

}  // namespace normwatch::tools::capgen::scenarios
