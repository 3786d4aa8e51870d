// DecodedPacket: what the decoder learned from one frame's L2-L4 headers. The payload span points
// into the frame (or into the decoder's fragment buffer) and lives until the next decode call.
#pragma once

#include <array>
#include <cstdint>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/core/ip_address.hpp"
#include "normwatch/core/timestamp.hpp"
#include "normwatch/decode/anomaly.hpp"

namespace normwatch::decode {

enum class Transport : std::uint8_t { none, tcp, udp, other };

namespace tcp_flags {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
inline constexpr std::uint8_t kUrg = 0x20;
}  // namespace tcp_flags

struct TcpInfo {
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 0;
  std::uint8_t window_scale = 0;  // from the SYN's option; 0 when absent
  bool has_window_scale = false;
};

struct DecodedPacket {
  core::Timestamp ts;
  std::uint64_t frame_no = 0;
  std::uint32_t wire_len = 0;

  // Layer 2
  bool has_mac = false;
  std::array<std::uint8_t, 6> src_mac{};
  std::array<std::uint8_t, 6> dst_mac{};
  std::uint8_t vlan_depth = 0;        // number of 802.1Q/QinQ tags followed
  std::uint16_t vlan_outer = 0;       // VLAN id of the outermost tag (0: untagged)
  std::uint16_t vlan_inner = 0;       // VLAN id of the second tag, QinQ only

  // Layer 3
  std::uint16_t ethertype = 0;        // last ethertype seen (0x0800, 0x86dd, 0x0806 ...)
  core::IpAddress src_ip;
  core::IpAddress dst_ip;
  std::uint8_t ip_proto = 0;          // IPPROTO_* of the transport header
  std::uint8_t ttl = 0;               // TTL or hop limit
  core::Bytes ip_packet;              // the IP header through the end of the IP payload (what nDPI
                                      // takes); for reassembled fragments, the rebuilt datagram
  bool reassembled = false;           // payload comes from reassembled IP fragments (v4 or v6)
  std::uint64_t first_frame_no = 0;   // for reassembled datagrams: earliest frame of its fragments

  // Layer 4
  Transport transport = Transport::none;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  TcpInfo tcp;
  core::Bytes payload;                // transport payload (TCP/UDP data)
  bool payload_truncated = false;     // snaplen cut the payload: bytes are missing at the end

  // Every anomaly found in this frame (also the counted-only ones such as bad checksums), so a
  // later stage can attach them to the frame's events.
  DecodeAnomalySet anomalies = 0;
  bool has(DecodeAnomaly anomaly) const { return (anomalies & anomaly_bit(anomaly)) != 0; }
};

}  // namespace normwatch::decode
