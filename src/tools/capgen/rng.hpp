// SplitMix64: a tiny seeded generator with a fixed, platform-independent sequence. The standard
// library's distributions differ between implementations, so the generator never uses them:
// the same seed must give the same capture bytes everywhere.
#pragma once

#include <cstdint>

namespace normwatch::tools::capgen {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi]; the modulo bias is irrelevant for test traffic.
  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) {
    return lo + static_cast<std::uint32_t>(next() % (static_cast<std::uint64_t>(hi) - lo + 1));
  }

 private:
  std::uint64_t state_;
};

}  // namespace normwatch::tools::capgen
