// Internet checksum (RFC 1071) for verifying IPv4 header, TCP and UDP checksums (RFC 791, 793,
// 768; IPv6 pseudo-header RFC 8200 §8.1). Verification only: the decoder never rewrites packets.
#pragma once

#include <cstdint>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/core/ip_address.hpp"

namespace normwatch::decode::detail {

// One's-complement sum of `bytes` read as big-endian 16-bit words (an odd last byte is padded
// with zero), plus `initial` (already a big-endian-domain partial sum, below 2^31: a pseudo-header's
// is below 2^21), folded to 16 bits. A region whose stored checksum is right sums to 0xffff.
std::uint16_t ones_complement_sum(core::Bytes bytes, std::uint32_t initial = 0);

// Partial sum of the addresses of a TCP/UDP pseudo-header (4 or 16 bytes each).
std::uint32_t address_sum(const core::IpAddress& src, const core::IpAddress& dst);

}  // namespace normwatch::decode::detail
