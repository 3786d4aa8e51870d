// The bytes of a pcap evidence slice (issue 10 §2): classic libpcap format, version 2.4, with
// the nanosecond magic 0xa1b23c4d (so the capture's timestamps are kept exactly), little-endian,
// the capture's link type; and the file's name and its atomic write (temp file, fsync, rename).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "normwatch/core/result.hpp"
#include "normwatch/core/timestamp.hpp"

namespace normwatch::evidence {

inline constexpr std::uint32_t kPcapNanoMagic = 0xa1b23c4d;
inline constexpr std::size_t kPcapHeaderBytes = 24;
inline constexpr std::size_t kPcapRecordHeaderBytes = 16;

void append_pcap_header(std::string& out, int link_type, std::uint32_t snaplen);
// One record: the captured bytes (already cut to the snap length) and the frame's wire length.
void append_pcap_record(std::string& out, core::Timestamp ts, std::span<const std::byte> bytes, std::uint32_t wire_len);

// "<sensor>-f<first>-<last>-<first 16 hex of the sha256>.pcap": who, which frames, and enough
// of the content hash that two slices of the same frame range (two replays) never collide.
std::string slice_file_name(std::string_view sensor, std::uint64_t first_frame, std::uint64_t last_frame,
                            std::string_view sha256_hex);

// Writes `bytes` to dir/name through dir/.name.tmp, fsync and rename: a slice file is either
// whole or absent. The error is one line for the operator.
core::Result<void, std::string> write_slice_file(const std::filesystem::path& dir, const std::string& name,
                                                 std::string_view bytes);

}  // namespace normwatch::evidence
