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

// Checks `blocks` consecutive full data blocks (16 data bytes then their 2-byte CRC, so 18 * blocks
// bytes from `in`, which the caller guarantees) and copies each block's data to `out` (16 * blocks
// bytes). Returns how many blocks passed before the first bad CRC (== blocks when all pass).
// Uses carry-less multiplication (PCLMULQDQ) when the CPU has it, else the tables.
std::size_t check_and_copy_blocks(const std::byte* in, std::size_t blocks, std::byte* out);

// The 10-byte link header (8 bytes then their CRC) at header10: true when the CRC matches.
inline constexpr std::size_t kLinkHeaderBytes = 10;
bool header_crc_matches(const std::byte* header10);

// A frame's short last block: n (< 16) data bytes at p followed by their CRC; `readable_before`
// bytes before p belong to the same buffer (lets the fast path load 16 bytes ending at p + n).
// Copies the n bytes to out and returns true when the CRC matches.
bool check_and_copy_tail(const std::byte* p, std::size_t n, std::size_t readable_before, std::byte* out);

// The block CRC implementations behind check_and_copy_blocks, exposed for tests. The CLMUL one
// may only be called when crc_clmul_available().
std::uint16_t crc16_dnp_block_table(const std::byte* block16);
std::uint16_t crc16_dnp_block_clmul(const std::byte* block16);
bool crc_clmul_available();

// check_and_copy_blocks through one chosen implementation (tests compare them); an unavailable
// path falls back to the next slower one.
enum class CrcPath : std::uint8_t { table, clmul, vclmul };
bool crc_path_available(CrcPath path);
std::size_t check_and_copy_blocks_with(CrcPath path, const std::byte* in, std::size_t blocks, std::byte* out);

// True when the two bytes after `data` (little-endian) are the CRC of `data`. `with_crc` holds
// data followed by its CRC: size >= 2.
bool crc_matches(core::Bytes with_crc);

}  // namespace normwatch::protocols::dnp3
