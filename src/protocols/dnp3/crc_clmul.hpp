// Private to the DNP3 CRC (crc.cpp): the carry-less multiplication forms in crc_clmul.cpp. Callers
// check clmul_supported() / vclmul_supported() first; without support the functions are not used.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__)
#define NORMWATCH_DNP3_CLMUL 1
#else
#define NORMWATCH_DNP3_CLMUL 0
#endif

namespace normwatch::protocols::dnp3::detail {

bool clmul_supported();   // PCLMULQDQ, SSSE3, SSE4.1
bool vclmul_supported();  // and AVX2 + VPCLMULQDQ

// Blocks of 16 data bytes + 2 CRC bytes: checks and copies; returns blocks passed before a bad one.
std::size_t clmul_check_copy(const std::byte* in, std::size_t blocks, std::byte* out);
std::size_t vclmul_check_copy(const std::byte* in, std::size_t blocks, std::byte* out);
// CRC of n (1..16) bytes.
std::uint16_t clmul_crc(const std::byte* p, std::size_t n);
// The 10-byte link header.
bool clmul_header_matches(const std::byte* header10);
// n (1..15) data bytes at p and their CRC; the 16 - n bytes before p must be readable.
bool clmul_tail_check_copy(const std::byte* p, std::size_t n, std::byte* out);

}  // namespace normwatch::protocols::dnp3::detail
