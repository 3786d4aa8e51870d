// CRC-16/DNP (IEEE 1815-2012 clause 9.2.2): polynomial 0x3D65 processed bit-reflected (0xA6BC),
// initial value 0, final XOR 0xFFFF, stored little-endian after the 8-byte header and after each
// 16-byte user-data block. A 256-entry constexpr table drives the byte-wise form; link frames use
// a slicing-by-16 form of the same table so that a whole data block costs one step.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "normwatch/core/byte_reader.hpp"

namespace normwatch::protocols::dnp3 {

inline constexpr std::uint16_t kCrcPolyReflected = 0xA6BC;  // 0x3D65 bit-reversed

constexpr std::array<std::uint16_t, 256> make_crc_table() {
  std::array<std::uint16_t, 256> table{};
  for (unsigned i = 0; i < 256; ++i) {
    unsigned crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) ? (crc >> 1) ^ kCrcPolyReflected : crc >> 1;
    table[i] = static_cast<std::uint16_t>(crc);
  }
  return table;
}

inline constexpr std::array<std::uint16_t, 256> kCrcTable = make_crc_table();

// CRC of `bytes` (byte-wise table lookups), final XOR applied.
constexpr std::uint16_t crc16_dnp(core::Bytes bytes) {
  std::uint16_t crc = 0;
  for (std::byte b : bytes) {
    crc = static_cast<std::uint16_t>((crc >> 8) ^ kCrcTable[(crc ^ static_cast<std::uint8_t>(b)) & 0xFF]);
  }
  return static_cast<std::uint16_t>(~crc);
}

// Same value as crc16_dnp, computed 16 bytes per step (slicing-by-16); any length.
std::uint16_t crc16_dnp_fast(core::Bytes bytes);

// True when the two bytes after `data` (little-endian) are the CRC of `data`. `with_crc` holds
// data followed by its CRC: size >= 2.
bool crc_matches(core::Bytes with_crc);

}  // namespace normwatch::protocols::dnp3
