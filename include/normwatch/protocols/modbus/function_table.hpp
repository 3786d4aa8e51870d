// Facts per Modbus function code, as one constexpr table (Modbus Application Protocol v1.1b3 §5.1
// public/user-defined/reserved codes, §6 request and response layouts and quantity limits,
// Annex A reserved codes). The parser, framer, probe and rules all read these facts from here.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace normwatch::protocols::modbus {

inline constexpr std::uint8_t kExceptionBit = 0x80;

// How the bytes after the function code are laid out, per direction (§6.x "Request"/"Response").
enum class Layout : std::uint8_t {
  raw,                 // unknown or vendor function: data kept as is
  empty,               // no data (FC7, 11, 12, 17 requests)
  addr_qty,            // address, quantity (FC1-4 requests; FC15, 16 responses)
  read_bits,           // byte count, packed bits (FC1, 2 responses)
  read_registers,      // byte count, registers (FC3, 4, 23 responses)
  addr_value,          // address, value (FC5, 6 both ways)
  diagnostic,          // sub-function, data (FC8 both ways)
  status_byte,         // one status byte (FC7 response)
  event_counter,       // status, event count (FC11 response)
  event_log,           // byte count, status, event count, message count, events (FC12 response)
  write_bits,          // address, quantity, byte count, packed bits (FC15 request)
  write_registers,     // address, quantity, byte count, registers (FC16 request)
  server_id,           // byte count, device-specific data (FC17 response)
  file_read_request,   // byte count, sub-requests of 7 bytes (FC20 request)
  file_read_response,  // byte count, sub-responses (FC20 response)
  file_write,          // byte count, sub-requests with record data (FC21 both ways)
  mask_write,          // address, AND mask, OR mask (FC22 both ways)
  read_write,          // read addr, read qty, write addr, write qty, byte count, registers (FC23 request)
  fifo_request,        // FIFO pointer address (FC24 request)
  fifo_response,       // byte count, FIFO count, registers (FC24 response)
  mei,                 // MEI type, then per type (FC43 both ways)
  umas,                // session byte, UMAS code, data (FC90, Schneider, both ways)
  kCount
};

// Bytes after the function code each layout allows; the framer uses them to judge whether an
// MBAP header is plausible while resynchronising, and the probe to judge first bytes.
struct BodySize {
  std::uint8_t min = 0;
  std::uint8_t max = 252;
};
inline constexpr std::array<BodySize, static_cast<std::size_t>(Layout::kCount)> kBodySizes{{
    {0, 252},   // raw
    {0, 0},     // empty
    {4, 4},     // addr_qty
    {2, 251},   // read_bits: byte count >= 1
    {3, 251},   // read_registers: byte count >= 2
    {4, 4},     // addr_value
    {2, 252},   // diagnostic
    {1, 1},     // status_byte
    {4, 4},     // event_counter
    {7, 71},    // event_log: byte count 6 + 0..64 event bytes
    {6, 251},   // write_bits
    {7, 251},   // write_registers
    {1, 252},   // server_id
    {8, 246},   // file_read_request: byte count 0x07..0xF5
    {3, 246},   // file_read_response
    {10, 252},  // file_write: byte count 0x09..0xFB
    {6, 6},     // mask_write
    {11, 252},  // read_write
    {2, 2},     // fifo_request
    {4, 66},    // fifo_response: 2 + 2 + 31 registers
    {1, 252},   // mei
    {2, 252},   // umas
}};
constexpr BodySize body_size(Layout layout) { return kBodySizes[static_cast<std::size_t>(layout)]; }

// §5.1: public codes are defined by the spec, user-defined ranges 65-72 and 100-110 are free for
// vendors, Annex A reserves 9, 10, 13, 14, 41, 42, 90, 91, 125-127 for legacy products (UMAS is
// 90). Everything else, and 0, is unassigned.
enum class FunctionClass : std::uint8_t { unassigned, public_code, user_defined, reserved };

// What the function does (the policy vocabulary of NORMS-AND-RULES.md §3.2).
enum class FunctionCategory : std::uint8_t { other, read, write, diagnostic, identify, file, program };

struct FunctionShape {
  std::string_view name;
  FunctionClass cls = FunctionClass::unassigned;
  FunctionCategory category = FunctionCategory::other;
  Layout request = Layout::raw;
  Layout response = Layout::raw;
  std::uint16_t max_quantity = 0;        // spec limit of the (read) quantity; 0 = no quantity
  std::uint16_t max_write_quantity = 0;  // FC23's write quantity
  bool bits = false;                     // quantities count single bits (coils, inputs)
};

namespace detail {
constexpr std::array<FunctionShape, 128> make_function_table() {
  std::array<FunctionShape, 128> t{};
  using L = Layout;
  using C = FunctionCategory;
  const auto set = [&t](std::uint8_t fc, FunctionShape s) { t[fc] = s; };
  const auto pub = FunctionClass::public_code;
  set(1, {"read_coils", pub, C::read, L::addr_qty, L::read_bits, 2000, 0, true});
  set(2, {"read_discrete_inputs", pub, C::read, L::addr_qty, L::read_bits, 2000, 0, true});
  set(3, {"read_holding_registers", pub, C::read, L::addr_qty, L::read_registers, 125, 0, false});
  set(4, {"read_input_registers", pub, C::read, L::addr_qty, L::read_registers, 125, 0, false});
  set(5, {"write_single_coil", pub, C::write, L::addr_value, L::addr_value, 0, 0, true});
  set(6, {"write_single_register", pub, C::write, L::addr_value, L::addr_value, 0, 0, false});
  set(7, {"read_exception_status", pub, C::read, L::empty, L::status_byte, 0, 0, false});
  set(8, {"diagnostics", pub, C::diagnostic, L::diagnostic, L::diagnostic, 0, 0, false});
  set(11, {"get_comm_event_counter", pub, C::diagnostic, L::empty, L::event_counter, 0, 0, false});
  set(12, {"get_comm_event_log", pub, C::diagnostic, L::empty, L::event_log, 0, 0, false});
  set(15, {"write_multiple_coils", pub, C::write, L::write_bits, L::addr_qty, 1968, 0, true});
  set(16, {"write_multiple_registers", pub, C::write, L::write_registers, L::addr_qty, 123, 0, false});
  set(17, {"report_server_id", pub, C::identify, L::empty, L::server_id, 0, 0, false});
  set(20, {"read_file_record", pub, C::file, L::file_read_request, L::file_read_response, 0, 0, false});
  set(21, {"write_file_record", pub, C::file, L::file_write, L::file_write, 0, 0, false});
  set(22, {"mask_write_register", pub, C::write, L::mask_write, L::mask_write, 0, 0, false});
  set(23, {"read_write_multiple_registers", pub, C::write, L::read_write, L::read_registers, 125, 121, false});
  set(24, {"read_fifo_queue", pub, C::read, L::fifo_request, L::fifo_response, 0, 0, false});
  set(43, {"encapsulated_interface_transport", pub, C::identify, L::mei, L::mei, 0, 0, false});
  for (std::uint8_t fc : {9, 10, 13, 14, 41, 42, 91, 125, 126, 127}) {
    set(fc, {"reserved", FunctionClass::reserved, C::other, L::raw, L::raw, 0, 0, false});
  }
  set(90, {"schneider_umas", FunctionClass::reserved, C::program, L::umas, L::umas, 0, 0, false});
  for (int fc = 65; fc <= 72; ++fc) {
    set(static_cast<std::uint8_t>(fc), {"user_defined", FunctionClass::user_defined, C::other, L::raw, L::raw, 0, 0, false});
  }
  for (int fc = 100; fc <= 110; ++fc) {
    set(static_cast<std::uint8_t>(fc), {"user_defined", FunctionClass::user_defined, C::other, L::raw, L::raw, 0, 0, false});
  }
  for (auto& s : t) {
    if (s.name.empty()) s.name = "unassigned";
  }
  return t;
}
}  // namespace detail

inline constexpr std::array<FunctionShape, 128> kFunctionTable = detail::make_function_table();

// Facts for a function code; the exception bit is ignored (0x83 -> FC3).
constexpr const FunctionShape& function_shape(std::uint8_t function_code) {
  return kFunctionTable[function_code & 0x7F];
}

// Exception codes §7: 1-6, 8, 10, 11 (7 "negative acknowledge" from the legacy program functions).
constexpr bool is_defined_exception_code(std::uint8_t code) {
  return (code >= 1 && code <= 8) || code == 10 || code == 11;
}

// FC8 sub-functions §6.8: 0x00-0x04, 0x0A-0x12 and 0x14 are defined; the rest are reserved.
constexpr bool is_defined_diagnostic(std::uint16_t sub) {
  return sub <= 0x04 || (sub >= 0x0A && sub <= 0x12) || sub == 0x14;
}

// FC43 MEI types §6.19-6.21: 13 CANopen general reference, 14 read device identification.
inline constexpr std::uint8_t kMeiCanopen = 13;
inline constexpr std::uint8_t kMeiReadDeviceId = 14;

}  // namespace normwatch::protocols::modbus
