// Named decode anomalies: what was wrong with a frame's L2-L4 headers. Names are stable strings
// ("decode.truncated_ipv4") that rules and health reports refer to.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace normwatch::decode {

enum class DecodeAnomaly : std::uint8_t {
  truncated_link,          // frame shorter than its link-layer header
  truncated_vlan,          // 802.1Q/QinQ tag cut short
  too_many_vlan_tags,      // more tags than the decoder follows (3)
  truncated_ipv4,          // shorter than the IPv4 header or its IHL
  bad_ipv4_header_length,  // IHL < 5
  bad_ipv4_total_length,   // total length < header length, or beyond the captured frame
  bad_ipv4_checksum,       // counted only (checksum offload makes this common on senders)
  truncated_ipv6,
  bad_ipv6_extension,      // extension header chain runs past the packet
  bad_ip_version,          // version nibble does not match the link type or ethertype
  fragment_overlap,        // IP fragments that overlap with different bytes (first copy wins)
  fragment_too_large,      // reassembled datagram would exceed 65535 or the configured cap
  fragment_table_full,     // no room for another datagram under reassembly (oldest evicted)
  fragment_timeout,        // datagram never completed before its timeout
  truncated_tcp,
  bad_tcp_data_offset,     // data offset < 5 or past the IP payload
  bad_tcp_checksum,        // counted only
  truncated_udp,
  bad_udp_length,
  bad_udp_checksum,        // counted only
  snaplen_truncated,       // frame captured shorter than on the wire: payload incomplete
  // Added with the decoder implementation (appended so earlier values keep their numbers):
  unsupported_link_type,   // frame of a link type the decoder does not know
  bad_tcp_option,          // option length < 2 or past the header, window scale > 14
  too_many_fragments,      // datagram split into more fragments than the configured cap
  kCount
};

inline constexpr std::size_t kDecodeAnomalyCount = static_cast<std::size_t>(DecodeAnomaly::kCount);

std::string_view name(DecodeAnomaly anomaly);

using DecodeAnomalyCounts = std::array<std::uint64_t, kDecodeAnomalyCount>;

// The anomalies of one frame, one bit per DecodeAnomaly (DecodedPacket::anomalies).
using DecodeAnomalySet = std::uint32_t;
static_assert(kDecodeAnomalyCount <= 32, "DecodeAnomalySet holds one bit per anomaly");
constexpr DecodeAnomalySet anomaly_bit(DecodeAnomaly anomaly) {
  return DecodeAnomalySet{1} << static_cast<unsigned>(anomaly);
}

}  // namespace normwatch::decode
