// PcapFile: frame numbers, timestamps (µs and ns), pcapng blocks, link types, progress offsets,
// snaplen-cut frames, and the one-line errors (missing, empty, not a capture, unsupported link
// type, a capture cut short mid-packet).
#include "normwatch/capture/pcap_file.hpp"

#include <gtest/gtest.h>

#include "capture/capture_helpers.hpp"

namespace normwatch::capture {
namespace {

using test::ByteVec;
using test::TempDir;

std::unique_ptr<PcapFile> open_ok(const std::string& path) {
  auto r = open_pcap_file(path);
  EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error());
  return r.has_value() ? std::move(r.value()) : nullptr;
}

std::string open_error(const std::string& path) {
  auto r = open_pcap_file(path);
  return r.has_value() ? std::string("(opened)") : r.error();
}

std::vector<RawFrame> read_all(PcapFile& f, ReadStatus& last) {
  std::vector<RawFrame> frames;
  RawFrame frame;
  while ((last = f.next(frame)) == ReadStatus::frame) frames.push_back(frame);
  return frames;
}

TEST(PcapFile, MicrosecondPcapNumbersAndTimestamps) {
  TempDir dir;
  const std::string path = dir.path("three.pcap");
  test::write_pcap(path, 1, {{1700000000, 412, test::udp_frame(60)}, {1700000001, 999999, test::udp_frame(70)}, {1700000002, 0, test::udp_frame(80)}});
  auto f = open_ok(path);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->link_type(), 1);
  EXPECT_EQ(f->name(), path);
  EXPECT_EQ(f->position_bytes(), 24u);  // just past the file header
  ReadStatus last{};
  const auto frames = read_all(*f, last);
  EXPECT_EQ(last, ReadStatus::end_of_capture);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].frame_no, 1u);
  EXPECT_EQ(frames[2].frame_no, 3u);
  EXPECT_EQ(frames[0].ts.ns, 1700000000'000412000);
  EXPECT_EQ(frames[1].ts.ns, 1700000001'999999000);
  EXPECT_EQ(frames[1].bytes.size(), 70u);
  EXPECT_EQ(frames[1].wire_len, 70u);
  EXPECT_EQ(frames[0].link_type, 1);
  EXPECT_EQ(f->stats().frames, 3u);
  EXPECT_EQ(f->stats().captured_bytes, 210u);
  EXPECT_EQ(f->total_bytes(), 24u + 3 * 16 + 210);
  EXPECT_EQ(f->position_bytes(), f->total_bytes());
  RawFrame again;
  EXPECT_EQ(f->next(again), ReadStatus::end_of_capture);  // stays at the end
}

TEST(PcapFile, NanosecondPcapKeepsNanoseconds) {
  TempDir dir;
  const std::string path = dir.path("nano.pcap");
  ByteVec file = test::pcap_header(1, true);
  for (const auto& r : {test::pcap_record(1700000000, 123456789, test::udp_frame(60)), test::pcap_record(1700000000, 123456790, test::udp_frame(60))}) {
    file.insert(file.end(), r.begin(), r.end());
  }
  test::write_bytes(path, file);
  auto f = open_ok(path);
  ASSERT_TRUE(f);
  ReadStatus last{};
  const auto frames = read_all(*f, last);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].ts.ns, 1700000000'123456789);
  EXPECT_EQ(frames[1].ts.ns, 1700000000'123456790);
}

TEST(PcapFile, PcapngPacketBlocksAreNumberedOthersAreNot) {
  TempDir dir;
  const std::string path = dir.path("blocks.pcapng");
  ByteVec file;
  for (const auto& b : {test::pcapng_shb(), test::pcapng_idb(1, 9),
                        test::pcapng_epb(0, 1700000000'000000001ULL, test::udp_frame(60)),
                        test::pcapng_isb(0),  // statistics: not a frame
                        test::pcapng_spb(test::udp_frame(64)),
                        test::pcapng_epb(0, 1700000000'500000000ULL, test::udp_frame(42), 1514)}) {
    file.insert(file.end(), b.begin(), b.end());
  }
  test::write_bytes(path, file);
  auto f = open_ok(path);
  ASSERT_TRUE(f);
  ReadStatus last{};
  const auto frames = read_all(*f, last);
  EXPECT_EQ(last, ReadStatus::end_of_capture);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].ts.ns, 1700000000'000000001);  // if_tsresol 9: nanoseconds kept
  EXPECT_EQ(frames[1].frame_no, 2u);                  // the simple packet block
  EXPECT_EQ(frames[1].bytes.size(), 64u);
  EXPECT_EQ(frames[2].frame_no, 3u);
  EXPECT_EQ(frames[2].wire_len, 1514u);
  EXPECT_EQ(f->stats().truncated_frames, 1u);
  EXPECT_EQ(f->position_bytes(), file.size());
}

TEST(PcapFile, PcapngMicrosecondResolution) {
  TempDir dir;
  const std::string path = dir.path("usec.pcapng");
  ByteVec file;
  for (const auto& b : {test::pcapng_shb(), test::pcapng_idb(1), test::pcapng_epb(0, 1700000000'000001ULL, test::udp_frame(60))}) {
    file.insert(file.end(), b.begin(), b.end());
  }
  test::write_bytes(path, file);
  auto f = open_ok(path);
  ASSERT_TRUE(f);
  RawFrame frame;
  ASSERT_EQ(f->next(frame), ReadStatus::frame);
  EXPECT_EQ(frame.ts.ns, 1700000000'000001000);
}

TEST(PcapFile, PcapngTwoInterfacesOfOneLinkType) {
  TempDir dir;
  const std::string path = dir.path("two.pcapng");
  ByteVec file;
  for (const auto& b : {test::pcapng_shb(), test::pcapng_idb(1), test::pcapng_idb(1), test::pcapng_epb(0, 1, test::udp_frame(60)),
                        test::pcapng_epb(1, 2, test::udp_frame(61))}) {
    file.insert(file.end(), b.begin(), b.end());
  }
  test::write_bytes(path, file);
  auto f = open_ok(path);
  ASSERT_TRUE(f);
  ReadStatus last{};
  const auto frames = read_all(*f, last);
  EXPECT_EQ(last, ReadStatus::end_of_capture);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].link_type, 1);
}

// libpcap 1.10 gives a pcapng file a single link type: a later interface of another type stops
// the read with an error (it never mislabels frames). Documented limitation.
TEST(PcapFile, PcapngInterfacesOfDifferentLinkTypesStopWithAnError) {
  TempDir dir;
  const std::string path = dir.path("mixed.pcapng");
  ByteVec file;
  for (const auto& b : {test::pcapng_shb(), test::pcapng_idb(1), test::pcapng_epb(0, 1, test::udp_frame(60)), test::pcapng_idb(101),
                        test::pcapng_epb(1, 2, ByteVec(28, 0x45))}) {
    file.insert(file.end(), b.begin(), b.end());
  }
  test::write_bytes(path, file);
  auto f = open_ok(path);
  ASSERT_TRUE(f);
  ReadStatus last{};
  const auto frames = read_all(*f, last);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].link_type, 1);
  EXPECT_EQ(last, ReadStatus::error);
  EXPECT_NE(f->error_message().find("after frame 1"), std::string::npos) << f->error_message();
  EXPECT_NE(f->error_message().find("share one link type"), std::string::npos) << f->error_message();
}

TEST(PcapFile, EveryDecodableLinkTypeOpens) {
  TempDir dir;
  // DLT_RAW (12) is written as LINKTYPE_RAW (101) and read back as DLT_RAW.
  for (int dlt : {0, 1, 12, 108, 113, 228, 229, 276}) {
    const std::string path = dir.path("link" + std::to_string(dlt) + ".pcap");
    test::write_pcap(path, dlt, {{1, 0, ByteVec(40, 0x45)}});
    auto f = open_ok(path);
    ASSERT_TRUE(f) << dlt;
    EXPECT_EQ(f->link_type(), dlt);
    RawFrame frame;
    ASSERT_EQ(f->next(frame), ReadStatus::frame);
    EXPECT_EQ(frame.link_type, dlt);
  }
  // Old files with the OpenBSD DLT_RAW value (14) in the header.
  const std::string path = dir.path("link14.pcap");
  ByteVec file = test::pcap_header(14, false);
  const ByteVec rec = test::pcap_record(1, 0, ByteVec(20, 0x45));
  file.insert(file.end(), rec.begin(), rec.end());
  test::write_bytes(path, file);
  auto f = open_ok(path);
  ASSERT_TRUE(f);
  EXPECT_TRUE(is_supported_link_type(f->link_type()));
}

TEST(PcapFile, UnsupportedLinkTypeIsNamed) {
  TempDir dir;
  const std::string path = dir.path("wifi.pcap");
  test::write_pcap(path, 105, {{1, 0, ByteVec(40, 0)}});
  const std::string e = open_error(path);
  EXPECT_EQ(e.find(path + ": link type 105 (IEEE802_11) is not supported"), 0u) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(PcapFile, MissingFile) {
  TempDir dir;
  const std::string path = dir.path("nope.pcap");
  EXPECT_EQ(open_error(path), "cannot open " + path + ": No such file or directory");
}

TEST(PcapFile, EmptyFile) {
  TempDir dir;
  const std::string path = dir.path("empty.pcap");
  test::write_bytes(path, {});
  EXPECT_EQ(open_error(path), path + " is empty (0 bytes)");
}

TEST(PcapFile, NotACapture) {
  TempDir dir;
  const std::string text = dir.path("notes.txt");
  test::write_bytes(text, ByteVec{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '\n'});
  EXPECT_EQ(open_error(text), text + " is not a pcap or pcapng capture");
  const std::string tiny = dir.path("tiny.pcap");
  test::write_bytes(tiny, ByteVec{0xd4, 0xc3});
  EXPECT_EQ(open_error(tiny), tiny + " is not a pcap or pcapng capture");
  const std::string gz = dir.path("capture.pcap.gz");
  test::write_bytes(gz, ByteVec{0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0});
  EXPECT_EQ(open_error(gz), gz + " is not a pcap or pcapng capture (it is gzip-compressed: gunzip it first)");
  EXPECT_EQ(open_error(dir.path("")), "cannot open " + dir.path("") + ": Is a directory");
}

TEST(PcapFile, HeaderCutShort) {
  TempDir dir;
  const std::string path = dir.path("short.pcap");
  ByteVec file = test::pcap_header(1, false);
  file.resize(10);
  test::write_bytes(path, file);
  const std::string e = open_error(path);
  EXPECT_EQ(e.find("cannot read " + path + ": "), 0u) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(PcapFile, HeaderOnlyIsAnEmptyCapture) {
  TempDir dir;
  const std::string path = dir.path("none.pcap");
  test::write_pcap(path, 1, {});
  auto f = open_ok(path);
  ASSERT_TRUE(f);
  RawFrame frame;
  EXPECT_EQ(f->next(frame), ReadStatus::end_of_capture);
}

// A capture cut inside frame 4 (in its data, then in its record header): frames 1-3 come out,
// then an error naming the last good frame and the byte offset where frame 4 starts.
TEST(PcapFile, TruncatedMidPacket) {
  TempDir dir;
  const std::string whole = dir.path("whole.pcap");
  std::vector<test::TestFrame> frames;
  for (int i = 0; i < 5; ++i) frames.push_back({100 + i, 0, test::udp_frame(60)});
  test::write_pcap(whole, 1, frames);
  const ByteVec bytes = test::read_bytes(whole);
  const std::size_t frame4 = 24 + 3 * (16 + 60);
  for (const std::size_t cut : {frame4 + 16 + 30, frame4 + 8}) {
    const std::string path = dir.path("cut" + std::to_string(cut) + ".pcap");
    test::write_bytes(path, ByteVec(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut)));
    auto f = open_ok(path);
    ASSERT_TRUE(f);
    ReadStatus last{};
    const auto got = read_all(*f, last);
    EXPECT_EQ(got.size(), 3u);
    EXPECT_EQ(last, ReadStatus::error);
    const std::string& e = f->error_message();
    std::string expected = "capture truncated after frame 3 (byte offset ";
    expected.append(std::to_string(frame4)).append("): truncated dump file");
    EXPECT_EQ(e.find(expected), 0u) << e;
    RawFrame frame;
    EXPECT_EQ(f->next(frame), ReadStatus::error);  // stays in error
  }
}

// The offset of a pcap frame is summed, not asked of the file per frame: it must agree with the
// file at every frame, including past the periodic resynchronisation every 1024 frames.
TEST(PcapFile, SummedOffsetsMatchTheFileAtEveryFrame) {
  TempDir dir;
  const std::string path = dir.path("many.pcap");
  std::vector<test::TestFrame> frames;
  for (int i = 0; i < 2100; ++i) frames.push_back({100 + i, 0, test::udp_frame(60 + static_cast<std::size_t>(i % 7))});
  test::write_pcap(path, 1, frames);
  auto f = open_ok(path);
  ASSERT_TRUE(f);
  std::uint64_t expected = 24;
  RawFrame frame;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    ASSERT_EQ(f->next(frame), ReadStatus::frame);
    expected += 16 + frames[i].bytes.size();
    ASSERT_EQ(f->position_bytes(), expected) << "after frame " << i + 1;
  }
  EXPECT_EQ(f->next(frame), ReadStatus::end_of_capture);
  EXPECT_EQ(f->position_bytes(), f->total_bytes());
}

TEST(PcapFile, TruncatedPcapng) {
  TempDir dir;
  ByteVec file;
  for (const auto& b : {test::pcapng_shb(), test::pcapng_idb(1), test::pcapng_epb(0, 1, test::udp_frame(60)), test::pcapng_epb(0, 2, test::udp_frame(60))}) {
    file.insert(file.end(), b.begin(), b.end());
  }
  const std::size_t second = file.size() - (32 + 60);
  file.resize(file.size() - 20);
  const std::string path = dir.path("cut.pcapng");
  test::write_bytes(path, file);
  auto f = open_ok(path);
  ASSERT_TRUE(f);
  ReadStatus last{};
  EXPECT_EQ(read_all(*f, last).size(), 1u);
  EXPECT_EQ(last, ReadStatus::error);
  EXPECT_EQ(f->error_message().find("capture truncated after frame 1 (byte offset " + std::to_string(second) + "): "), 0u)
      << f->error_message();
}

TEST(PcapFile, SnaplenCutFramesAreCounted) {
  TempDir dir;
  const std::string path = dir.path("snap.pcap");
  const ByteVec full = test::udp_frame(60);
  const ByteVec cut(full.begin(), full.begin() + 40);
  test::write_pcap(path, 1, {{1, 0, full}, {2, 0, cut, 60}});
  auto f = open_ok(path);
  ASSERT_TRUE(f);
  ReadStatus last{};
  const auto frames = read_all(*f, last);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].bytes.size(), 40u);
  EXPECT_EQ(frames[1].wire_len, 60u);
  EXPECT_EQ(f->stats().truncated_frames, 1u);
  EXPECT_EQ(f->stats().wire_bytes, 120u);
  EXPECT_EQ(f->stats().captured_bytes, 100u);
}

}  // namespace
}  // namespace normwatch::capture
