// Internet checksum: sums native-endian 32-bit words into a 64-bit accumulator and byte-swaps
// the folded result once (RFC 1071 §2(B): the sum is byte-order independent), so a 1500-byte
// segment costs a few hundred additions rather than a byte loop.
#include "checksum.hpp"

#include <bit>
#include <cstring>

namespace normwatch::decode::detail {

namespace {
// Folds a 64-bit sum of 32-bit words to 16 bits with end-around carries, without a loop.
std::uint16_t fold(std::uint64_t sum) {
  sum = (sum & 0xffffffffu) + (sum >> 32);  // <= 2^33
  sum = (sum & 0xffffffffu) + (sum >> 32);  // <= 2^32
  sum = (sum & 0xffff) + (sum >> 16);       // <= 2^17
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}
}  // namespace

std::uint16_t ones_complement_sum(core::Bytes bytes, std::uint32_t initial) {
  const std::byte* p = bytes.data();
  std::size_t n = bytes.size();
  std::uint64_t sum = 0;
  // 64-bit loads, each split into two 32-bit halves: the 64-bit sum cannot overflow for any
  // input below 2^35 bytes. A 32-byte loop for long segments, then straight-line steps, so that
  // the 20-byte headers of the common case pay no loop set-up.
  const auto add8 = [&](std::size_t at) {
    std::uint64_t word = 0;
    std::memcpy(&word, p + at, 8);
    sum += (word & 0xffffffffu) + (word >> 32);
  };
  while (n >= 32) {
    add8(0);
    add8(8);
    add8(16);
    add8(24);
    p += 32;
    n -= 32;
  }
  if (n >= 16) {
    add8(0);
    add8(8);
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    add8(0);
    p += 8;
    n -= 8;
  }
  if (n >= 4) {
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
  auto native = fold(sum);
  if constexpr (std::endian::native == std::endian::little) {
    native = static_cast<std::uint16_t>((native >> 8) | (native << 8));
  }
  return fold(std::uint64_t{native} + initial);
}

std::uint32_t address_sum(const core::IpAddress& src, const core::IpAddress& dst) {
  const auto word = [](const core::IpAddress& a, std::size_t i) {
    return (std::uint32_t{a.bytes[i]} << 8) | a.bytes[i + 1];
  };
  std::uint32_t sum = word(src, 0) + word(src, 2) + word(dst, 0) + word(dst, 2);
  if (src.is_v6()) {
    for (std::size_t i = 4; i < 16; i += 2) sum += word(src, i) + word(dst, i);
  }
  return sum;
}

}  // namespace normwatch::decode::detail
