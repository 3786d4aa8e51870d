// CRC-16/DNP, slicing-by-16 (IEEE 1815-2012 clause 9.2.2). Table k gives the CRC contribution of a
// byte followed by k zero bytes, so the 16 lookups of a block are independent of one another and
// the CPU overlaps them; the byte-wise table in crc.hpp is slice 0.
#include "normwatch/protocols/dnp3/crc.hpp"

namespace normwatch::protocols::dnp3 {

namespace {

using Slices = std::array<std::array<std::uint16_t, 256>, 16>;

constexpr Slices make_slices() {
  Slices s{};
  s[0] = kCrcTable;
  for (std::size_t k = 1; k < 16; ++k) {
    for (std::size_t i = 0; i < 256; ++i) {
      const std::uint16_t prev = s[k - 1][i];
      s[k][i] = static_cast<std::uint16_t>((prev >> 8) ^ kCrcTable[prev & 0xFF]);
    }
  }
  return s;
}

constexpr Slices kSlices = make_slices();

inline std::uint8_t at(const std::byte* p, std::size_t i) { return static_cast<std::uint8_t>(p[i]); }

}  // namespace

std::uint16_t crc16_dnp_fast(core::Bytes bytes) {
  std::uint16_t crc = 0;
  const std::byte* p = bytes.data();
  std::size_t n = bytes.size();
  while (n >= 16) {
    // The running CRC folds into the first two bytes of the block (reflected register).
    const auto b0 = static_cast<std::uint8_t>(at(p, 0) ^ (crc & 0xFF));
    const auto b1 = static_cast<std::uint8_t>(at(p, 1) ^ (crc >> 8));
    crc = static_cast<std::uint16_t>(
        kSlices[15][b0] ^ kSlices[14][b1] ^ kSlices[13][at(p, 2)] ^ kSlices[12][at(p, 3)] ^
        kSlices[11][at(p, 4)] ^ kSlices[10][at(p, 5)] ^ kSlices[9][at(p, 6)] ^ kSlices[8][at(p, 7)] ^
        kSlices[7][at(p, 8)] ^ kSlices[6][at(p, 9)] ^ kSlices[5][at(p, 10)] ^ kSlices[4][at(p, 11)] ^
        kSlices[3][at(p, 12)] ^ kSlices[2][at(p, 13)] ^ kSlices[1][at(p, 14)] ^ kSlices[0][at(p, 15)]);
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    const auto b0 = static_cast<std::uint8_t>(at(p, 0) ^ (crc & 0xFF));
    const auto b1 = static_cast<std::uint8_t>(at(p, 1) ^ (crc >> 8));
    crc = static_cast<std::uint16_t>(kSlices[7][b0] ^ kSlices[6][b1] ^ kSlices[5][at(p, 2)] ^
                                     kSlices[4][at(p, 3)] ^ kSlices[3][at(p, 4)] ^ kSlices[2][at(p, 5)] ^
                                     kSlices[1][at(p, 6)] ^ kSlices[0][at(p, 7)]);
    p += 8;
    n -= 8;
  }
  for (std::size_t i = 0; i < n; ++i) {
    crc = static_cast<std::uint16_t>((crc >> 8) ^ kCrcTable[(crc ^ at(p, i)) & 0xFF]);
  }
  return static_cast<std::uint16_t>(~crc);
}

bool crc_matches(core::Bytes with_crc) {
  if (with_crc.size() < 2) return false;
  const std::size_t n = with_crc.size() - 2;
  const auto stored = static_cast<std::uint16_t>(static_cast<unsigned>(with_crc[n]) |
                                                 (static_cast<unsigned>(with_crc[n + 1]) << 8));
  return crc16_dnp_fast(with_crc.first(n)) == stored;
}

}  // namespace normwatch::protocols::dnp3
