// IEC 60870-5-104 encoder: APCI I/S/U frames (IEC 60870-5-104 §5.1-5.3) and ASDUs in the
// 104 profile (2-octet cause of transmission, 2-octet common address, 3-octet information
// object address; IEC 60870-5-101 §7.2) for the types the scenarios use.
#pragma once

#include <cstdint>

#include "capgen/bytes.hpp"

namespace normwatch::tools::capgen::iec104 {

inline constexpr std::uint16_t kPort = 2404;

// U-frame control octet 1 (§5.3).
inline constexpr std::uint8_t kStartDtAct = 0x07;
inline constexpr std::uint8_t kStartDtCon = 0x0B;
inline constexpr std::uint8_t kStopDtAct = 0x13;
inline constexpr std::uint8_t kStopDtCon = 0x23;
inline constexpr std::uint8_t kTestFrAct = 0x43;
inline constexpr std::uint8_t kTestFrCon = 0x83;

// Type identifications (IEC 60870-5-101 §7.2.1.1).
inline constexpr std::uint8_t kMSpNa1 = 1;    // single-point information
inline constexpr std::uint8_t kMMeNc1 = 13;   // measured value, short floating point
inline constexpr std::uint8_t kCScNa1 = 45;   // single command
inline constexpr std::uint8_t kCIcNa1 = 100;  // interrogation command

// Causes of transmission (§7.2.3).
inline constexpr std::uint8_t kCotSpontaneous = 3;
inline constexpr std::uint8_t kCotActivation = 6;
inline constexpr std::uint8_t kCotActivationCon = 7;
inline constexpr std::uint8_t kCotActivationTerm = 10;
inline constexpr std::uint8_t kCotInterrogated = 20;

Bytes u_frame(std::uint8_t control);
Bytes s_frame(std::uint16_t receive_seq);
Bytes i_frame(std::uint16_t send_seq, std::uint16_t receive_seq, ByteView asdu);

// One station's sequence state: V(S), the next send number, and V(R), the I-frames received.
struct Counters {
  std::uint16_t send = 0;
  std::uint16_t receive = 0;
};
// The next I-frame from `sender` to `receiver`; advances both (15-bit numbers wrap at 32768).
Bytes next_i_frame(Counters& sender, Counters& receiver, ByteView asdu);

// An ASDU with information objects of one type (SQ = 0: each object carries its own address).
class Asdu {
 public:
  Asdu(std::uint8_t type, std::uint8_t cause, std::uint16_t common_address, bool negative = false);

  Asdu& interrogation(std::uint32_t ioa, std::uint8_t qualifier);              // C_IC_NA_1: QOI
  Asdu& measured_float(std::uint32_t ioa, float value, std::uint8_t quality);  // M_ME_NC_1
  Asdu& single_point(std::uint32_t ioa, bool on, std::uint8_t quality);        // M_SP_NA_1: SIQ
  Asdu& single_command(std::uint32_t ioa, bool on, bool select);               // C_SC_NA_1: SCO

  const Bytes& bytes() const { return bytes_; }

 private:
  void begin_object(std::uint32_t ioa);
  Bytes bytes_;
};

}  // namespace normwatch::tools::capgen::iec104
