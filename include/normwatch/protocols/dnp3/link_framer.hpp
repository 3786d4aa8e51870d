// DNP3 link layer (IEEE 1815-2012 clause 9.2): the framer the FrameAssembler drives (strict while
// resynchronising: start bytes, LEN >= 5 and a valid header CRC), and the pure decoder of one whole
// frame that checks every data-block CRC and strips the CRCs from the user data.
#pragma once

#include <array>
#include <cstddef>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/common/framing.hpp"
#include "normwatch/protocols/dnp3/anomaly.hpp"
#include "normwatch/protocols/dnp3/pdu.hpp"

namespace normwatch::protocols::dnp3 {

// complete(n): a whole frame of n bytes with a valid header CRC starts here;
// need_more(n): n bytes are needed (10 for the header, then the whole frame);
// invalid(reason, skip): not a frame start ("dnp3.no_sync" skips to the next 0x05,
// "dnp3.bad_link_length" and "dnp3.bad_link_crc" skip one byte).
FrameVerdict frame_link(core::Bytes available);

// Parses the 10-byte header (no CRC check).
LinkHeader read_link_header(core::Bytes header);

using UserDataBuffer = std::array<std::byte, kMaxUserData>;

struct LinkFrame {
  LinkHeader header;
  core::Bytes user_data;  // CRCs removed; a view into the UserDataBuffer given to decode
};

// `already_checked`: frame_link() answered complete() for exactly these bytes, which vouches for
// the header CRC, so the decoder does not compute it a second time.
enum class HeaderCrc : std::uint8_t { check, already_checked };

// Decodes exactly one frame (`frame` is the whole frame, as frame_link measured it). On
// bad_data_crc the header is filled in and user_data is empty. Returns Anomaly::none on success;
// otherwise no_sync, bad_link_length, bad_link_crc, link_truncated or bad_data_crc.
Anomaly decode_link_frame(core::Bytes frame, UserDataBuffer& scratch, LinkFrame& out,
                          HeaderCrc header_crc = HeaderCrc::check);

}  // namespace normwatch::protocols::dnp3
