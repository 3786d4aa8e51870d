// Per-session settings of the IEC 60870-5-104 parser: the ASDU field widths that some plants
// change (IEC 60870-5-101 §7.1 system parameters: COT, common address and IOA octets), the k/w
// window of IEC 60870-5-104 §5.5, the t1 timeout used to call a command unanswered, and the
// explicit limits of one session. Invalid settings are refused at start-up (Config::valid()).
#pragma once

#include <cstddef>
#include <cstdint>

namespace normwatch::protocols::iec104 {

// Octet widths of the ASDU's variable-size fields. IEC 104 fixes 2/2/3; some plants deviate.
struct Widths {
  std::uint8_t cot = 2;  // 1 or 2 (2: the second octet is the originator address)
  std::uint8_t ca = 2;   // 1 or 2
  std::uint8_t ioa = 3;  // 1, 2 or 3

  constexpr bool valid() const {
    return (cot == 1 || cot == 2) && (ca == 1 || ca == 2) && ioa >= 1 && ioa <= 3;
  }
  // Data unit identifier: type id, variable structure qualifier, COT, common address.
  constexpr std::size_t header_size() const { return 2u + cot + ca; }
  constexpr std::uint32_t broadcast_address() const { return ca == 1 ? 0xFFu : 0xFFFFu; }
};

// Bounds on what one session keeps or reports; each one hit raises a named anomaly and a counter.
struct Limits {
  std::size_t max_outstanding_commands = 64;  // activations awaiting confirmation (pairing table)
  std::size_t max_anomalies_per_apdu = 16;    // distinct findings reported for one APDU
};

struct Config {
  Widths widths;
  std::uint16_t k = 12;  // a sender may have at most k unacknowledged I-frames outstanding
  std::uint16_t w = 8;   // a receiver acknowledges at the latest after w I-frames
  // I-frames that reached the sensor within this time of the w-th unacknowledged one count as one
  // burst the receiver could not have acknowledged in between (no w violation for them).
  std::int64_t w_burst_ns = 50'000'000;
  // A command activation not confirmed within t1 (104 §5.5 default 15 s) is reported unanswered.
  std::int64_t t1_ns = 15'000'000'000;
  bool check_element_values = true;  // reserved qualifier bits and values, time fields, NaN floats
  bool check_cot_for_type = true;    // cause of transmission allowed for the type id (101 §7.2.3)
  Limits limits;

  constexpr bool valid() const {
    return widths.valid() && k >= 1 && k <= 32767 && w >= 1 && w <= 32767 && w_burst_ns >= 0 && t1_ns > 0 &&
           limits.max_anomalies_per_apdu >= 1;
  }
};

}  // namespace normwatch::protocols::iec104
