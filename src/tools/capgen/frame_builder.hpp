// Builds whole Ethernet frames: Ethernet II (IEEE 802.3), 802.1Q and 802.1ad (QinQ) tags,
// IPv4 (RFC 791, including fragments) or IPv6 (RFC 8200), TCP (RFC 793) or UDP (RFC 768), with
// correct IPv4 header and TCP/UDP checksums. Frames are padded to the 60-byte Ethernet minimum
// as they appear on a wire tap, so decoders must trust the IP length, not the frame length.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "capgen/bytes.hpp"
#include "normwatch/core/ip_address.hpp"

namespace normwatch::tools::capgen {

using MacAddress = std::array<std::uint8_t, 6>;

inline constexpr std::uint16_t kTpidDot1Q = 0x8100;
inline constexpr std::uint16_t kTpidDot1ad = 0x88A8;  // QinQ service tag (outer)
inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;

struct VlanTag {
  std::uint16_t tpid = kTpidDot1Q;
  std::uint16_t vid = 0;
  std::uint8_t pcp = 0;
};

struct Host {
  MacAddress mac{};
  core::IpAddress ip;
};

// Who sends to whom, and the VLAN tags on the way (outermost first). Both hosts must share an
// IP family.
struct Path {
  Host src;
  Host dst;
  std::span<const VlanTag> tags;
};

// TCP flag bits (RFC 793 §3.1).
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;

struct TcpHeader {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 64240;
};

// One IPv4 fragment: `offset` is the byte offset of `piece` in the original IP payload and must
// be a multiple of 8 (RFC 791 counts it in 8-byte units).
struct Ipv4Fragment {
  std::uint16_t id = 0;
  std::uint32_t offset = 0;
  bool more = false;
};

// Each builder clears `out` and writes one frame into it (reusing its capacity).
void build_tcp_frame(Bytes& out, const Path& path, const TcpHeader& tcp, ByteView payload, std::uint16_t ip_id);
void build_udp_frame(Bytes& out, const Path& path, std::uint16_t src_port, std::uint16_t dst_port, ByteView payload,
                     std::uint16_t ip_id);
// The UDP header and payload of a datagram, checksummed for `path`: what IPv4 fragments split.
Bytes udp_datagram(const Path& path, std::uint16_t src_port, std::uint16_t dst_port, ByteView payload);
void build_ipv4_fragment_frame(Bytes& out, const Path& path, std::uint8_t protocol, ByteView piece,
                               const Ipv4Fragment& fragment);

// Deterministic locally administered MAC for a host number (02:4e:57:xx:xx:xx, "NW").
MacAddress host_mac(std::uint32_t host_number);
core::IpAddress ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);
// Parses a literal that the generator itself wrote; aborts on a typo (a programming error).
core::IpAddress ip(std::string_view text);

}  // namespace normwatch::tools::capgen
