// Modbus PDU and MBAP encoding (Modbus Application Protocol v1.1b3 §6-7; Messaging on TCP/IP §3).
#include "capgen/modbus_encoder.hpp"

namespace normwatch::tools::capgen::modbus {

Bytes adu(std::uint16_t transaction, std::uint8_t unit, ByteView pdu) {
  Bytes out;
  out.reserve(7 + pdu.size());
  // The length field counts the unit id and the PDU.
  ByteWriter(out).u16be(transaction).u16be(0).u16be(static_cast<unsigned>(pdu.size() + 1)).u8(unit).bytes(pdu);
  return out;
}

Bytes read_request(std::uint8_t function, std::uint16_t address, std::uint16_t quantity) {
  Bytes out;
  ByteWriter(out).u8(function).u16be(address).u16be(quantity);
  return out;
}

Bytes read_bits_response(std::uint8_t function, std::span<const bool> bits) {
  Bytes out;
  const std::size_t byte_count = (bits.size() + 7) / 8;
  ByteWriter(out).u8(function).u8(static_cast<unsigned>(byte_count)).fill(byte_count, 0);
  // Coil i is bit (i % 8) of data byte (i / 8), LSB first (§6.1).
  for (std::size_t i = 0; i < bits.size(); ++i) {
    if (bits[i]) out[2 + i / 8] = static_cast<std::uint8_t>(out[2 + i / 8] | (1u << (i % 8)));
  }
  return out;
}

Bytes read_registers_response(std::uint8_t function, std::span<const std::uint16_t> registers) {
  Bytes out;
  ByteWriter w(out);
  w.u8(function).u8(static_cast<unsigned>(registers.size() * 2));
  for (std::uint16_t r : registers) w.u16be(r);
  return out;
}

Bytes write_single_register(std::uint16_t address, std::uint16_t value) {
  Bytes out;
  ByteWriter(out).u8(kWriteSingleRegister).u16be(address).u16be(value);
  return out;
}

Bytes write_multiple_registers_request(std::uint16_t address, std::span<const std::uint16_t> values) {
  Bytes out;
  ByteWriter w(out);
  w.u8(kWriteMultipleRegisters).u16be(address).u16be(static_cast<unsigned>(values.size()));
  w.u8(static_cast<unsigned>(values.size() * 2));
  for (std::uint16_t v : values) w.u16be(v);
  return out;
}

Bytes write_multiple_registers_response(std::uint16_t address, std::uint16_t quantity) {
  Bytes out;
  ByteWriter(out).u8(kWriteMultipleRegisters).u16be(address).u16be(quantity);
  return out;
}

Bytes exception_response(std::uint8_t function, std::uint8_t exception_code) {
  Bytes out;
  ByteWriter(out).u8(function | 0x80u).u8(exception_code);
  return out;
}

}  // namespace normwatch::tools::capgen::modbus
