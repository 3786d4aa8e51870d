// Per-frame state shared by the decoder's layers (link, IP, transport): the output packet, the
// run's counters, and how an anomaly is recorded. Private to src/decode.
#pragma once

#include <cstddef>
#include <cstring>

#include "normwatch/decode/decoder.hpp"

namespace normwatch::decode::detail {

class FragmentTable;
struct FragmentOutcome;

struct DecodeContext {
  DecodedPacket& out;
  DecodeCounters& counters;
  FragmentTable& fragments;
  bool snap_cut = false;          // captured fewer bytes than were on the wire
  bool verify_checksums = true;
  DecodeAnomaly first = DecodeAnomaly::kCount;

  // Records an anomaly: counted once per frame per kind (counters count frames showing it).
  void raise(DecodeAnomaly anomaly) {
    const DecodeAnomalySet bit = anomaly_bit(anomaly);
    if ((out.anomalies & bit) != 0) return;
    out.anomalies |= bit;
    ++counters.anomalies[static_cast<std::size_t>(anomaly)];
    if (first == DecodeAnomaly::kCount) first = anomaly;
  }
  DecodeStatus fail(DecodeAnomaly anomaly) {
    raise(anomaly);
    return DecodeStatus::anomaly;
  }
  // A header that runs past the captured bytes. When the snaplen cut the frame the header is not
  // malformed, only unseen: name the capture's truncation rather than accuse the sender.
  DecodeStatus cut(DecodeAnomaly anomaly) {
    return fail(snap_cut ? DecodeAnomaly::snaplen_truncated : anomaly);
  }
};

// Addresses are written in place: core::IpAddress::v4/v6 build a temporary byte by byte, and
// copying it out costs a store-forwarding stall per address on the per-packet path.
// `out` was reset by the decoder, so the bytes past an IPv4 address are already zero.
inline void set_address(core::IpAddress& to, core::Bytes from) {
  to.family = from.size() == 4 ? core::IpFamily::v4 : core::IpFamily::v6;
  std::memcpy(to.bytes.data(), from.data(), from.size());
}

// What the transport layer needs from the IP layer.
struct TransportInput {
  std::uint8_t proto = 0;
  core::Bytes bytes;            // captured transport bytes, trimmed to the IP length
  std::size_t declared = 0;     // transport length the IP header declares
  std::uint32_t address_sum = 0;  // pseudo-header addresses (checksum.hpp)
  bool verify_checksum = false;   // whole segment captured and checksums wanted
  bool ipv6 = false;
};

// TCP and UDP (transport.cpp). Other protocols: network_only.
DecodeStatus decode_transport(DecodeContext& ctx, const TransportInput& in);

// IPv4 (ipv4.cpp) and IPv6 (ipv6.cpp): `l3` starts at the IP header.
DecodeStatus decode_ipv4(DecodeContext& ctx, core::Bytes l3);
DecodeStatus decode_ipv6(DecodeContext& ctx, core::Bytes l3);

// Raises the anomalies a fragment caused and counts datagrams that timed out meanwhile.
void record_fragment_outcome(DecodeContext& ctx, const FragmentOutcome& outcome);

}  // namespace normwatch::decode::detail
