// CRC-16/DNP (IEEE 1815-2012 clause 9.2.2): the slicing-by-16 table form (table k gives the CRC
// contribution of a byte followed by k zero bytes, so the 16 lookups of a block are independent;
// the byte-wise table of crc.hpp is slice 0), and the dispatch between it and the carry-less
// multiplication forms of crc_clmul.cpp, chosen once from the CPU's features.
#include "normwatch/protocols/dnp3/crc.hpp"

#include <bit>
#include <cstring>

#include "crc_clmul.hpp"

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

// One 16-byte step. On little-endian hosts the block is read as two 64-bit words (2 loads instead
// of 16); byte k of the block is then bits 8k..8k+7 of its word.
inline std::uint16_t step16(const std::byte* p, std::uint16_t crc) {
  if constexpr (std::endian::native == std::endian::little) {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    std::memcpy(&lo, p, 8);
    std::memcpy(&hi, p + 8, 8);
    lo ^= crc;
    return static_cast<std::uint16_t>(
        kSlices[15][lo & 0xFF] ^ kSlices[14][(lo >> 8) & 0xFF] ^ kSlices[13][(lo >> 16) & 0xFF] ^
        kSlices[12][(lo >> 24) & 0xFF] ^ kSlices[11][(lo >> 32) & 0xFF] ^ kSlices[10][(lo >> 40) & 0xFF] ^
        kSlices[9][(lo >> 48) & 0xFF] ^ kSlices[8][lo >> 56] ^ kSlices[7][hi & 0xFF] ^ kSlices[6][(hi >> 8) & 0xFF] ^
        kSlices[5][(hi >> 16) & 0xFF] ^ kSlices[4][(hi >> 24) & 0xFF] ^ kSlices[3][(hi >> 32) & 0xFF] ^
        kSlices[2][(hi >> 40) & 0xFF] ^ kSlices[1][(hi >> 48) & 0xFF] ^ kSlices[0][hi >> 56]);
  } else {
    // The running CRC folds into the first two bytes of the block (reflected register).
    const auto b0 = static_cast<std::uint8_t>(at(p, 0) ^ (crc & 0xFF));
    const auto b1 = static_cast<std::uint8_t>(at(p, 1) ^ (crc >> 8));
    return static_cast<std::uint16_t>(
        kSlices[15][b0] ^ kSlices[14][b1] ^ kSlices[13][at(p, 2)] ^ kSlices[12][at(p, 3)] ^
        kSlices[11][at(p, 4)] ^ kSlices[10][at(p, 5)] ^ kSlices[9][at(p, 6)] ^ kSlices[8][at(p, 7)] ^
        kSlices[7][at(p, 8)] ^ kSlices[6][at(p, 9)] ^ kSlices[5][at(p, 10)] ^ kSlices[4][at(p, 11)] ^
        kSlices[3][at(p, 12)] ^ kSlices[2][at(p, 13)] ^ kSlices[1][at(p, 14)] ^ kSlices[0][at(p, 15)]);
  }
}

inline std::uint16_t stored_crc(const std::byte* at) {
  return static_cast<std::uint16_t>(static_cast<unsigned>(at[0]) | (static_cast<unsigned>(at[1]) << 8));
}

std::size_t check_copy_table(const std::byte* in, std::size_t blocks, std::byte* out) {
  for (std::size_t i = 0; i < blocks; ++i) {
    const std::byte* block = in + i * 18;
    if (static_cast<std::uint16_t>(~step16(block, 0)) != stored_crc(block + 16)) return i;
    std::memcpy(out + i * 16, block, 16);
  }
  return blocks;
}

}  // namespace

bool crc_clmul_available() { return detail::clmul_supported(); }

std::uint16_t crc16_dnp_block_table(const std::byte* block16) { return static_cast<std::uint16_t>(~step16(block16, 0)); }

std::uint16_t crc16_dnp_block_clmul(const std::byte* block16) {
  return detail::clmul_supported() ? detail::clmul_crc(block16, 16) : crc16_dnp_block_table(block16);
}

bool header_crc_matches(const std::byte* header10) {
  if (detail::clmul_supported()) return detail::clmul_header_matches(header10);
  return crc_matches(core::Bytes(header10, kLinkHeaderBytes));
}

bool check_and_copy_tail(const std::byte* p, std::size_t n, std::size_t readable_before, std::byte* out) {
  if (n == 0) return true;
  if (n < 16 && readable_before >= 16 - n && detail::clmul_supported()) return detail::clmul_tail_check_copy(p, n, out);
  if (!crc_matches(core::Bytes(p, n + 2))) return false;
  std::memcpy(out, p, n);
  return true;
}

bool crc_path_available(CrcPath path) {
  switch (path) {
    case CrcPath::table: return true;
    case CrcPath::clmul: return detail::clmul_supported();
    case CrcPath::vclmul: return detail::vclmul_supported();
  }
  return false;
}

std::size_t check_and_copy_blocks_with(CrcPath path, const std::byte* in, std::size_t blocks, std::byte* out) {
  if (path == CrcPath::vclmul && detail::vclmul_supported()) return detail::vclmul_check_copy(in, blocks, out);
  if (path != CrcPath::table && detail::clmul_supported()) return detail::clmul_check_copy(in, blocks, out);
  return check_copy_table(in, blocks, out);
}

std::size_t check_and_copy_blocks(const std::byte* in, std::size_t blocks, std::byte* out) {
  if (detail::vclmul_supported()) return detail::vclmul_check_copy(in, blocks, out);
  if (detail::clmul_supported()) return detail::clmul_check_copy(in, blocks, out);
  return check_copy_table(in, blocks, out);
}

std::uint16_t crc16_dnp_fast(core::Bytes bytes) {
  // Link headers (8 bytes) and short inputs in one carry-less step.
  if (!bytes.empty() && bytes.size() <= 16 && detail::clmul_supported()) return detail::clmul_crc(bytes.data(), bytes.size());
  std::uint16_t crc = 0;
  const std::byte* p = bytes.data();
  std::size_t n = bytes.size();
  while (n >= 16) {
    crc = step16(p, crc);
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
