// Test helpers for the decoder (see decode_helpers.hpp).
#include "decode/decode_helpers.hpp"

#include <stdexcept>

#include "normwatch/core/hex.hpp"

namespace normwatch::decode::test {

namespace {
std::uint16_t checksum(const ByteVec& b, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i < b.size(); i += 2) {
    const auto hi = static_cast<std::uint32_t>(b[i]);
    const auto lo = i + 1 < b.size() ? static_cast<std::uint32_t>(b[i + 1]) : 0u;
    sum += (hi << 8) | lo;
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}
void put16(ByteVec& b, std::size_t at, std::uint32_t v) {
  b[at] = static_cast<std::byte>(v >> 8);
  b[at + 1] = static_cast<std::byte>(v);
}
void put32(ByteVec& b, std::size_t at, std::uint32_t v) {
  put16(b, at, v >> 16);
  put16(b, at + 2, v & 0xffff);
}
}  // namespace

ByteVec hex(std::string_view text) {
  auto v = core::parse_hex(text);
  if (!v) throw std::invalid_argument("bad hex in test vector");
  return *v;
}

ByteVec concat(std::initializer_list<ByteVec> parts) {
  ByteVec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

capture::RawFrame raw(const ByteVec& bytes, int link_type, std::int64_t ts_ns, std::uint64_t frame_no, std::uint32_t wire_len) {
  capture::RawFrame f;
  f.bytes = core::Bytes(bytes.data(), bytes.size());
  f.link_type = link_type;
  f.ts = core::Timestamp{ts_ns};
  f.frame_no = frame_no;
  f.wire_len = wire_len == 0 ? static_cast<std::uint32_t>(bytes.size()) : wire_len;
  return f;
}

ByteVec ethernet(std::uint16_t ethertype) {
  ByteVec b = hex("02 00 00 00 00 02  02 00 00 00 00 01  00 00");
  put16(b, 12, ethertype);
  return b;
}

core::IpAddress ip(std::string_view text) { return core::IpAddress::parse(text).value(); }

ByteVec ipv4_header(const core::IpAddress& src, const core::IpAddress& dst, std::uint8_t proto, std::size_t payload_len,
                    std::uint16_t id, std::size_t offset, bool more) {
  ByteVec h(20);
  h[0] = std::byte{0x45};
  put16(h, 2, static_cast<std::uint32_t>(20 + payload_len));
  put16(h, 4, id);
  put16(h, 6, static_cast<std::uint32_t>((more ? 0x2000 : 0) | (offset / 8)));
  h[8] = std::byte{64};
  h[9] = static_cast<std::byte>(proto);
  for (int i = 0; i < 4; ++i) {
    h[12 + i] = static_cast<std::byte>(src.bytes[i]);
    h[16 + i] = static_cast<std::byte>(dst.bytes[i]);
  }
  put16(h, 10, checksum(h));
  return h;
}

ByteVec ipv6_fragment_header(const core::IpAddress& src, const core::IpAddress& dst, std::uint8_t inner,
                             std::size_t payload_len, std::uint32_t id, std::size_t offset, bool more) {
  ByteVec h(48);
  h[0] = std::byte{0x60};
  put16(h, 4, static_cast<std::uint32_t>(8 + payload_len));
  h[6] = std::byte{44};
  h[7] = std::byte{64};
  for (int i = 0; i < 16; ++i) {
    h[8 + i] = static_cast<std::byte>(src.bytes[i]);
    h[24 + i] = static_cast<std::byte>(dst.bytes[i]);
  }
  h[40] = static_cast<std::byte>(inner);
  put16(h, 42, static_cast<std::uint32_t>(offset | (more ? 1 : 0)));
  put32(h, 44, id);
  return h;
}

void fix_l4_checksum(ByteVec& segment, std::uint8_t proto, const core::IpAddress& src, const core::IpAddress& dst) {
  const std::size_t at = proto == 6 ? 16 : 6;
  put16(segment, at, 0);
  std::uint32_t sum = proto + static_cast<std::uint32_t>(segment.size());
  for (std::size_t i = 0; i < src.size(); i += 2) {
    sum += (std::uint32_t{src.bytes[i]} << 8) | src.bytes[i + 1];
    sum += (std::uint32_t{dst.bytes[i]} << 8) | dst.bytes[i + 1];
  }
  std::uint16_t c = checksum(segment, sum);
  if (c == 0 && proto == 17) c = 0xffff;
  put16(segment, at, c);
}

}  // namespace normwatch::decode::test
