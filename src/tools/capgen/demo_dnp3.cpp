// Demo actor: a DNP3 master polling an outstation over TCP 20000. Cycle 0: integrity poll (read
// class 1, 2, 3 and 0 = g60v2..v4, g60v1) answered by 16 g1v2 binary inputs and 100 g30v1
// analogs, a fragment of three link frames sent as three TCP segments. Later cycles: event polls
// (class 1-3), answered with g32v1 events in cycle 2 and empty otherwise; unsolicited g2v2 events
// in cycles 3 and 6, each confirmed by the master (IEEE 1815-2012 §4.2, §5.1).
#include <array>
#include <vector>

#include "capgen/demo_actors.hpp"
#include "capgen/dnp3_encoder.hpp"
#include "capgen/plant.hpp"

namespace normwatch::tools::capgen::demo {
namespace {

using dnp3::Fragment;
constexpr std::uint8_t kFirFin = dnp3::kAppFir | dnp3::kAppFin;

class Dnp3Master final : public Actor {
 public:
  explicit Dnp3Master(ScenarioContext& ctx)
      : ctx_(ctx),
        tcp_(open_session(ctx, endpoints(plant::dnp3_master(), 50100, plant::outstation(), dnp3::kPort))),
        peer_(ctx, plant::kDnp3Master, plant::kDnp3Outstation) {}

  void step(int cycle, int last) override {
    if (cycle == 0) {
      tcp_.handshake();
      integrity_poll();
    } else {
      event_poll(cycle);
    }
    if (cycle == 3 || cycle == 6) unsolicited(cycle);
    if (cycle == last) tcp_.close(Side::client);
  }

 private:
  void integrity_poll() {
    const std::uint8_t seq = peer_.next_request_seq();
    Fragment request = Fragment::request(kFirFin | seq, dnp3::kRead);
    request.all_objects(60, 2).all_objects(60, 3).all_objects(60, 4).all_objects(60, 1);
    send_each(tcp_, Side::client, peer_.frames(Side::client, request.bytes()));

    std::array<bool, 16> inputs{};
    for (std::size_t i = 0; i < inputs.size(); ++i) inputs[i] = (i % 4) == 1;
    std::vector<std::int32_t> analogs(100);
    for (std::size_t i = 0; i < analogs.size(); ++i) {
      analogs[i] = static_cast<std::int32_t>(i * 37) - 500 + static_cast<std::int32_t>(ctx_.rng().between(0, 9));
    }
    Fragment response = Fragment::response(kFirFin | seq, dnp3::kResponse, 0x00, 0x00);
    response.binary_inputs(0, inputs).analog_inputs(0, analogs);
    ctx_.out().advance_us(6'000);
    send_each(tcp_, Side::server, peer_.frames(Side::server, response.bytes()));
    ctx_.out().advance_us(30'000);
    tcp_.ack(Side::client);
  }

  void event_poll(int cycle) {
    const std::uint8_t seq = peer_.next_request_seq();
    Fragment request = Fragment::request(kFirFin | seq, dnp3::kRead);
    request.all_objects(60, 2).all_objects(60, 3).all_objects(60, 4);
    send_each(tcp_, Side::client, peer_.frames(Side::client, request.bytes()));

    Fragment response = Fragment::response(kFirFin | seq, dnp3::kResponse, 0x00, 0x00);
    if (cycle == 2) {
      const std::array<Fragment::AnalogEvent, 3> events{{{3, 1234}, {7, -42}, {12, 99000}}};
      response.analog_events(events);
    }
    ctx_.out().advance_us(4'000);
    send_each(tcp_, Side::server, peer_.frames(Side::server, response.bytes()));
    ctx_.out().advance_us(30'000);
    tcp_.ack(Side::client);
  }

  void unsolicited(int cycle) {
    ctx_.out().advance_us(120'000);
    const std::uint8_t seq = peer_.next_unsolicited_seq();
    const auto time_ms = static_cast<std::uint64_t>(ctx_.out().now_us() / 1000 - 3);
    const std::array<Fragment::BinaryEvent, 2> events{{{1, cycle == 3, time_ms}, {5, true, time_ms + 1}}};
    Fragment report = Fragment::response(kFirFin | dnp3::kAppCon | dnp3::kAppUns | seq, dnp3::kUnsolicitedResponse,
                                         0x02, 0x00);  // IIN1: class 1 events
    report.binary_events(events);
    send_each(tcp_, Side::server, peer_.frames(Side::server, report.bytes()));
    ctx_.out().advance_us(3'000);
    Fragment confirm = Fragment::request(kFirFin | dnp3::kAppUns | seq, dnp3::kConfirm);
    send_each(tcp_, Side::client, peer_.frames(Side::client, confirm.bytes()));
  }

  ScenarioContext& ctx_;
  TcpSession tcp_;
  Dnp3Peer peer_;
};

}  // namespace

std::unique_ptr<Actor> dnp3_master(ScenarioContext& ctx) { return std::make_unique<Dnp3Master>(ctx); }

}  // namespace normwatch::tools::capgen::demo
