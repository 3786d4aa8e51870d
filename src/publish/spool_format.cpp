// Spool record framing and CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, as in iSCSI and
// ext4 metadata): table-driven so that it runs the same on x86-64 and aarch64 gateways.
#include "normwatch/publish/spool_format.hpp"

#include <array>
#include <charconv>
#include <cstdio>

namespace normwatch::publish {

namespace {

// Slicing-by-8 (eight 256-entry tables, eight bytes per step): the spool checks every record
// when it is written and again when it is read back for sending.
using CrcTables = std::array<std::array<std::uint32_t, 256>, 8>;
constexpr CrcTables make_crc_tables() {
  CrcTables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? (c >> 1) ^ 0x82F63B78U : c >> 1;
    t[0][i] = c;
  }
  for (std::size_t k = 1; k < 8; ++k) {
    for (std::size_t i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFFU];
  }
  return t;
}
constexpr CrcTables kCrc = make_crc_tables();

std::uint32_t load_le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
std::uint64_t get_le(std::string_view bytes, std::size_t offset, int width) {
  std::uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) {
    v = (v << 8) | static_cast<unsigned char>(bytes[offset + static_cast<std::size_t>(i)]);
  }
  return v;
}

std::uint32_t record_crc(std::string_view seq_bytes, std::string_view payload) {
  return crc32c(payload, crc32c(seq_bytes));
}

}  // namespace

std::uint32_t crc32c(std::string_view data, std::uint32_t crc) {
  crc = ~crc;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t n = data.size();
  while (n >= 8) {
    const std::uint32_t lo = crc ^ load_le32(p);
    const std::uint32_t hi = load_le32(p + 4);
    crc = kCrc[7][lo & 0xFFU] ^ kCrc[6][(lo >> 8) & 0xFFU] ^ kCrc[5][(lo >> 16) & 0xFFU] ^ kCrc[4][lo >> 24] ^
          kCrc[3][hi & 0xFFU] ^ kCrc[2][(hi >> 8) & 0xFFU] ^ kCrc[1][(hi >> 16) & 0xFFU] ^ kCrc[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = kCrc[0][(crc ^ *p++) & 0xFFU] ^ (crc >> 8);
  return ~crc;
}

void encode_record(std::string& out, std::uint64_t seq, std::string_view payload) {
  std::string seq_bytes;
  put_u64(seq_bytes, seq);
  put_u32(out, static_cast<std::uint32_t>(payload.size()));
  put_u32(out, record_crc(seq_bytes, payload));
  out += seq_bytes;
  out.append(payload.data(), payload.size());
}

RecordStatus decode_record(std::string_view bytes, RecordView& out) {
  if (bytes.size() < kRecordHeaderBytes) return RecordStatus::incomplete;
  const std::uint64_t length = get_le(bytes, 0, 4);
  if (length > kMaxRecordPayload) return RecordStatus::corrupt;
  const std::uint32_t crc = static_cast<std::uint32_t>(get_le(bytes, 4, 4));
  const std::uint64_t seq = get_le(bytes, 8, 8);
  if (bytes.size() < kRecordHeaderBytes + length) return RecordStatus::incomplete;
  const std::string_view payload = bytes.substr(kRecordHeaderBytes, length);
  if (seq == 0 || record_crc(bytes.substr(8, 8), payload) != crc) return RecordStatus::corrupt;
  out.seq = seq;
  out.payload = payload;
  out.size = kRecordHeaderBytes + length;
  return RecordStatus::ok;
}

std::string segment_file_name(std::uint64_t first_seq) {
  char name[40];
  std::snprintf(name, sizeof name, "seg-%020llu.nws", static_cast<unsigned long long>(first_seq));
  return name;
}

std::optional<std::uint64_t> parse_segment_file_name(std::string_view name) {
  if (name.size() != 28 || !name.starts_with("seg-") || !name.ends_with(".nws")) return std::nullopt;
  const std::string_view digits = name.substr(4, 20);
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return v;
}

}  // namespace normwatch::publish
