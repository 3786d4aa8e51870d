// The evidence-slice reference in an event line and the encodings its bytes travel in (issue 10
// §2, events/slice_ref.hpp).
#include "normwatch/events/slice_ref.hpp"

#include <gtest/gtest.h>

#include "normwatch/events/event.hpp"

namespace normwatch::events {
namespace {

TEST(SliceRef, NamesArePlainFileNames) {
  EXPECT_TRUE(valid_slice_name("s1-f3-22-dd7f691f0deff36f.pcap"));
  EXPECT_FALSE(valid_slice_name(""));
  EXPECT_FALSE(valid_slice_name("../events/s1.jsonl"));
  EXPECT_FALSE(valid_slice_name(".hidden"));
  EXPECT_FALSE(valid_slice_name("a/b.pcap"));
  EXPECT_FALSE(valid_slice_name(std::string(kMaxSliceNameLength + 1, 'a')));
}

TEST(SliceRef, Sha256IsTheStandardOne) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SliceRef, Base64RoundTripsAndRefusesGarbage) {
  const std::string bytes("\x00\x01\xfe\xff pcap", 9);
  const std::string text = to_base64(bytes);
  EXPECT_EQ(text, "AAH+/yBwY2Fw");
  EXPECT_EQ(from_base64(text, 100), bytes);
  EXPECT_FALSE(from_base64("AAH+/yBwY2F", 100));     // not padded
  EXPECT_FALSE(from_base64("AAH+/yBw\nY2Fw", 100));  // a line break
  EXPECT_FALSE(from_base64(text, 4));                // larger than allowed
  EXPECT_EQ(from_base64("", 10), std::string());
}

TEST(SliceRef, ARecordSplitsAtTheFirstTab) {
  auto parts = split_attachment("{\"a\":1}\tAAAA");
  EXPECT_EQ(parts.line, "{\"a\":1}");
  EXPECT_EQ(parts.attachment, "AAAA");
  parts = split_attachment("{\"a\":\"x\\ty\"}");
  EXPECT_EQ(parts.line, "{\"a\":\"x\\ty\"}");  // an escaped tab is not a separator
  EXPECT_TRUE(parts.attachment.empty());
}

TEST(SliceRef, ACanonicalLineNeverHoldsTheSeparator) {
  Event e;
  e.message = "tab\there";
  e.slice = SliceRef{"n.pcap", std::string(64, 'a'), 3, 1, 3, ""};
  EXPECT_EQ(to_json_line(e).find(kAttachmentSeparator), std::string::npos);
}

TEST(SliceRef, ReadsTheReferenceBackFromALine) {
  Event e;
  e.kind = EventKind::norm_violation;
  e.evidence_frames = {7};
  e.slice = SliceRef{"s1-f1-9-0123456789abcdef.pcap", std::string(64, 'b'), 9, 1, 9, ""};
  auto ref = read_slice_ref(to_json_line(e));
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->name, "s1-f1-9-0123456789abcdef.pcap");
  EXPECT_EQ(ref->sha256, std::string(64, 'b'));
  EXPECT_EQ(ref->frames, 9u);
  EXPECT_EQ(ref->first_frame, 1u);
  EXPECT_EQ(ref->last_frame, 9u);
  EXPECT_TRUE(ref->dropped.empty());

  e.slice = SliceRef{};
  e.slice->dropped = "slice.no_frames";
  ref = read_slice_ref(to_json_line(e));
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->dropped, "slice.no_frames");

  e.slice.reset();
  EXPECT_FALSE(read_slice_ref(to_json_line(e)));
  EXPECT_FALSE(read_slice_ref("{\"message\":\"a slice of cake\"}"));
  EXPECT_FALSE(read_slice_ref("not json \"slice"));
}

TEST(SliceRef, AnEventWithoutASliceRendersAsBefore) {
  Event e;
  e.evidence_frames = {4};
  EXPECT_NE(to_json_line(e).find("\"evidence\":{\"frames\":[4]}"), std::string::npos);
}

}  // namespace
}  // namespace normwatch::events
