// Rule trigger capture for DNP3 (rules/dnp3.yaml; judged with captures/rules/rules-policy.yaml).
// The listed master 10.10.2.11 (link address 1) and a rogue host 10.10.2.66 (link address 3) talk
// to the outstation 10.10.1.30 (address 10) over TCP 20000. Each step triggers one rule or is its
// benign twin (the master's own requests, counts below a threshold). Fragments are written byte
// by byte here (IEEE 1815-2012 §4.2) to reach functions the demo never uses.
#include <initializer_list>
#include <string_view>

#include "capgen/dnp3_encoder.hpp"
#include "capgen/plant.hpp"
#include "capgen/scenario_list.hpp"

namespace normwatch::tools::capgen::scenarios {
namespace {

constexpr std::uint8_t kFirFin = 0xC0;

Bytes bytes(std::initializer_list<unsigned> list) {
  Bytes out;
  for (unsigned b : list) out.push_back(static_cast<std::uint8_t>(b));
  return out;
}

// A request: application control (FIR, FIN, seq), function, then object headers and data.
Bytes request(std::uint8_t seq, unsigned function, const Bytes& objects = {}) {
  Bytes out = bytes({static_cast<unsigned>(kFirFin | (seq & 0x0F)), function});
  out.insert(out.end(), objects.begin(), objects.end());
  return out;
}

Bytes response(std::uint8_t control, unsigned function, unsigned iin1, unsigned iin2, const Bytes& objects = {}) {
  Bytes out = bytes({control, function, iin1, iin2});
  out.insert(out.end(), objects.begin(), objects.end());
  return out;
}

// g70v3 file command (§A.40.3), qualifier 0x5B (one object with a 2-byte size prefix): name
// offset and size, creation time, permissions, authentication key, file size, operational mode,
// maximum block size, request id, then the file name.
Bytes file_command(std::string_view name, unsigned mode) {
  const auto size = static_cast<unsigned>(26 + name.size());
  Bytes out = bytes({70, 3, 0x5B, 1});
  ByteWriter(out)
      .u16le(size)
      .u16le(26)
      .u16le(static_cast<unsigned>(name.size()))
      .fill(6, 0)        // time of creation
      .u16le(0x01A4)     // permissions rw-r--r--
      .u32le(0)          // authentication key
      .u32le(0)          // file size
      .u16le(mode)       // 0 null, 1 read, 2 write, 3 append
      .u16le(1024)       // maximum block size
      .u16le(7)          // request id
      .text(name);
  return out;
}

class Conversation {
 public:
  Conversation(ScenarioContext& ctx, const Host& master, std::uint16_t port, std::uint16_t master_address,
               std::uint16_t outstation_address)
      : ctx_(ctx),
        tcp_(open_session(ctx, endpoints(master, port, plant::outstation(), dnp3::kPort))),
        peer_(ctx, master_address, outstation_address) {
    tcp_.handshake();
  }
  // A request from the master and the outstation's answer (null response unless given).
  void ask(unsigned function, const Bytes& objects = {}, unsigned iin1 = 0, unsigned iin2 = 0) {
    const std::uint8_t seq = peer_.next_request_seq();
    send(Side::client, request(seq, function, objects));
    ctx_.out().advance_us(4'000);
    send(Side::server, response(static_cast<std::uint8_t>(kFirFin | seq), 0x81, iin1, iin2));
    ctx_.out().advance_us(200'000);
  }
  // An unsolicited response with class 1 events, confirmed by the master.
  void unsolicited(unsigned iin1 = 0x02) {
    const std::uint8_t seq = peer_.next_unsolicited_seq();
    send(Side::server, response(static_cast<std::uint8_t>(0xF0 | seq), 0x82, iin1, 0x00,
                                bytes({2, 1, 0x17, 1, 4, 0x81})));  // g2v1, 1-byte count/index: point 4 on
    ctx_.out().advance_us(3'000);
    send(Side::client, bytes({0xD0U | seq, 0x00}));  // confirm: FIR, FIN, UNS
    ctx_.out().advance_us(200'000);
  }
  void send(Side side, const Bytes& fragment) { send_each(tcp_, side, peer_.frames(side, fragment)); }
  TcpSession& tcp() { return tcp_; }
  Dnp3Peer& peer() { return peer_; }

 private:
  ScenarioContext& ctx_;
  TcpSession tcp_;
  Dnp3Peer peer_;
};

// g12v1 CROB: qualifier 0x17 (1-byte count, 1-byte index), index 3, latch on, 1 pulse of 100 ms.
Bytes crob() { return bytes({12, 1, 0x17, 1, 3, 0x03, 1, 100, 0, 0, 0, 0, 0, 0, 0, 0}); }

}  // namespace

void rules_dnp3(ScenarioContext& ctx) {
  Conversation master(ctx, plant::dnp3_master(), 50300, plant::kDnp3Master, plant::kDnp3Outstation);
  Conversation rogue(ctx, plant::v4_host(2, 66), 51300, 3, plant::kDnp3Outstation);

  // Twins: the master's class 0 poll and two unsolicited responses (below DN-09's five in 10 s).
  master.ask(0x01, bytes({60, 1, 0x06}));
  master.unsolicited();
  master.unsolicited();
  // DN-01: cold restart from the master (high), warm restart from the rogue host (critical).
  master.ask(0x0D);
  rogue.ask(0x0E);
  // DN-02 stop application, DN-03 disable unsolicited (from the master).
  master.ask(0x12, bytes({90, 1, 0x06}));
  master.ask(0x15, bytes({60, 2, 0x06, 60, 3, 0x06, 60, 4, 0x06}));
  // DN-04: direct operate from the rogue host; its twin, the same control from the master.
  rogue.ask(0x05, crob());
  master.ask(0x05, crob());
  // DN-05: the master broadcasts an immediate freeze (no acknowledgement) to 0xFFFF.
  {
    Dnp3Peer broadcast(ctx, plant::kDnp3Master, 0xFFFF);
    send_each(master.tcp(), Side::client, broadcast.frames(Side::client, request(0, 0x08, bytes({20, 0, 0x06}))));
    ctx.out().advance_us(200'000);
  }
  // DN-06: open file (high) and delete file (critical).
  master.ask(0x19, file_command("cfg.bin", 1));
  master.ask(0x1B, file_command("cfg.bin", 0));
  // DN-07: write of g50v1 time and date; DN-08: freeze and clear counters.
  master.ask(0x02, bytes({50, 1, 0x07, 1, 0x00, 0xD0, 0x44, 0x6F, 0x94, 0x01}));
  master.ask(0x09, bytes({20, 0, 0x06}));
  // DN-10: a response with IIN1.7 device restart.
  master.ask(0x01, bytes({60, 2, 0x06}), 0x80, 0x00);
  // DN-11: three requests the outstation does not support, from the rogue host (IIN2.0), and
  // a class 0 integrity poll from it.
  for (int i = 0; i < 3; ++i) rogue.ask(0x17, {}, 0x00, 0x01);
  rogue.ask(0x01, bytes({60, 1, 0x06}));
  // DN-12: a reserved application function code.
  master.ask(0x30);
  // DN-09: five unsolicited responses within 10 s, thirty seconds after the twins.
  ctx.out().advance_us(30'000'000);
  for (int i = 0; i < 5; ++i) master.unsolicited();
  // DN-13: a last transport segment (FIN) with no fragment in progress, from the rogue host.
  {
    Bytes lone = dnp3::link_frame(dnp3::kLinkFromMaster, plant::kDnp3Outstation, 3,
                                  bytes({0x80 | 0x21, 0xC0, 0x01, 60, 1, 0x06}));  // FIN, no FIR
    ++ctx.pdus().dnp3_link_frames;
    rogue.tcp().send(Side::client, lone);
    ctx.out().advance_us(200'000);
  }
  // DN-14: the rogue host starts a two-segment fragment and closes before the last segment.
  {
    Bytes first = dnp3::link_frame(dnp3::kLinkFromMaster, plant::kDnp3Outstation, 3,
                                   bytes({0x40 | 0x05, 0xC0, 0x02, 50, 1, 0x07, 1}));  // FIR, no FIN
    ++ctx.pdus().dnp3_link_frames;
    rogue.tcp().send(Side::client, first);
    ctx.out().advance_us(200'000);
  }
  master.tcp().close(Side::client);
  rogue.tcp().close(Side::client);
}

}  // namespace normwatch::tools::capgen::scenarios
