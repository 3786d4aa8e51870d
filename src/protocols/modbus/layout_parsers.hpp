// Private to the Modbus parser: one parse function per PDU layout (function_table.hpp), called
// through a table indexed by Layout. Each reads the bytes after the function code and records the
// first spec violation it meets, reading on where it can so that rules still see the fields.
#pragma once

#include <cstdint>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/modbus/function_table.hpp"
#include "normwatch/protocols/modbus/pdu.hpp"

namespace normwatch::protocols::modbus::detail {

// The first violation wins: it is the one the reason text names.
inline void fail(Pdu& out, Anomaly why, std::uint32_t got, std::uint32_t want = 0) {
  if (!out.malformed.present()) out.malformed = Malformation{why, got, want};
}

// True when n more bytes are there; otherwise marks the PDU truncated ("got of want bytes",
// counted over the whole PDU: the reader covers what follows the function code).
inline bool need(const core::ByteReader& r, std::size_t n, Pdu& out) {
  if (r.has(n)) return true;
  fail(out, Anomaly::truncated_pdu, static_cast<std::uint32_t>(r.size() + 1), static_cast<std::uint32_t>(r.position() + n + 1));
  return false;
}

// Two big-endian u16 fields the caller has checked are there.
inline std::uint16_t u16(core::ByteReader& r) { return r.u16be().value_or(0); }
inline std::uint8_t u8(core::ByteReader& r) { return r.u8().value_or(0); }

using LayoutParser = void (*)(core::ByteReader& r, const FunctionShape& shape, Pdu& out);

// pdu_parser.cpp: the data-access layouts (FC1-7, 11, 15, 16, 22, 23), raw and empty.
void parse_raw(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_empty(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_addr_qty(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_read_bits(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_read_registers(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_addr_value(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_status_byte(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_event_counter(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_write_bits(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_write_registers(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_mask_write(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_read_write(core::ByteReader& r, const FunctionShape& shape, Pdu& out);

// diagnostic_parsers.cpp: FC8, 12, 17, 24.
void parse_diagnostic(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_event_log(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_server_id(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_fifo_request(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_fifo_response(core::ByteReader& r, const FunctionShape& shape, Pdu& out);

// record_parsers.cpp: FC20, 21, 43, 90.
void parse_file_read_request(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_file_read_response(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_file_write(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_mei(core::ByteReader& r, const FunctionShape& shape, Pdu& out);
void parse_umas(core::ByteReader& r, const FunctionShape& shape, Pdu& out);

}  // namespace normwatch::protocols::modbus::detail
