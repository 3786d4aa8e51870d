// The on-disk format of spool segments (issue 7 §1). A segment DIR/seg-<first seq, 20 digits>.nws
// is a sequence of records, each
//   u32 LE payload length | u32 LE CRC-32C over (seq bytes + payload) | u64 LE seq | payload
// where the payload is the event's canonical JSON line (no newline), for an event with a pcap
// evidence slice followed by '\t' and the slice's base64 (events/slice_ref.hpp; only the line
// is hashed into the evidence chain). A record that does not check
// (torn tail after a crash, zero-filled blocks after a power cut) ends the valid part of a segment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace normwatch::publish {

inline constexpr std::size_t kRecordHeaderBytes = 16;
inline constexpr std::size_t kMaxRecordPayload = 1U << 20;  // an event line above 1 MiB is refused

std::uint32_t crc32c(std::string_view data, std::uint32_t crc = 0);

void encode_record(std::string& out, std::uint64_t seq, std::string_view payload);

enum class RecordStatus : std::uint8_t { ok, incomplete, corrupt };

struct RecordView {
  std::uint64_t seq = 0;
  std::string_view payload;
  std::size_t size = 0;  // header + payload
};

// Decodes the record at the start of `bytes`.
RecordStatus decode_record(std::string_view bytes, RecordView& out);

std::string segment_file_name(std::uint64_t first_seq);
std::optional<std::uint64_t> parse_segment_file_name(std::string_view name);

}  // namespace normwatch::publish
