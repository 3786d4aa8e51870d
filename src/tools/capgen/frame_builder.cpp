// Ethernet/VLAN/IPv4/IPv6/TCP/UDP frame assembly with checksums (RFC 791, 8200, 793, 768, 1071;
// IEEE 802.1Q for tags). Headers carry no options: the parsers' option handling is exercised by
// the public captures in ../shared/captures.
#include "capgen/frame_builder.hpp"

#include <cstdlib>

#include "capgen/checksum.hpp"

namespace normwatch::tools::capgen {
namespace {

constexpr std::size_t kMinFrame = 60;  // Ethernet minimum without FCS
constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86DD;
constexpr std::uint8_t kTtl = 64;
constexpr std::size_t kIpv4HeaderLen = 20;
constexpr std::size_t kTcpHeaderLen = 20;
constexpr std::size_t kUdpHeaderLen = 8;

ByteView address_bytes(const core::IpAddress& a) { return ByteView(a.bytes.data(), a.size()); }

void write_ethernet(Bytes& out, const Path& path) {
  ByteWriter w(out);
  w.bytes(path.dst.mac).bytes(path.src.mac);
  for (const VlanTag& tag : path.tags) w.u16be(tag.tpid).u16be((unsigned{tag.pcp} << 13) | (tag.vid & 0x0FFF));
  w.u16be(path.src.ip.is_v4() ? kEtherIpv4 : kEtherIpv6);
}

// Writes the IP header for `payload_len` bytes of upper-layer data.
void write_ip(Bytes& out, const Path& path, std::uint8_t protocol, std::size_t payload_len, std::uint16_t ip_id,
              std::uint16_t flags_and_offset) {
  ByteWriter w(out);
  if (path.src.ip.is_v4()) {
    const std::size_t start = out.size();
    w.u8(0x45).u8(0).u16be(static_cast<unsigned>(kIpv4HeaderLen + payload_len)).u16be(ip_id);
    w.u16be(flags_and_offset).u8(kTtl).u8(protocol).u16be(0);
    w.bytes(address_bytes(path.src.ip)).bytes(address_bytes(path.dst.ip));
    const auto sum = internet_checksum(ByteView(out).subspan(start, kIpv4HeaderLen));
    patch_u16be(out, start + 10, sum);
  } else {
    w.u32be(0x60000000).u16be(static_cast<unsigned>(payload_len)).u8(protocol).u8(kTtl);
    w.bytes(address_bytes(path.src.ip)).bytes(address_bytes(path.dst.ip));
  }
}

// Checksum over the pseudo-header and the upper-layer bytes `segment` (checksum field zeroed).
std::uint16_t l4_checksum(const Path& path, std::uint8_t protocol, ByteView segment) {
  std::uint32_t sum = checksum_add(0, address_bytes(path.src.ip));
  sum = checksum_add(sum, address_bytes(path.dst.ip));
  const auto len = static_cast<std::uint32_t>(segment.size());
  if (path.src.ip.is_v4()) {
    sum += protocol + len;
  } else {
    sum += (len >> 16) + (len & 0xFFFF) + protocol;
  }
  return checksum_finish(checksum_add(sum, segment));
}

void pad(Bytes& out) {
  if (out.size() < kMinFrame) out.resize(kMinFrame, 0);
}

constexpr std::uint16_t kDontFragment = 0x4000;
constexpr std::uint16_t kMoreFragments = 0x2000;

}  // namespace

void build_tcp_frame(Bytes& out, const Path& path, const TcpHeader& tcp, ByteView payload, std::uint16_t ip_id) {
  out.clear();
  write_ethernet(out, path);
  write_ip(out, path, kIpProtoTcp, kTcpHeaderLen + payload.size(), ip_id, kDontFragment);
  const std::size_t l4 = out.size();
  ByteWriter w(out);
  w.u16be(tcp.src_port).u16be(tcp.dst_port).u32be(tcp.seq).u32be(tcp.ack);
  w.u8((kTcpHeaderLen / 4) << 4).u8(tcp.flags).u16be(tcp.window).u16be(0).u16be(0);
  w.bytes(payload);
  patch_u16be(out, l4 + 16, l4_checksum(path, kIpProtoTcp, ByteView(out).subspan(l4)));
  pad(out);
}

Bytes udp_datagram(const Path& path, std::uint16_t src_port, std::uint16_t dst_port, ByteView payload) {
  Bytes d;
  d.reserve(kUdpHeaderLen + payload.size());
  ByteWriter(d)
      .u16be(src_port)
      .u16be(dst_port)
      .u16be(static_cast<unsigned>(kUdpHeaderLen + payload.size()))
      .u16be(0)
      .bytes(payload);
  std::uint16_t sum = l4_checksum(path, kIpProtoUdp, d);
  if (sum == 0) sum = 0xFFFF;  // RFC 768: a computed zero is sent as all ones
  patch_u16be(d, 6, sum);
  return d;
}

void build_udp_frame(Bytes& out, const Path& path, std::uint16_t src_port, std::uint16_t dst_port, ByteView payload,
                     std::uint16_t ip_id) {
  const Bytes datagram = udp_datagram(path, src_port, dst_port, payload);
  out.clear();
  write_ethernet(out, path);
  write_ip(out, path, kIpProtoUdp, datagram.size(), ip_id, 0);
  ByteWriter(out).bytes(datagram);
  pad(out);
}

void build_ipv4_fragment_frame(Bytes& out, const Path& path, std::uint8_t protocol, ByteView piece,
                               const Ipv4Fragment& fragment) {
  if (!path.src.ip.is_v4() || fragment.offset % 8 != 0) std::abort();  // generator bug, not input
  out.clear();
  write_ethernet(out, path);
  const auto flags = static_cast<std::uint16_t>((fragment.more ? kMoreFragments : 0) | (fragment.offset / 8));
  write_ip(out, path, protocol, piece.size(), fragment.id, flags);
  ByteWriter(out).bytes(piece);
  pad(out);
}

MacAddress host_mac(std::uint32_t host_number) {
  return {0x02,
          0x4E,
          0x57,
          static_cast<std::uint8_t>(host_number >> 16),
          static_cast<std::uint8_t>(host_number >> 8),
          static_cast<std::uint8_t>(host_number)};
}

core::IpAddress ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return core::IpAddress::v4((std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d);
}

core::IpAddress ip(std::string_view text) {
  auto parsed = core::IpAddress::parse(text);
  if (!parsed) std::abort();
  return *parsed;
}

}  // namespace normwatch::tools::capgen
