// CRC-16/DNP with carry-less multiplication (x86 PCLMULQDQ, and VPCLMULQDQ for two blocks per
// instruction), for blocks of up to 16 bytes; IEEE 1815-2012 clause 9.2.2 defines the CRC.
// The CRC register is M * x^16 mod P (P = x^16 + 0x3D65, M the block as a polynomial, first bit
// highest). It is computed in the bit-reflected domain the bytes already arrive in, so nothing is
// bit-reversed: the first 8 bytes are folded with x^80 mod P and the next 16 bits with x^64 mod P,
// then Barrett reduction (mu = floor(x^64 / P)) leaves the 16-bit remainder. Constants are
// reflected and taken one degree lower (x^79, x^63) because a reflected 64x64 product lands one bit
// low. About 20 instructions per 16-byte block instead of ~75 for the tables (crc.cpp). Shorter
// inputs are zero-padded in front: with an initial value of 0, leading zero bytes change nothing.
// Chosen at run time from the CPU's features; other architectures use the tables.
#include "crc_clmul.hpp"

#include <array>
#include <cstring>

#include "normwatch/protocols/dnp3/crc.hpp"

#if NORMWATCH_DNP3_CLMUL
#include <immintrin.h>
#endif

namespace normwatch::protocols::dnp3::detail {

namespace {

constexpr std::uint32_t kPolyFull = 0x13D65;  // x^16 + 0x3D65, normal bit order

constexpr std::uint64_t x_pow_mod_p(int n) {
  std::uint32_t r = 1;
  for (int i = 0; i < n; ++i) {
    r <<= 1;
    if (r & 0x10000u) r ^= kPolyFull;
  }
  return r;
}

constexpr std::uint64_t barrett_mu() {  // floor(x^64 / P): long division, quotient degree 48
  std::uint64_t q = 0;
  std::uint32_t rem = 0;
  for (int i = 64; i >= 0; --i) {
    rem = (rem << 1) | (i == 64 ? 1u : 0u);
    if (rem & 0x10000u) {
      rem ^= kPolyFull;
      q |= std::uint64_t{1} << i;
    }
  }
  return q;
}

constexpr std::uint64_t reflect(std::uint64_t v, int bits) {
  std::uint64_t r = 0;
  for (int i = 0; i < bits; ++i) r |= ((v >> i) & 1u) << (bits - 1 - i);
  return r;
}

constexpr std::uint64_t kFold64 = reflect(x_pow_mod_p(79), 64);  // folds bits 0-63 of the block
constexpr std::uint64_t kFold16 = reflect(x_pow_mod_p(63), 64);  // folds the next 16
constexpr std::uint64_t kMu = reflect(barrett_mu(), 49);         // floor(x^64 / P), reflected
static_assert(barrett_mu() == 0x138E2F03E28D3);
static_assert(kFold64 == 0x1612000000000000 && kFold16 == 0xB5E7000000000000 && kMu == 0x19628F81E8E39);
static_assert(reflect(0x3D65, 16) == kCrcPolyReflected);

inline std::uint16_t stored_crc(const std::byte* at) {
  return static_cast<std::uint16_t>(static_cast<unsigned>(at[0]) | (static_cast<unsigned>(at[1]) << 8));
}

#if NORMWATCH_DNP3_CLMUL
// The intrinsic loads/stores are unaligned-safe SIMD moves of bytes the caller bounds-checked.
// `v` holds the block as loaded (little-endian); returns the bit-inverted CRC register, i.e. the
// DNP3 CRC is ~result (the caller compares without inverting). Everything stays in XMM registers.
__attribute__((target("pclmul,ssse3,sse4.1"))) inline std::uint16_t clmul_register(__m128i v) {
  const __m128i k = _mm_set_epi64x(static_cast<long long>(kFold16), static_cast<long long>(kFold64));
  const __m128i barrett = _mm_set_epi64x(static_cast<long long>(kCrcPolyReflected), static_cast<long long>(kMu));
  // S = first 8 bytes * (x^80 mod P) + last 8 bytes * x^16   (80 bits, reflected: bits 48-127)
  const __m128i last8 = _mm_and_si128(v, _mm_set_epi64x(-1, 0));
  const __m128i s = _mm_xor_si128(_mm_clmulepi64_si128(v, k, 0x00), _mm_srli_si128(last8, 2));
  // U = S mod x^64 + (S div x^64) * (x^64 mod P)   (64 bits, reflected: the high half; moved low)
  const __m128i u = _mm_srli_si128(_mm_xor_si128(_mm_clmulepi64_si128(s, k, 0x10), s), 8);
  // Barrett: q = ((U div x^16) * mu) div x^48; U's low 16 coefficients (bits 48-63 here) only
  // reach product bits >= 48, so they need no masking. Only q mod x^16 reaches the remainder.
  const __m128i q = _mm_clmulepi64_si128(u, barrett, 0x00);
  const __m128i q16 = _mm_and_si128(_mm_srli_epi64(q, 32), _mm_cvtsi32_si128(0xFFFF));
  const __m128i qp = _mm_clmulepi64_si128(q16, barrett, 0x10);
  const __m128i r = _mm_xor_si128(_mm_srli_epi64(u, 48), _mm_srli_epi64(qp, 15));
  return static_cast<std::uint16_t>(_mm_cvtsi128_si32(r));
}

__attribute__((target("pclmul,ssse3,sse4.1"))) inline std::uint16_t clmul_block(__m128i v) {
  return static_cast<std::uint16_t>(~clmul_register(v));
}

__attribute__((target("pclmul,ssse3,sse4.1"))) std::size_t check_copy_clmul(const std::byte* in, std::size_t blocks,
                                                                      std::byte* out) {
  for (std::size_t i = 0; i < blocks; ++i) {
    const std::byte* block = in + i * 18;
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block));
    if (static_cast<std::uint16_t>(clmul_register(v) ^ stored_crc(block + 16)) != 0xFFFF) return i;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i * 16), v);
  }
  return blocks;
}

// CRC of n <= 16 bytes: the bytes go to the end of a zeroed block.
__attribute__((target("pclmul,ssse3,sse4.1"))) std::uint16_t clmul_short(const std::byte* p, std::size_t n) {
  alignas(16) std::array<std::byte, 16> padded{};
  std::memcpy(padded.data() + (16 - n), p, n);
  return clmul_block(_mm_load_si128(reinterpret_cast<const __m128i*>(padded.data())));
}

// The 8-byte link header: loaded into the upper half of a zero block, no copy.
__attribute__((target("pclmul,ssse3,sse4.1"))) bool header_matches_clmul(const std::byte* header10) {
  const __m128i v = _mm_slli_si128(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(header10)), 8);
  return static_cast<std::uint16_t>(clmul_register(v) ^ stored_crc(header10 + 8)) == 0xFFFF;
}

// Masks that keep the last n bytes of a 16-byte load and zero the 16 - n bytes before them: the
// row starting at kTailMask + n has 16 - n zero bytes, then n 0xFF bytes.
constexpr std::array<std::uint8_t, 32> make_tail_mask() {
  std::array<std::uint8_t, 32> t{};
  for (std::size_t i = 16; i < 32; ++i) t[i] = 0xFF;
  return t;
}
alignas(16) constexpr std::array<std::uint8_t, 32> kTailMask = make_tail_mask();

// A short last block of n (1..15) data bytes at p, CRC after them; the 16 - n bytes before p are
// readable (they belong to the same frame) and are masked off, then zero-padded as above.
__attribute__((target("pclmul,ssse3,sse4.1"))) bool tail_check_copy_clmul(const std::byte* p, std::size_t n, std::byte* out) {
  const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16));
  const __m128i mask = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kTailMask.data() + n));
  const __m128i v = _mm_and_si128(raw, mask);
  if (static_cast<std::uint16_t>(clmul_register(v) ^ stored_crc(p + n)) != 0xFFFF) return false;
  std::memcpy(out, p, n);
  return true;
}

// Two blocks per step with 256-bit carry-less multiplication (VPCLMULQDQ): the same math as
// clmul_register in each 128-bit lane.
__attribute__((target("avx2,vpclmulqdq,pclmul,ssse3,sse4.1"))) std::size_t check_copy_vclmul(const std::byte* in,
                                                                                          std::size_t blocks,
                                                                                          std::byte* out) {
  const __m256i k = _mm256_set_epi64x(static_cast<long long>(kFold16), static_cast<long long>(kFold64),
                                      static_cast<long long>(kFold16), static_cast<long long>(kFold64));
  const __m256i barrett = _mm256_set_epi64x(static_cast<long long>(kCrcPolyReflected), static_cast<long long>(kMu),
                                            static_cast<long long>(kCrcPolyReflected), static_cast<long long>(kMu));
  const __m256i high_half = _mm256_set_epi64x(-1, 0, -1, 0);
  const __m256i low16 = _mm256_set_epi64x(0, 0xFFFF, 0, 0xFFFF);
  std::size_t i = 0;
  for (; i + 2 <= blocks; i += 2) {
    const std::byte* a = in + i * 18;
    const std::byte* b = a + 18;
    const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
    const __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
    const __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(va), vb, 1);
    const __m256i s = _mm256_xor_si256(_mm256_clmulepi64_epi128(v, k, 0x00),
                                       _mm256_srli_si256(_mm256_and_si256(v, high_half), 2));
    const __m256i u = _mm256_srli_si256(_mm256_xor_si256(_mm256_clmulepi64_epi128(s, k, 0x10), s), 8);
    const __m256i q = _mm256_clmulepi64_epi128(u, barrett, 0x00);
    const __m256i q16 = _mm256_and_si256(_mm256_srli_epi64(q, 32), low16);
    const __m256i qp = _mm256_clmulepi64_epi128(q16, barrett, 0x10);
    const __m256i r = _mm256_xor_si256(_mm256_srli_epi64(u, 48), _mm256_srli_epi64(qp, 15));
    const auto ra = static_cast<std::uint16_t>(_mm256_cvtsi256_si32(r));
    const auto rb = static_cast<std::uint16_t>(_mm_cvtsi128_si32(_mm256_extracti128_si256(r, 1)));
    if (static_cast<std::uint16_t>(ra ^ stored_crc(a + 16)) != 0xFFFF) return i;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i * 16), va);
    if (static_cast<std::uint16_t>(rb ^ stored_crc(b + 16)) != 0xFFFF) return i + 1;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i * 16 + 16), vb);
  }
  if (i < blocks) return i + check_copy_clmul(in + i * 18, blocks - i, out + i * 16);
  return blocks;
}

bool detect_vclmul_impl() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("vpclmulqdq");
}

bool detect_clmul_impl() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("ssse3");
}
#endif

}  // namespace

#if NORMWATCH_DNP3_CLMUL
bool clmul_supported() {
  static const bool supported = detect_clmul_impl();
  return supported;
}
bool vclmul_supported() {
  static const bool supported = clmul_supported() && detect_vclmul_impl();
  return supported;
}
std::size_t clmul_check_copy(const std::byte* in, std::size_t blocks, std::byte* out) {
  return check_copy_clmul(in, blocks, out);
}
std::size_t vclmul_check_copy(const std::byte* in, std::size_t blocks, std::byte* out) {
  return check_copy_vclmul(in, blocks, out);
}
std::uint16_t clmul_crc(const std::byte* p, std::size_t n) {
  if (n == 16) return clmul_block(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  return clmul_short(p, n);
}
bool clmul_header_matches(const std::byte* header10) { return header_matches_clmul(header10); }
bool clmul_tail_check_copy(const std::byte* p, std::size_t n, std::byte* out) { return tail_check_copy_clmul(p, n, out); }
#else
bool clmul_supported() { return false; }
bool vclmul_supported() { return false; }
std::size_t clmul_check_copy(const std::byte*, std::size_t, std::byte*) { return 0; }
std::size_t vclmul_check_copy(const std::byte*, std::size_t, std::byte*) { return 0; }
std::uint16_t clmul_crc(const std::byte*, std::size_t) { return 0; }
bool clmul_header_matches(const std::byte*) { return false; }
bool clmul_tail_check_copy(const std::byte*, std::size_t, std::byte*) { return false; }
#endif

}  // namespace normwatch::protocols::dnp3::detail
