// Modbus/TCP encoder: MBAP header (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3)
// around PDUs of the Modbus Application Protocol v1.1b3 §6 (FC 1-4 reads, FC 6 and FC 16 writes)
// and §7 exception responses.
#pragma once

#include <cstdint>
#include <span>

#include "capgen/bytes.hpp"

namespace normwatch::tools::capgen::modbus {

inline constexpr std::uint16_t kPort = 502;
inline constexpr std::uint8_t kReadCoils = 1;
inline constexpr std::uint8_t kReadDiscreteInputs = 2;
inline constexpr std::uint8_t kReadHoldingRegisters = 3;
inline constexpr std::uint8_t kReadInputRegisters = 4;
inline constexpr std::uint8_t kWriteSingleRegister = 6;
inline constexpr std::uint8_t kWriteMultipleRegisters = 16;
inline constexpr std::uint8_t kIllegalDataAddress = 2;

// MBAP (transaction id, protocol id 0, length, unit id) followed by `pdu`.
Bytes adu(std::uint16_t transaction, std::uint8_t unit, ByteView pdu);

Bytes read_request(std::uint8_t function, std::uint16_t address, std::uint16_t quantity);
Bytes read_bits_response(std::uint8_t function, std::span<const bool> bits);
Bytes read_registers_response(std::uint8_t function, std::span<const std::uint16_t> registers);
// FC 6: the response echoes the request.
Bytes write_single_register(std::uint16_t address, std::uint16_t value);
Bytes write_multiple_registers_request(std::uint16_t address, std::span<const std::uint16_t> values);
Bytes write_multiple_registers_response(std::uint16_t address, std::uint16_t quantity);
Bytes exception_response(std::uint8_t function, std::uint8_t exception_code);

}  // namespace normwatch::tools::capgen::modbus
