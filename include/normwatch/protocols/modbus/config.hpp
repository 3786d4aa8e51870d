// Limits of a Modbus session, each named, configurable and observable: hitting one raises a
// named anomaly and a counter (ARCHITECTURE.md "Limits are explicit").
#pragma once

#include <cstddef>
#include <cstdint>

#include "normwatch/protocols/modbus/pdu.hpp"
#include "normwatch/protocols/registry.hpp"

namespace normwatch::protocols::modbus {

inline constexpr std::size_t kDefaultMaxOutstanding = 64;
inline constexpr std::uint16_t kDefaultToleratedLength = 260;

struct Config {
  // Requests awaiting a response, per session. When full, the oldest is evicted and counted as
  // unanswered ("modbus.outstanding_limit" + "modbus.unanswered_request"). At least 1.
  std::size_t max_outstanding = kDefaultMaxOutstanding;
  // MBAP lengths in 255..tolerated_length are framed and reported malformed ("modbus.bad_length")
  // instead of resynchronising: real Schneider UMAS traffic sends 255. At least 254.
  std::uint16_t tolerated_length = kDefaultToleratedLength;

  // The shared session knobs: the pairing table size, and the largest frame the assembler may
  // buffer (which caps tolerated_length).
  static Config from(const protocols::SessionConfig& shared) {
    Config c;
    c.max_outstanding = shared.max_outstanding_requests;
    // A spec-size ADU (260 bytes) is always allowed; a smaller frame cap only removes tolerance.
    const std::size_t spec_frame = kMbapSize - 1 + kMaxMbapLength;
    const std::size_t cap = shared.max_frame_bytes > spec_frame ? shared.max_frame_bytes - (kMbapSize - 1) : kMaxMbapLength;
    if (cap < c.tolerated_length) c.tolerated_length = static_cast<std::uint16_t>(cap);
    return c;
  }
};

}  // namespace normwatch::protocols::modbus
