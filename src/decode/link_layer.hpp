// Link layers the decoder reads (raw_frame.hpp's LinkType): where the network header starts and
// which network protocol it is. Private to src/decode.
#pragma once

#include "decode_context.hpp"

namespace normwatch::decode::detail {

enum class Network : std::uint8_t { ipv4, ipv6, by_version, not_ip, failed };

struct LinkResult {
  Network network = Network::failed;
  core::Bytes l3;  // from the network header to the end of the captured frame
};

// Ethernet II / 802.3, 802.1Q and QinQ tags, Linux SLL and SLL2, BSD loopback (DLT_NULL,
// DLT_LOOP) and raw IP. Fills MACs, VLAN ids and ethertype. `failed` means an anomaly was raised.
LinkResult decode_link(DecodeContext& ctx, int link_type, core::Bytes frame);

}  // namespace normwatch::decode::detail
