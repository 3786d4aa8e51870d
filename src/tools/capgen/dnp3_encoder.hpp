// DNP3 encoder (IEEE 1815-2012): data link frames with CRC-16/DNP on the header and on every
// 16-byte block of user data (§9.2), transport segments with FIR/FIN/sequence (§8.2), and
// application fragments (§4.2) with the object headers and objects the scenarios use.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "capgen/bytes.hpp"

namespace normwatch::tools::capgen::dnp3 {

inline constexpr std::uint16_t kPort = 20000;

// CRC-16/DNP: polynomial 0x3D65 (reflected 0xA6BC), init 0, final xor 0xFFFF; sent little-endian.
std::uint16_t crc16(ByteView data);

// Link control octets (§9.2.4.1): DIR set from master, PRM set, function 4 = unconfirmed user data.
inline constexpr std::uint8_t kLinkFromMaster = 0xC4;
inline constexpr std::uint8_t kLinkFromOutstation = 0x44;

Bytes link_frame(std::uint8_t control, std::uint16_t destination, std::uint16_t source, ByteView user_data);

// Cuts an application fragment into transport segments of at most 249 bytes, each in its own
// link frame. `transport_seq` (6 bits) advances with every segment.
std::vector<Bytes> link_frames_for(std::uint8_t control, std::uint16_t destination, std::uint16_t source,
                                   ByteView fragment, std::uint8_t& transport_seq);

// Application control bits (§4.2.2.4) and function codes (§4.2.2.5).
inline constexpr std::uint8_t kAppFir = 0x80;
inline constexpr std::uint8_t kAppFin = 0x40;
inline constexpr std::uint8_t kAppCon = 0x20;
inline constexpr std::uint8_t kAppUns = 0x10;
inline constexpr std::uint8_t kConfirm = 0x00;
inline constexpr std::uint8_t kRead = 0x01;
inline constexpr std::uint8_t kResponse = 0x81;
inline constexpr std::uint8_t kUnsolicitedResponse = 0x82;

// A fragment being built: the header, then object headers and objects appended in order.
class Fragment {
 public:
  static Fragment request(std::uint8_t control, std::uint8_t function);
  static Fragment response(std::uint8_t control, std::uint8_t function, std::uint8_t iin1, std::uint8_t iin2);

  // Qualifier 0x06: all objects of the group/variation (class reads).
  Fragment& all_objects(std::uint8_t group, std::uint8_t variation);
  // g1v2 binary inputs with flags, qualifier 0x00 (8-bit start/stop).
  Fragment& binary_inputs(std::uint8_t start, std::span<const bool> states);
  // g30v1 32-bit analog inputs with flag, qualifier 0x01 (16-bit start/stop).
  Fragment& analog_inputs(std::uint16_t start, std::span<const std::int32_t> values);
  // g2v2 binary input events with absolute time, qualifier 0x28 (16-bit count, 16-bit index).
  struct BinaryEvent {
    std::uint16_t index;
    bool state;
    std::uint64_t time_ms;
  };
  Fragment& binary_events(std::span<const BinaryEvent> events);
  // g32v1 32-bit analog events without time, qualifier 0x28.
  struct AnalogEvent {
    std::uint16_t index;
    std::int32_t value;
  };
  Fragment& analog_events(std::span<const AnalogEvent> events);

  const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
};

}  // namespace normwatch::tools::capgen::dnp3
