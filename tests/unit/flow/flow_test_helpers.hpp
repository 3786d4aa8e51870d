// Test helpers for the flow tests: DecodedPackets built by hand (the decoder is not needed),
// and a FlowEndHandler that records what it is told.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "normwatch/decode/decoded_packet.hpp"
#include "normwatch/flow/flow_table.hpp"

namespace normwatch::flow::testing {

namespace tf = decode::tcp_flags;

struct PacketSpec {
  std::string src = "10.0.0.1";
  std::uint16_t sport = 50000;
  std::string dst = "10.0.0.2";
  std::uint16_t dport = 502;
  std::uint8_t proto = 6;
  std::uint8_t flags = tf::kAck;
  std::int64_t ts_s = 0;
  std::uint64_t frame = 1;
  std::uint16_t vlan = 0;
  std::size_t payload = 0;  // payload bytes (zeros)
};

decode::DecodedPacket make_packet(const PacketSpec& spec);

struct Ended {
  std::uint64_t id;
  FlowKey key;
  FlowEndReason reason;
  bool had_extension;
};

class EndRecorder : public FlowEndHandler {
 public:
  void on_flow_end(Flow& flow, FlowEndReason reason) override {
    ended.push_back(Ended{flow.id, flow.key, reason, flow.extension != nullptr});
  }
  std::vector<Ended> ended;
};

}  // namespace normwatch::flow::testing
