#include "normwatch/protocols/common/frame_assembler.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "normwatch/core/hex.hpp"

namespace normwatch::protocols {
namespace {

// Toy framing for the tests: 0xAA, length byte, then `length` bytes of body.
FrameVerdict toy_framer(core::Bytes b) {
  if (b.empty()) return FrameVerdict::need_more(1);
  if (static_cast<std::uint8_t>(b[0]) != 0xAA) return FrameVerdict::invalid("toy.bad_start");
  if (b.size() < 2) return FrameVerdict::need_more(2);
  const std::size_t total = 2 + static_cast<std::uint8_t>(b[1]);
  if (b.size() < total) return FrameVerdict::need_more(total);
  return FrameVerdict::complete(total);
}

struct Collected {
  std::vector<std::string> frames;
  std::vector<std::string> resyncs;
};

void feed(FrameAssembler& a, Collected& c, std::string_view hex, bool gap = false, std::uint64_t frame = 1) {
  const auto bytes = core::parse_hex(hex).value();
  a.feed(core::Bytes(bytes), gap, frame, toy_framer,
         [&](core::Bytes f, std::uint64_t no) { c.frames.push_back(core::to_hex(f) + "@" + std::to_string(no)); },
         [&](std::string_view why, std::size_t n, std::uint64_t) { c.resyncs.push_back(std::string(why) + ":" + std::to_string(n)); });
}

TEST(FrameAssembler, SeveralFramesInOneChunk) {
  FrameAssembler a(64);
  Collected c;
  feed(a, c, "aa 01 11 aa 02 22 33");
  EXPECT_EQ(c.frames, (std::vector<std::string>{"aa0111@1", "aa022233@1"}));
  EXPECT_TRUE(c.resyncs.empty());
}

TEST(FrameAssembler, OneFrameAcrossManyChunksReportsLastFrameNumber) {
  FrameAssembler a(64);
  Collected c;
  feed(a, c, "aa", false, 1);
  feed(a, c, "03 01", false, 2);
  EXPECT_TRUE(c.frames.empty());
  feed(a, c, "02 03 aa", false, 3);
  EXPECT_EQ(c.frames, (std::vector<std::string>{"aa03010203@3"}));
  feed(a, c, "00", false, 4);
  EXPECT_EQ(c.frames.back(), "aa00@4");
}

TEST(FrameAssembler, ResyncsAfterGarbageAndReportsEpisodeOnce) {
  FrameAssembler a(64);
  Collected c;
  feed(a, c, "01 02 03 aa 00");
  EXPECT_EQ(c.frames, (std::vector<std::string>{"aa00@1"}));
  EXPECT_EQ(c.resyncs, (std::vector<std::string>{"toy.bad_start:3"}));
}

TEST(FrameAssembler, GapDiscardsPartialFrame) {
  FrameAssembler a(64);
  Collected c;
  feed(a, c, "aa 05 01");
  feed(a, c, "aa 00", true);
  EXPECT_EQ(c.frames, (std::vector<std::string>{"aa00@1"}));
  EXPECT_EQ(a.counters().partial_discarded, 1u);
}

TEST(FrameAssembler, FrameLargerThanCapIsSkipped) {
  FrameAssembler a(8);
  Collected c;
  feed(a, c, "aa 10 01 02 aa 00");
  EXPECT_EQ(c.frames.back(), "aa00@1");
  EXPECT_EQ(c.resyncs.size(), 1u);
}

}  // namespace
}  // namespace normwatch::protocols
