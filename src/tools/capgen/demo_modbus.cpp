// Demo actor: the HMI polling one Modbus PLC every cycle with FC3 (holding registers) and FC1
// (coils) reads; PLC 1 also takes an FC6 write in cycle 3 and an FC16 write in cycle 5, and PLC 2
// answers an out-of-range FC3 read in cycle 4 with exception 2 (illegal data address).
#include <array>

#include "capgen/demo_actors.hpp"
#include "capgen/modbus_encoder.hpp"
#include "capgen/plant.hpp"

namespace normwatch::tools::capgen::demo {
namespace {

class ModbusPoller final : public Actor {
 public:
  ModbusPoller(ScenarioContext& ctx, int plc)
      : ctx_(ctx),
        plc_(plc),
        tcp_(open_session(ctx, endpoints(plant::hmi(), static_cast<std::uint16_t>(49200 + plc),
                                         plc == 0 ? plant::plc1() : plant::plc2(), modbus::kPort))),
        peer_(ctx, static_cast<std::uint8_t>(plc + 1), static_cast<std::uint16_t>(plc == 0 ? 0x0100 : 0x2000)) {}

  void step(int cycle, int last) override {
    if (cycle == 0) tcp_.handshake();
    read_registers(cycle);
    read_coils(cycle);
    if (plc_ == 0 && cycle == 3) {
      const Bytes write = modbus::write_single_register(5, 1200);
      peer_.transact(tcp_, write, write);  // FC6: the response echoes the request
    }
    if (plc_ == 0 && cycle == 5) {
      const std::array<std::uint16_t, 4> setpoints{750, 760, 770, 780};
      peer_.transact(tcp_, modbus::write_multiple_registers_request(10, setpoints),
                     modbus::write_multiple_registers_response(10, setpoints.size()));
    }
    if (plc_ == 1 && cycle == 4) {
      peer_.transact(tcp_, modbus::read_request(modbus::kReadHoldingRegisters, 4000, 2),
                     modbus::exception_response(modbus::kReadHoldingRegisters, modbus::kIllegalDataAddress));
    }
    ctx_.out().advance_us(40'000);  // delayed ACK of the last response
    tcp_.ack(Side::client);
    if (cycle == last) tcp_.close(Side::client);
  }

 private:
  void read_registers(int cycle) {
    std::array<std::uint16_t, 10> values{};
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] =
          static_cast<std::uint16_t>(1000 + 10 * i + static_cast<std::size_t>(cycle) + ctx_.rng().between(0, 3));
    }
    peer_.transact(tcp_, modbus::read_request(modbus::kReadHoldingRegisters, 0, values.size()),
                   modbus::read_registers_response(modbus::kReadHoldingRegisters, values));
    ctx_.out().advance_us(5'000);
  }

  void read_coils(int cycle) {
    std::array<bool, 16> coils{};
    for (std::size_t i = 0; i < coils.size(); ++i) coils[i] = ((i + static_cast<std::size_t>(cycle)) % 3) == 0;
    peer_.transact(tcp_, modbus::read_request(modbus::kReadCoils, 0, coils.size()),
                   modbus::read_bits_response(modbus::kReadCoils, coils));
  }

  ScenarioContext& ctx_;
  int plc_;
  TcpSession tcp_;
  ModbusPeer peer_;
};

}  // namespace

std::unique_ptr<Actor> modbus_poller(ScenarioContext& ctx, int plc) { return std::make_unique<ModbusPoller>(ctx, plc); }

}  // namespace normwatch::tools::capgen::demo
