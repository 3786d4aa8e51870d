// The decode path of an unfragmented frame must not allocate (it runs per packet). This test
// program replaces global operator new to count allocations made while decoding.
#include <gtest/gtest.h>

#include "decode/decode_helpers.hpp"
#include "normwatch/decode/decoder.hpp"
#include "support/heap_counter.hpp"

namespace normwatch::decode {
namespace {

using test::ByteVec;
using test::hex;
using test::raw;

TEST(Allocation, UnfragmentedFramesDecodeWithoutAllocating) {
  const ByteVec frames[] = {
      hex("02 00 00 00 00 02 02 00 00 00 00 01 08 00"
          "45 00 00 2a 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02"
          "c3 50 01 f6 00 00 03 e9 00 00 07 d1 50 18 20 00 fe f9 00 00 ab cd 00 00 00 00"),
      hex("02 00 00 00 00 02 02 00 00 00 00 01 81 00 00 64 86 dd 60 00 00 00 00 16 06 40"
          "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
          "c3 50 01 f6 00 00 00 07 00 00 00 09 50 18 20 00 6d fd 00 00 01 02"),
      hex("02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00 00 14"),  // an anomaly path too
  };
  Decoder d;
  DecodedPacket p;
  d.decode(raw(frames[0]), p);  // warm up
  const std::uint64_t before = normwatch::test::heap_allocations();
  for (int i = 0; i < 100; ++i) {
    for (const auto& f : frames) d.decode(raw(f), p);
  }
  EXPECT_EQ(normwatch::test::heap_allocations() - before, 0u);
  // The counter works: a fragment does allocate.
  const ByteVec frag = hex("02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00 00 1c 00 01 20 00 40 11 00 00 0a 00 00 01 0a 00 00 02 01 01 01 01 01 01 01 01");
  d.decode(raw(frag), p);
  EXPECT_GT(normwatch::test::heap_allocations() - before, 0u);
}

}  // namespace
}  // namespace normwatch::decode
