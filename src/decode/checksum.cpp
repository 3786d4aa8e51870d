// Internet checksum: sums native-endian 32-bit words into a 64-bit accumulator and byte-swaps
// the folded result once (RFC 1071 §2(B): the sum is byte-order independent), so a 1500-byte
// segment costs a few hundred additions rather than a byte loop.
#include "checksum.hpp"

#include <bit>
#include <cstring>

namespace normwatch::decode::detail {

namespace {
std::uint32_t fold(std::uint64_t sum) {
  while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint32_t>(sum);
}
}  // namespace

std::uint16_t ones_complement_sum(core::Bytes bytes, std::uint32_t initial) {
  const std::byte* p = bytes.data();
  std::size_t n = bytes.size();
  std::uint64_t sum = 0;
  while (n >= 4) {
    std::uint32_t word = 0;
    std::memcpy(&word, p, 4);
    sum += word;
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    std::uint16_t half = 0;
    std::memcpy(&half, p, 2);
    sum += half;
    p += 2;
    n -= 2;
  }
  if (n == 1) {
    // The pad byte is the low-order byte of a big-endian word: place the data byte first in
    // memory so that it lands where a native load of [byte, 0] would put it.
    std::uint16_t half = 0;
    std::memcpy(&half, p, 1);
    sum += half;
  }
  auto native = static_cast<std::uint16_t>(fold(sum));
  if constexpr (std::endian::native == std::endian::little) {
    native = static_cast<std::uint16_t>((native >> 8) | (native << 8));
  }
  return static_cast<std::uint16_t>(fold(std::uint64_t{native} + initial));
}

std::uint32_t address_sum(const core::IpAddress& src, const core::IpAddress& dst) {
  const std::size_t n = src.size();
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < n; i += 2) {
    sum += (std::uint32_t{src.bytes[i]} << 8) | src.bytes[i + 1];
    sum += (std::uint32_t{dst.bytes[i]} << 8) | dst.bytes[i + 1];
  }
  return sum;
}

}  // namespace normwatch::decode::detail
