// Emitter: stamps, counts and writes frames built by frame_builder; splits datagrams into IPv4
// fragments (RFC 791 §2.3 "Fragmentation and reassembly").
#include "capgen/emitter.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace normwatch::tools::capgen {

void Emitter::emit() {
  sink_.write(now_us_, frame_);
  ++frames_;
  now_us_ += step_us_;
}

void Emitter::tcp(const Path& path, const TcpHeader& tcp, ByteView payload) {
  build_tcp_frame(frame_, path, tcp, payload, next_ip_id());
  emit();
}

void Emitter::udp(const Path& path, std::uint16_t src_port, std::uint16_t dst_port, ByteView payload) {
  build_udp_frame(frame_, path, src_port, dst_port, payload, next_ip_id());
  emit();
}

void Emitter::udp_fragmented(const Path& path, std::uint16_t src_port, std::uint16_t dst_port, ByteView payload,
                             std::size_t max_piece, std::span<const std::size_t> order) {
  const Bytes datagram = udp_datagram(path, src_port, dst_port, payload);
  const std::size_t piece = std::max<std::size_t>(8, max_piece / 8 * 8);
  const std::size_t count = (datagram.size() + piece - 1) / piece;
  std::vector<std::size_t> sequence(count);
  std::iota(sequence.begin(), sequence.end(), std::size_t{0});
  if (!order.empty()) sequence.assign(order.begin(), order.end());
  const std::uint16_t id = next_ip_id();
  for (std::size_t index : sequence) {
    const std::size_t offset = index * piece;
    const std::size_t len = std::min(piece, datagram.size() - offset);
    const Ipv4Fragment fragment{id, static_cast<std::uint32_t>(offset), index + 1 < count};
    build_ipv4_fragment_frame(frame_, path, kIpProtoUdp, ByteView(datagram).subspan(offset, len), fragment);
    emit();
  }
}

}  // namespace normwatch::tools::capgen
