#include "normwatch/publish/spool_format.hpp"

#include <gtest/gtest.h>

namespace normwatch::publish {
namespace {

TEST(Crc32c, MatchesTheStandardCheckValue) {
  // CRC-32C (Castagnoli) check value for "123456789" (RFC 3720 appendix B.4 test data family).
  EXPECT_EQ(crc32c("123456789"), 0xE3069283U);
  EXPECT_EQ(crc32c(""), 0U);
  // Incremental use equals one pass, whatever the split (exercises the 8-byte and tail paths).
  const std::string text = "The quick brown fox jumps over the lazy dog, twice over.";
  for (std::size_t split = 0; split <= text.size(); ++split) {
    EXPECT_EQ(crc32c(text.substr(split), crc32c(text.substr(0, split))), crc32c(text)) << split;
  }
}

TEST(SpoolRecord, RoundTrips) {
  std::string bytes;
  encode_record(bytes, 42, R"({"a":1})");
  encode_record(bytes, 43, "");
  RecordView rec;
  ASSERT_EQ(decode_record(bytes, rec), RecordStatus::ok);
  EXPECT_EQ(rec.seq, 42u);
  EXPECT_EQ(rec.payload, R"({"a":1})");
  EXPECT_EQ(rec.size, kRecordHeaderBytes + 7);
  ASSERT_EQ(decode_record(std::string_view(bytes).substr(rec.size), rec), RecordStatus::ok);
  EXPECT_EQ(rec.seq, 43u);
}

TEST(SpoolRecord, TellsATornTailFromCorruption) {
  std::string bytes;
  encode_record(bytes, 7, "payload");
  RecordView rec;
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_EQ(decode_record(std::string_view(bytes).substr(0, cut), rec), RecordStatus::incomplete) << cut;
  }
  std::string flipped = bytes;
  flipped.back() ^= 1;
  EXPECT_EQ(decode_record(flipped, rec), RecordStatus::corrupt);
  const std::string zeros(64, '\0');  // a zero-filled block after a power cut
  EXPECT_EQ(decode_record(zeros, rec), RecordStatus::corrupt);
  std::string huge_length = bytes;
  huge_length[3] = '\x7f';
  EXPECT_EQ(decode_record(huge_length, rec), RecordStatus::corrupt);
}

TEST(SpoolRecord, SegmentNamesSortBySequence) {
  EXPECT_EQ(segment_file_name(1), "seg-00000000000000000001.nws");
  EXPECT_EQ(parse_segment_file_name("seg-00000000000000000001.nws"), 1u);
  EXPECT_EQ(parse_segment_file_name("seg-18446744073709551615.nws"), 18446744073709551615ULL);
  EXPECT_FALSE(parse_segment_file_name("seg-1.nws"));
  EXPECT_FALSE(parse_segment_file_name("seg-0000000000000000000x.nws"));
  EXPECT_FALSE(parse_segment_file_name("lock"));
  EXPECT_LT(segment_file_name(9), segment_file_name(10));
}

}  // namespace
}  // namespace normwatch::publish
