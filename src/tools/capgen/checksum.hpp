// The Internet checksum (RFC 1071): one's-complement sum of 16-bit big-endian words, used by the
// IPv4 header (RFC 791) and by TCP and UDP over their pseudo-headers (RFC 793, 768, 8200 §8.1).
#pragma once

#include <cstdint>

#include "capgen/bytes.hpp"

namespace normwatch::tools::capgen {

// Adds `data` to a running sum. Only the last chunk of a checksummed region may be odd-sized.
std::uint32_t checksum_add(std::uint32_t sum, ByteView data);
// Folds the carries and complements: the value to put in the checksum field.
std::uint16_t checksum_finish(std::uint32_t sum);

inline std::uint16_t internet_checksum(ByteView data) { return checksum_finish(checksum_add(0, data)); }

}  // namespace normwatch::tools::capgen
