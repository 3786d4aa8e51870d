// IEC 60870-5-104 APCI (§5) and ASDU (IEC 60870-5-101 §7) encoding.
#include "capgen/iec104_encoder.hpp"

#include <bit>

namespace normwatch::tools::capgen::iec104 {
namespace {
constexpr std::uint8_t kStart = 0x68;
constexpr std::uint16_t kSeqMask = 0x7FFF;
constexpr std::size_t kVsqAt = 1;
}  // namespace

Bytes u_frame(std::uint8_t control) { return Bytes{kStart, 4, control, 0, 0, 0}; }

Bytes s_frame(std::uint16_t receive_seq) {
  Bytes out;
  ByteWriter(out).u8(kStart).u8(4).u8(0x01).u8(0).u16le(static_cast<unsigned>(receive_seq << 1));
  return out;
}

Bytes i_frame(std::uint16_t send_seq, std::uint16_t receive_seq, ByteView asdu) {
  Bytes out;
  // The length octet counts the four control octets and the ASDU (at most 253).
  ByteWriter(out)
      .u8(kStart)
      .u8(static_cast<unsigned>(4 + asdu.size()))
      .u16le(static_cast<unsigned>(send_seq << 1))
      .u16le(static_cast<unsigned>(receive_seq << 1))
      .bytes(asdu);
  return out;
}

Bytes next_i_frame(Counters& sender, Counters& receiver, ByteView asdu) {
  Bytes out = i_frame(sender.send, sender.receive, asdu);
  sender.send = (sender.send + 1) & kSeqMask;
  receiver.receive = (receiver.receive + 1) & kSeqMask;
  return out;
}

Asdu::Asdu(std::uint8_t type, std::uint8_t cause, std::uint16_t common_address, bool negative) {
  // Type, VSQ (object count filled in as objects are added), COT with P/N bit, originator 0, CA.
  ByteWriter(bytes_).u8(type).u8(0).u8(cause | (negative ? 0x40u : 0u)).u8(0).u16le(common_address);
}

void Asdu::begin_object(std::uint32_t ioa) {
  bytes_[kVsqAt] = static_cast<std::uint8_t>(bytes_[kVsqAt] + 1);
  ByteWriter(bytes_).u24le(ioa);
}

Asdu& Asdu::interrogation(std::uint32_t ioa, std::uint8_t qualifier) {
  begin_object(ioa);
  ByteWriter(bytes_).u8(qualifier);
  return *this;
}

Asdu& Asdu::measured_float(std::uint32_t ioa, float value, std::uint8_t quality) {
  begin_object(ioa);
  ByteWriter(bytes_).u32le(std::bit_cast<std::uint32_t>(value)).u8(quality);
  return *this;
}

Asdu& Asdu::single_point(std::uint32_t ioa, bool on, std::uint8_t quality) {
  begin_object(ioa);
  ByteWriter(bytes_).u8((quality & 0xF0u) | (on ? 1u : 0u));
  return *this;
}

Asdu& Asdu::single_command(std::uint32_t ioa, bool on, bool select) {
  begin_object(ioa);
  ByteWriter(bytes_).u8((select ? 0x80u : 0u) | (on ? 1u : 0u));
  return *this;
}

}  // namespace normwatch::tools::capgen::iec104
