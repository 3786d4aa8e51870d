// The one framing contract shared by every TCP protocol (Suricata's incomplete(consumed, needed)):
// given the bytes at the start of a frame, a framer answers
//   complete(n)      the first n bytes are one whole frame,
//   need_more(n)     the frame needs n bytes in total (n > bytes given); the stream layer buffers
//                    exactly that many, up to its cap,
//   invalid(reason)  these bytes do not start a frame; skip `skip` bytes and try again (resync).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace normwatch::protocols {

enum class FrameStatus : std::uint8_t { complete, need_more, invalid };

struct FrameVerdict {
  FrameStatus status = FrameStatus::invalid;
  std::size_t size = 0;       // complete: frame length; need_more: total bytes needed; invalid: bytes to skip
  std::string_view reason;    // invalid only: stable anomaly name, e.g. "modbus.bad_protocol_id"

  static constexpr FrameVerdict complete(std::size_t n) { return {FrameStatus::complete, n, {}}; }
  static constexpr FrameVerdict need_more(std::size_t n) { return {FrameStatus::need_more, n, {}}; }
  static constexpr FrameVerdict invalid(std::string_view why, std::size_t skip = 1) {
    return {FrameStatus::invalid, skip, why};
  }
};

}  // namespace normwatch::protocols
