// RawFrame: one captured frame as libpcap hands it over, numbered from 1 in capture order exactly
// as Wireshark numbers frames (decode output and evidence refer to these numbers).
#pragma once

#include <array>
#include <cstdint>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/core/timestamp.hpp"

namespace normwatch::capture {

// libpcap DLT_* values that the decoder understands.
enum class LinkType : int {
  null_bsd = 0,     // DLT_NULL: BSD loopback, 4-byte host-order address family
  ethernet = 1,     // DLT_EN10MB
  raw = 12,         // DLT_RAW on most platforms (IPv4 or IPv6 by version nibble)
  raw_openbsd = 14, // DLT_RAW on OpenBSD, found in old files (Wireshark reads 14 as raw IP too)
  loop = 108,       // DLT_LOOP: OpenBSD loopback, network-order family
  raw_alt = 101,    // LINKTYPE_RAW as written in pcap files
  ipv4 = 228,       // LINKTYPE_IPV4
  ipv6 = 229,       // LINKTYPE_IPV6
  linux_sll = 113,  // DLT_LINUX_SLL
  linux_sll2 = 276, // DLT_LINUX_SLL2
};

inline constexpr std::array<int, 10> kDecodableLinkTypes{0, 1, 12, 14, 101, 108, 113, 228, 229, 276};

constexpr bool is_decodable_link_type(int dlt) {
  for (int t : kDecodableLinkTypes) {
    if (t == dlt) return true;
  }
  return false;
}

struct RawFrame {
  core::Timestamp ts;
  int link_type = 0;                    // DLT value of the interface the frame came from
  core::Bytes bytes;                    // captured bytes (valid until the next read)
  std::uint32_t wire_len = 0;           // original length on the wire
  std::uint64_t frame_no = 0;           // 1-based position in the capture
};

}  // namespace normwatch::capture
