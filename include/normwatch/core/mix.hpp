// mix64: the splitmix64 finaliser (published design: Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators", 2014), for hash tables and sharding that need every input bit
// to reach every output bit in a few instructions. Not a keyed hash: callers that face crafted
// input mix a secret seed in first.
#pragma once

#include <cstdint>

namespace normwatch::core {

constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

}  // namespace normwatch::core
