// Every capture in ../shared/captures (real traffic from other tools and devices) opens, reads to
// the end with exactly the frame count tshark gives in manifest.tsv, and decodes without a crash.
// Skipped when the folder is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "normwatch/capture/pcap_file.hpp"
#include "normwatch/decode/decoder.hpp"

namespace normwatch::capture {
namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, '\t')) out.push_back(field);
  if (!line.empty() && line.back() == '\t') out.emplace_back();
  return out;
}

// file (relative to the captures folder) -> packets, from manifest.tsv's header-named columns.
std::map<std::string, std::uint64_t> manifest_counts(const std::filesystem::path& dir) {
  std::ifstream in(dir / "manifest.tsv");
  std::string line;
  std::map<std::string, std::uint64_t> counts;
  if (!std::getline(in, line)) return counts;
  const auto header = split_tabs(line);
  std::size_t file_col = header.size();
  std::size_t packets_col = header.size();
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "file") file_col = i;
    if (header[i] == "packets") packets_col = i;
  }
  if (file_col == header.size() || packets_col == header.size()) return counts;
  while (std::getline(in, line)) {
    const auto row = split_tabs(line);
    if (row.size() <= std::max(file_col, packets_col) || row[file_col].empty()) continue;
    counts[row[file_col]] = std::stoull(row[packets_col]);
  }
  return counts;
}

TEST(SharedCaptures, FrameCountsMatchTsharkAndDecodeCleanly) {
  const std::filesystem::path dir = NORMWATCH_SHARED_CAPTURES;
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "shared captures not found at " << dir << " (tests over real traffic skipped)";
  const auto counts = manifest_counts(dir);
  ASSERT_FALSE(counts.empty()) << "manifest.tsv has no file/packets columns";

  std::size_t files = 0;
  std::uint64_t total_frames = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".pcap" && ext != ".pcapng")) continue;
    const std::string rel = std::filesystem::relative(entry.path(), dir).string();
    SCOPED_TRACE(rel);
    auto opened = open_pcap_file(entry.path().string());
    ASSERT_TRUE(opened.has_value()) << opened.error();
    PcapFile& file = *opened.value();
    decode::Decoder decoder;
    decode::DecodedPacket packet;
    RawFrame frame;
    ReadStatus status;
    std::uint64_t frames = 0;
    while ((status = file.next(frame)) == ReadStatus::frame) {
      ++frames;
      EXPECT_EQ(frame.frame_no, frames);
      decoder.decode(frame, packet);
    }
    EXPECT_EQ(status, ReadStatus::end_of_capture) << file.error_message();
    EXPECT_EQ(decoder.counters().frames, frames);
    EXPECT_EQ(decoder.counters().anomalies[static_cast<std::size_t>(decode::DecodeAnomaly::unsupported_link_type)], 0u);
    const auto it = counts.find(rel);
    if (it != counts.end()) {
      EXPECT_EQ(frames, it->second) << "frame count differs from tshark's";
    } else {
      ADD_FAILURE() << rel << " is not in manifest.tsv";
    }
    ++files;
    total_frames += frames;
  }
  EXPECT_EQ(files, counts.size());
  RecordProperty("files", static_cast<int>(files));
  RecordProperty("frames", static_cast<int>(total_frames));
}

}  // namespace
}  // namespace normwatch::capture
