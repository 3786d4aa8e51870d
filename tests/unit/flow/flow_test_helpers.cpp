// Test helpers for the flow tests (see flow_test_helpers.hpp).
#include "flow/flow_test_helpers.hpp"

#include <array>

namespace normwatch::flow::testing {
namespace {
const std::array<std::byte, 2048> kZeros{};
}  // namespace

decode::DecodedPacket make_packet(const PacketSpec& spec) {
  decode::DecodedPacket p;
  p.ts = core::Timestamp::from_seconds(spec.ts_s);
  p.frame_no = spec.frame;
  p.wire_len = static_cast<std::uint32_t>(54 + spec.payload);
  p.vlan_outer = spec.vlan;
  p.vlan_depth = spec.vlan != 0 ? 1 : 0;
  p.src_ip = core::IpAddress::parse(spec.src).value();
  p.dst_ip = core::IpAddress::parse(spec.dst).value();
  p.ip_proto = spec.proto;
  p.transport = spec.proto == 6 ? decode::Transport::tcp : spec.proto == 17 ? decode::Transport::udp : decode::Transport::other;
  if (p.transport != decode::Transport::other) {
    p.src_port = spec.sport;
    p.dst_port = spec.dport;
  }
  p.tcp.flags = spec.proto == 6 ? spec.flags : 0;
  p.payload = core::Bytes(kZeros.data(), spec.payload);
  return p;
}

}  // namespace normwatch::flow::testing
