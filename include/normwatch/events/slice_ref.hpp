// SliceRef: what an event says about its pcap evidence slice (issue 10 §2; NORMS-AND-RULES.md §4
// item 5), and how the slice's bytes travel beside the event without entering the hash chain.
//
// In the canonical line: "evidence": {"frames": [...], "slice": {"name", "sha256", "frames",
// "first_frame", "last_frame"}} — NAME is the file name (slices/NAME in a bundle), SHA256 the
// lower-case hex SHA-256 of the whole file, frames the number of frames in it and first/last the
// Wireshark frame numbers (in the sensor's capture) of its first and last frame. When the sensor
// could not keep one: "evidence": {..., "slice_dropped": REASON}. The chain hashes the line, so the
// slice is covered through its SHA-256; the slice bytes themselves are not part of the line.
//
// Travel: a spool record (spool_format.hpp) and a wire batch line (wire.hpp) may be the canonical
// line followed by kAttachmentSeparator ('\t', which a canonical line never contains: JSON escapes
// control characters) and the standard base64 (RFC 4648 §4, padded) of the slice file. The
// collector stores the line without it, and the slice keyed by its SHA-256.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace normwatch::events {

inline constexpr char kAttachmentSeparator = '\t';
inline constexpr std::size_t kMaxSliceNameLength = 200;

struct SliceRef {
  std::string name;
  std::string sha256;
  std::uint64_t frames = 0;
  std::uint64_t first_frame = 0;
  std::uint64_t last_frame = 0;
  std::string dropped;  // non-empty: no slice was kept, and why ("slice.no_frames", ...)
};

// 1..kMaxSliceNameLength characters from [A-Za-z0-9._-], not starting with '.': a plain file
// name that cannot leave the slices folder.
bool valid_slice_name(std::string_view name);

// Reads evidence.slice (or evidence.slice_dropped) from a canonical line; nullopt when the line
// has neither. Cheap for lines without one (a substring test before any parsing).
std::optional<SliceRef> read_slice_ref(std::string_view line);

// Lower-case hex SHA-256 (libsodium crypto_hash_sha256).
std::string sha256_hex(std::string_view bytes);

std::string to_base64(std::string_view bytes);
// nullopt: not valid padded base64, or more than max_bytes decoded.
std::optional<std::string> from_base64(std::string_view text, std::size_t max_bytes);

// A spool record or wire line split at the first kAttachmentSeparator (attachment "" if none).
struct RecordParts {
  std::string_view line;
  std::string_view attachment;
};
RecordParts split_attachment(std::string_view record);

}  // namespace normwatch::events
