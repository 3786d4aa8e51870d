// Internet checksum (RFC 1071) over byte views.
#include "capgen/checksum.hpp"

namespace normwatch::tools::capgen {

std::uint32_t checksum_add(std::uint32_t sum, ByteView data) {
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += (static_cast<std::uint32_t>(data[i]) << 8) | data[i + 1];
  if (i < data.size()) sum += static_cast<std::uint32_t>(data[i]) << 8;  // odd tail padded with zero
  // Fold early so that a long payload cannot overflow 32 bits.
  while (sum > 0xFFFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
  return sum;
}

std::uint16_t checksum_finish(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xFFFF);
}

}  // namespace normwatch::tools::capgen
