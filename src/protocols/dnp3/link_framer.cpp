// DNP3 link framing and frame decoding (IEEE 1815-2012 clause 9.2: header, LEN, CRC-protected
// 16-byte user-data blocks). Reads only through bounds-checked spans.
#include "normwatch/protocols/dnp3/link_framer.hpp"

#include <cstring>

#include "normwatch/protocols/dnp3/crc.hpp"

namespace normwatch::protocols::dnp3 {

namespace {

inline std::uint8_t u8_at(core::Bytes b, std::size_t i) { return static_cast<std::uint8_t>(b[i]); }

// Bytes to skip to reach the next candidate 0x05 after position 0 (or everything).
std::size_t distance_to_next_start(core::Bytes b) {
  if (b.size() <= 1) return 1;
  const void* hit = std::memchr(b.data() + 1, kStartByte0, b.size() - 1);
  if (hit == nullptr) return b.size();
  return static_cast<std::size_t>(static_cast<const std::byte*>(hit) - b.data());
}

}  // namespace

FrameVerdict frame_link(core::Bytes available) {
  if (available.empty()) return FrameVerdict::need_more(kLinkHeaderSize);
  if (u8_at(available, 0) != kStartByte0) {
    return FrameVerdict::invalid(name(Anomaly::no_sync), distance_to_next_start(available));
  }
  if (available.size() >= 2 && u8_at(available, 1) != kStartByte1) {
    return FrameVerdict::invalid(name(Anomaly::no_sync), distance_to_next_start(available));
  }
  if (available.size() >= 3 && u8_at(available, 2) < kMinLinkLength) {
    return FrameVerdict::invalid(name(Anomaly::bad_link_length), 1);
  }
  if (available.size() < kLinkHeaderSize) return FrameVerdict::need_more(kLinkHeaderSize);
  if (!header_crc_matches(available.data())) return FrameVerdict::invalid(name(Anomaly::bad_link_crc), 1);
  const std::size_t total = link_frame_size(u8_at(available, 2));
  if (available.size() < total) return FrameVerdict::need_more(total);
  return FrameVerdict::complete(total);
}

LinkHeader read_link_header(core::Bytes header) {
  LinkHeader h;
  if (header.size() < 8) return h;
  // Fixed offsets in a span whose size was just checked (clause 9.2.4: LEN, CTRL, DST, SRC).
  h.length = u8_at(header, 2);
  h.control = u8_at(header, 3);
  h.destination = static_cast<std::uint16_t>(u8_at(header, 4) | (u8_at(header, 5) << 8));
  h.source = static_cast<std::uint16_t>(u8_at(header, 6) | (u8_at(header, 7) << 8));
  return h;
}

Anomaly decode_link_frame(core::Bytes frame, UserDataBuffer& scratch, LinkFrame& out, HeaderCrc header_crc) {
  out = LinkFrame{};
  if (frame.size() < 2 || u8_at(frame, 0) != kStartByte0 || u8_at(frame, 1) != kStartByte1) {
    return frame.size() < 2 ? Anomaly::link_truncated : Anomaly::no_sync;
  }
  if (frame.size() >= 3 && u8_at(frame, 2) < kMinLinkLength) return Anomaly::bad_link_length;
  if (frame.size() < kLinkHeaderSize) return Anomaly::link_truncated;
  if (header_crc == HeaderCrc::check && !header_crc_matches(frame.data())) return Anomaly::bad_link_crc;
  out.header = read_link_header(frame.first(kLinkHeaderSize));
  const std::size_t total = link_frame_size(out.header.length);
  if (frame.size() < total) return Anomaly::link_truncated;

  // Full blocks are 16 data bytes followed by their CRC; the last block may be shorter. `total`
  // was checked above, so every block lies inside `frame`.
  const std::size_t user = out.header.user_data_size();
  const std::size_t full = user / kLinkBlockSize;
  if (check_and_copy_blocks(frame.data() + kLinkHeaderSize, full, scratch.data()) != full) {
    return Anomaly::bad_data_crc;
  }
  const std::size_t rest = user - full * kLinkBlockSize;
  const std::size_t tail_at = kLinkHeaderSize + full * (kLinkBlockSize + 2);
  if (!check_and_copy_tail(frame.data() + tail_at, rest, tail_at, scratch.data() + full * kLinkBlockSize)) {
    return Anomaly::bad_data_crc;
  }
  out.user_data = core::Bytes(scratch.data(), user);
  return Anomaly::none;
}

}  // namespace normwatch::protocols::dnp3
