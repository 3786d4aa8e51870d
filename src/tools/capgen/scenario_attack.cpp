// Memory-under-attack scenarios (issue 9 §6): traffic built to exhaust a sensor's flow table and
// reassembly buffers, each with an HMI polling a PLC over Modbus/TCP in the middle of it, so a test
// can check that the caps hold, evictions are counted and the real conversation is still decoded.
// `attack-syn-sweep`: --flows (default 1,000,000) distinct flows, one SYN each, 500 us apart.
// `attack-ooo-stream`: --frames (default 200,000) segments of one TCP stream, every 1000-byte block
// sent without its first 100 bytes and never acknowledged: out-of-order data that never completes.
#include <array>

#include "capgen/modbus_encoder.hpp"
#include "capgen/plant.hpp"
#include "capgen/scenario_list.hpp"

namespace normwatch::tools::capgen::scenarios {
namespace {

constexpr std::uint32_t kSweepFlows = 1'000'000;
constexpr std::uint64_t kOooFrames = 200'000;
constexpr std::uint32_t kPollEvery = 1000;  // attack frames between two Modbus transactions
constexpr std::size_t kBlock = 1000;        // out-of-order block, sent without its first piece
constexpr std::size_t kPiece = 100;

// Sweep flow i: scanner 10.200.0.1 port 1024 + i % 60000 to 10.128.0.0/9 address i / 60000 ...
// (distinct 5-tuples for any i below 2^23 * 60000).
Endpoints sweep_endpoints(std::uint32_t i) {
  const Host scanner = make_host(0xC80001, ipv4(10, 200, 0, 1));
  const std::uint32_t target = 1 + i / 60000;
  const Host victim = make_host(0x800000 + target, ipv4(10, static_cast<std::uint8_t>(128 + ((target >> 16) & 0x7F)),
                                                        static_cast<std::uint8_t>(target >> 8),
                                                        static_cast<std::uint8_t>(target)));
  return endpoints(scanner, static_cast<std::uint16_t>(1024 + i % 60000), victim, 502);
}

// The HMI's poll of PLC 1 (FC3, ten registers), counted as two ADUs.
class Poll {
 public:
  explicit Poll(ScenarioContext& ctx)
      : ctx_(ctx), tcp_(open_session(ctx, endpoints(plant::hmi(), 49300, plant::plc1(), modbus::kPort))) {
    tcp_.handshake();
  }
  void transact() {
    ++transaction_;
    std::array<std::uint16_t, 10> values{};
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::uint16_t>(transaction_ + i);
    tcp_.send(Side::client, modbus::adu(transaction_, 1, modbus::read_request(modbus::kReadHoldingRegisters, 0, 10)));
    tcp_.send(Side::server,
              modbus::adu(transaction_, 1, modbus::read_registers_response(modbus::kReadHoldingRegisters, values)));
    tcp_.ack(Side::client);
    ctx_.pdus().modbus_adus += 2;
  }
  void close() { tcp_.close(Side::client); }

 private:
  ScenarioContext& ctx_;
  TcpSession tcp_;
  std::uint16_t transaction_ = 0;
};

}  // namespace

void attack_syn_sweep(ScenarioContext& ctx) {
  const std::uint32_t count = ctx.flows_or(kSweepFlows);
  ctx.out().set_step_us(500);
  Poll poll(ctx);
  for (std::uint32_t i = 0; i < count; ++i) {
    if (i % kPollEvery == 0) poll.transact();
    TcpSession tcp = open_session(ctx, sweep_endpoints(i));
    tcp.syn();
  }
  poll.transact();
  poll.close();
}

void attack_ooo_stream(ScenarioContext& ctx) {
  const std::uint64_t frames = ctx.frames_or(kOooFrames);
  ctx.out().set_step_us(50);
  Poll poll(ctx);
  TcpSession flood = open_session(ctx, endpoints(plant::engineering(), 51000, plant::historian(), 9000));
  flood.handshake();
  Bytes block(kBlock);
  for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<std::uint8_t>('a' + i % 26);
  std::array<std::size_t, 1> sizes{kPiece};
  const std::vector<Piece> pieces = split_by_sizes(kBlock, sizes);
  std::vector<std::size_t> order;
  for (std::size_t i = 1; i < pieces.size(); ++i) order.push_back(i);  // piece 0 never sent
  const std::vector<Piece> sent = pick(pieces, order);
  std::uint64_t blocks = 0;
  while (ctx.out().frames() < frames) {
    flood.send_pieces(Side::client, block, sent);
    if (++blocks % (kPollEvery / sent.size()) == 0) poll.transact();
  }
  poll.transact();
  poll.close();
}

}  // namespace normwatch::tools::capgen::scenarios
