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
  if (!crc_matches(available.first(kLinkHeaderSize))) {
    return FrameVerdict::invalid(name(Anomaly::bad_link_crc), 1);
  }
  const std::size_t total = link_frame_size(u8_at(available, 2));
  if (available.size() < total) return FrameVerdict::need_more(total);
  return FrameVerdict::complete(total);
}

LinkHeader read_link_header(core::Bytes header) {
  core::ByteReader r(header);
  LinkHeader h;
  r.skip(2);
  h.length = r.u8().value_or(0);
  h.control = r.u8().value_or(0);
  h.destination = r.u16le().value_or(0);
  h.source = r.u16le().value_or(0);
  return h;
}

Anomaly decode_link_frame(core::Bytes frame, UserDataBuffer& scratch, LinkFrame& out) {
  out = LinkFrame{};
  if (frame.size() < 2 || u8_at(frame, 0) != kStartByte0 || u8_at(frame, 1) != kStartByte1) {
    return frame.size() < 2 ? Anomaly::link_truncated : Anomaly::no_sync;
  }
  if (frame.size() >= 3 && u8_at(frame, 2) < kMinLinkLength) return Anomaly::bad_link_length;
  if (frame.size() < kLinkHeaderSize) return Anomaly::link_truncated;
  if (!crc_matches(frame.first(kLinkHeaderSize))) return Anomaly::bad_link_crc;
  out.header = read_link_header(frame.first(kLinkHeaderSize));
  const std::size_t total = link_frame_size(out.header.length);
  if (frame.size() < total) return Anomaly::link_truncated;

  // Each block is up to 16 data bytes followed by their CRC; the last block may be shorter.
  std::size_t user = out.header.user_data_size();
  std::size_t in = kLinkHeaderSize;
  std::size_t produced = 0;
  while (user > 0) {
    const std::size_t n = user < kLinkBlockSize ? user : kLinkBlockSize;
    const core::Bytes block = frame.subspan(in, n + 2);
    if (!crc_matches(block)) return Anomaly::bad_data_crc;
    std::memcpy(scratch.data() + produced, block.data(), n);
    produced += n;
    in += n + 2;
    user -= n;
  }
  out.user_data = core::Bytes(scratch.data(), produced);
  return Anomaly::none;
}

}  // namespace normwatch::protocols::dnp3
