// DNP3 data link and transport encoding (IEEE 1815-2012 §9.2 frame format and CRC, §8.2
// transport header). The CRC is computed bit by bit from the reflected polynomial rather than
// from a table: the generator is an oracle, so it should share no shortcut with the parser.
#include <algorithm>

#include "capgen/dnp3_encoder.hpp"

namespace normwatch::tools::capgen::dnp3 {
namespace {
constexpr std::size_t kBlock = 16;               // user data bytes per CRC block
constexpr std::size_t kMaxSegmentPayload = 249;  // 250 user data bytes minus the transport header
constexpr std::uint8_t kTransportFin = 0x80;
constexpr std::uint8_t kTransportFir = 0x40;

void append_crc(Bytes& out, ByteView covered) { ByteWriter(out).u16le(crc16(covered)); }
}  // namespace

std::uint16_t crc16(ByteView data) {
  std::uint16_t crc = 0;
  for (std::uint8_t byte : data) {
    crc = static_cast<std::uint16_t>(crc ^ byte);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) != 0 ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA6BCu) : static_cast<std::uint16_t>(crc >> 1);
    }
  }
  return static_cast<std::uint16_t>(~crc);
}

Bytes link_frame(std::uint8_t control, std::uint16_t destination, std::uint16_t source, ByteView user_data) {
  Bytes out;
  out.reserve(10 + user_data.size() + 2 * (user_data.size() / kBlock + 1));
  // LENGTH counts control, destination, source and user data, not the CRCs (§9.2.4.1.2).
  ByteWriter(out)
      .u8(0x05)
      .u8(0x64)
      .u8(static_cast<unsigned>(5 + user_data.size()))
      .u8(control)
      .u16le(destination)
      .u16le(source);
  append_crc(out, out);
  for (std::size_t at = 0; at < user_data.size(); at += kBlock) {
    const ByteView block = user_data.subspan(at, std::min(kBlock, user_data.size() - at));
    ByteWriter(out).bytes(block);
    append_crc(out, block);
  }
  return out;
}

std::vector<Bytes> link_frames_for(std::uint8_t control, std::uint16_t destination, std::uint16_t source,
                                   ByteView fragment, std::uint8_t& transport_seq) {
  std::vector<Bytes> frames;
  Bytes segment;
  for (std::size_t at = 0; at < fragment.size() || at == 0; at += kMaxSegmentPayload) {
    const std::size_t len = std::min(kMaxSegmentPayload, fragment.size() - at);
    std::uint8_t header = transport_seq & 0x3F;
    if (at == 0) header |= kTransportFir;
    if (at + len >= fragment.size()) header |= kTransportFin;
    transport_seq = static_cast<std::uint8_t>((transport_seq + 1) & 0x3F);
    segment.clear();
    ByteWriter(segment).u8(header).bytes(fragment.subspan(at, len));
    frames.push_back(link_frame(control, destination, source, segment));
    if (fragment.empty()) break;
  }
  return frames;
}

}  // namespace normwatch::tools::capgen::dnp3
