// Internet checksum: sums native-endian 64-bit words with end-around carry and byte-swaps the
// folded result once (RFC 1071 §2(B): the sum is byte-order independent), so a 1500-byte segment
// costs a few hundred instructions rather than a byte loop.
#include "checksum.hpp"

#include <bit>
#include <cstring>

namespace normwatch::decode::detail {

namespace {
// Adds a 64-bit word with the end-around carry of one's-complement arithmetic (RFC 1071 §2(C):
// any word width above 16 bits gives the same folded sum). Compilers emit add + adc for it, two
// instructions per 8 bytes where splitting each word into 32-bit halves took five.
inline std::uint64_t add_wrapped(std::uint64_t sum, std::uint64_t word) {
  sum += word;
  return sum + (sum < word ? 1 : 0);
}

std::uint64_t load8(const std::byte* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, 8);
  return word;
}

// Folds a 64-bit one's-complement sum to 16 bits with end-around carries, without a loop.
std::uint16_t fold(std::uint64_t sum) {
  sum = (sum & 0xffffffffu) + (sum >> 32);  // <= 2^33
  sum = (sum & 0xffffffffu) + (sum >> 32);  // <= 2^32
  sum = (sum & 0xffff) + (sum >> 16);       // <= 2^17
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

// The same for a sum below 2^32 (a folded sum plus a pseudo-header's partial sum): two steps.
std::uint16_t fold32(std::uint32_t sum) {
  sum = (sum & 0xffff) + (sum >> 16);  // <= 2^17
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}
}  // namespace

std::uint16_t ones_complement_sum(core::Bytes bytes, std::uint32_t initial) {
  const std::byte* p = bytes.data();
  std::size_t n = bytes.size();
  std::uint64_t sum = 0;
  // A 32-byte loop for long segments, then straight-line steps, so that the 20-byte headers of
  // the common case pay no loop set-up.
  while (n >= 32) {
    sum = add_wrapped(sum, load8(p));
    sum = add_wrapped(sum, load8(p + 8));
    sum = add_wrapped(sum, load8(p + 16));
    sum = add_wrapped(sum, load8(p + 24));
    p += 32;
    n -= 32;
  }
  if (n >= 16) {
    sum = add_wrapped(sum, load8(p));
    sum = add_wrapped(sum, load8(p + 8));
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    sum = add_wrapped(sum, load8(p));
    p += 8;
    n -= 8;
  }
  // The last 0-7 bytes: 32- and 16-bit words cannot overflow what is left of the 64-bit sum's
  // headroom by more than one carry, which add_wrapped keeps.
  if (n >= 4) {
    std::uint32_t word = 0;
    std::memcpy(&word, p, 4);
    sum = add_wrapped(sum, word);
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    std::uint16_t half = 0;
    std::memcpy(&half, p, 2);
    sum = add_wrapped(sum, half);
    p += 2;
    n -= 2;
  }
  if (n == 1) {
    // The pad byte is the low-order byte of a big-endian word: place the data byte first in
    // memory so that it lands where a native load of [byte, 0] would put it.
    std::uint16_t half = 0;
    std::memcpy(&half, p, 1);
    sum = add_wrapped(sum, half);
  }
  auto native = fold(sum);
  if constexpr (std::endian::native == std::endian::little) {
    native = static_cast<std::uint16_t>((native >> 8) | (native << 8));
  }
  // initial is a partial sum of a few 16-bit words (the pseudo-header's: below 2^20), so this
  // cannot overflow 32 bits.
  return fold32(std::uint32_t{native} + initial);
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
