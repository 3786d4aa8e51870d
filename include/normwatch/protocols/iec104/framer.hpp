// APCI framing over one direction's reassembled TCP stream (IEC 60870-5-104 §5.1): start octet
// 0x68, length octet 4..253, then that many octets. In step with the stream it accepts any such
// frame (the parser judges its content); after a bad start, a bad length or a gap it is strict
// until it finds an APDU it can believe: a valid control field format, U-frames with exactly one
// function bit and length 4, S-frames of length 4, I-frames whose ASDU matches its type.
#pragma once

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/common/framing.hpp"
#include "normwatch/protocols/iec104/config.hpp"

namespace normwatch::protocols::iec104 {

class ApduFramer {
 public:
  explicit ApduFramer(const Widths& widths = {}) : widths_(widths) {}

  FrameVerdict operator()(core::Bytes available);

  // Strict after invalid bytes (set by the framer itself) or a gap (set by the session).
  void set_strict(bool strict) { strict_ = strict; }
  bool strict() const { return strict_; }

 private:
  Widths widths_;
  bool strict_ = false;
};

// How believable the first bytes of `bytes` are as the start of an APDU (the strict test).
enum class Plausibility : std::uint8_t { no, need_more, yes };
Plausibility plausible_apdu_start(core::Bytes bytes, const Widths& widths);

}  // namespace normwatch::protocols::iec104
