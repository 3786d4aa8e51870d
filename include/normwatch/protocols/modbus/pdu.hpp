// Typed Modbus/TCP PDU: the MBAP header (TCP implementation guide §3.1.3) and every field of the
// public functions (Modbus Application Protocol v1.1b3 §6), with views over written and read
// values for rules. Spans point into the frame and live for the duration of the sink callback.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/core/field_writer.hpp"
#include "normwatch/protocols/common/protocol_id.hpp"
#include "normwatch/protocols/modbus/anomaly.hpp"
#include "normwatch/protocols/modbus/function_table.hpp"

namespace normwatch::protocols::modbus {

inline constexpr std::size_t kMbapSize = 7;            // transaction, protocol, length, unit
inline constexpr std::uint16_t kMinMbapLength = 2;     // unit id + function code
inline constexpr std::uint16_t kMaxMbapLength = 254;   // unit id + 253-byte PDU (260-byte ADU)

enum class Direction : std::uint8_t { request, response };

struct Mbap {
  std::uint16_t transaction_id = 0;
  std::uint16_t protocol_id = 0;
  std::uint16_t length = 0;   // bytes that follow: unit id + PDU
  std::uint8_t unit_id = 0;
};

// Why a PDU is malformed: the anomaly plus the two numbers its reason text quotes
// ("qty 0 not in 1..125" is {bad_quantity, 0, 125}). `reason == kCount` means well formed.
struct Malformation {
  Anomaly reason = Anomaly::kCount;
  std::uint32_t got = 0;
  std::uint32_t want = 0;
  bool present() const { return reason != Anomaly::kCount; }
};

// Big-endian 16-bit registers (FC3/4/6/16/23/24 values).
class RegisterView {
 public:
  RegisterView() = default;
  explicit RegisterView(core::Bytes bytes) : bytes_(bytes.first(bytes.size() / 2 * 2)) {}
  std::size_t size() const { return bytes_.size() / 2; }
  bool empty() const { return bytes_.empty(); }
  std::uint16_t operator[](std::size_t i) const { return core::load_u16be(bytes_, 2 * i); }
  core::Bytes bytes() const { return bytes_; }

  class Iterator {
   public:
    Iterator(const RegisterView* view, std::size_t i) : view_(view), i_(i) {}
    std::uint16_t operator*() const { return (*view_)[i_]; }
    Iterator& operator++() { ++i_; return *this; }
    bool operator==(const Iterator& other) const { return i_ == other.i_; }
   private:
    const RegisterView* view_;
    std::size_t i_;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, size()}; }

 private:
  core::Bytes bytes_;
};

// Packed bits, least significant bit of the first byte first (§6.1, §6.11). FC5's value is seen
// as one bit: 0xFF00 has bit 0 of its first byte set.
class BitView {
 public:
  BitView() = default;
  BitView(core::Bytes bytes, std::size_t count) : bytes_(bytes), count_(count < bytes.size() * 8 ? count : bytes.size() * 8) {}
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  bool operator[](std::size_t i) const { return ((static_cast<unsigned>(bytes_[i / 8]) >> (i % 8)) & 1U) != 0; }
  core::Bytes bytes() const { return bytes_; }

 private:
  core::Bytes bytes_;
  std::size_t count_ = 0;
};

// FC20/21 file record (§6.14, §6.15). FC20 sub-responses carry no file/record number.
struct FileRecord {
  std::uint8_t reference_type = 0;
  std::uint16_t file_number = 0;
  std::uint16_t record_number = 0;
  std::uint16_t record_length = 0;  // in registers
  RegisterView data;                // FC21 and FC20 responses
};

// Iterates the records of a FC20/21 PDU that parsed cleanly (stops early on malformed bytes).
class FileRecordView {
 public:
  enum class Kind : std::uint8_t { read_request, read_response, write };
  FileRecordView() = default;
  FileRecordView(core::Bytes bytes, Kind kind) : bytes_(bytes), kind_(kind) {}
  // Reads the record at `offset`; returns the next offset, or nullopt at the end.
  std::optional<std::size_t> next(std::size_t offset, FileRecord& out) const;
  std::size_t count() const;

 private:
  core::Bytes bytes_;
  Kind kind_ = Kind::read_request;
};

// FC43/14 device identification object (§6.21): id and value bytes (usually ASCII).
struct DeviceObject {
  std::uint8_t id = 0;
  core::Bytes value;
};

class DeviceObjectView {
 public:
  DeviceObjectView() = default;
  explicit DeviceObjectView(core::Bytes bytes) : bytes_(bytes) {}
  std::optional<std::size_t> next(std::size_t offset, DeviceObject& out) const;
  std::size_t count() const;

 private:
  core::Bytes bytes_;
};

// Which decoded fields a PDU has.
enum Field : std::uint32_t {
  kFieldAddress = 1U << 0,
  kFieldQuantity = 1U << 1,
  kFieldWriteAddress = 1U << 2,
  kFieldWriteQuantity = 1U << 3,
  kFieldSub = 1U << 4,            // FC8 sub-function, FC43 MEI type, FC90 UMAS code
  kFieldValue = 1U << 5,          // FC5/6 value
  kFieldMasks = 1U << 6,          // FC22 AND/OR masks
  kFieldByteCount = 1U << 7,
  kFieldStatus = 1U << 8,         // FC7 status byte, FC11/12 status word
  kFieldEventCount = 1U << 9,     // FC11/12
  kFieldMessageCount = 1U << 10,  // FC12
  kFieldFifoCount = 1U << 11,     // FC24
  kFieldDeviceIdRequest = 1U << 12,   // FC43/14 read device id code, object id
  kFieldDeviceIdResponse = 1U << 13,  // + conformity, more follows, next object, object count
  kFieldUmasSession = 1U << 14,   // FC90 session byte
};

enum class ValueKind : std::uint8_t { none, bits, registers };

// A response's request, copied in by the session when it pairs them (icsnpp-modbus#14: a
// response without its request's address cannot be attributed).
struct RequestInfo {
  bool paired = false;
  std::uint32_t present = 0;  // kFieldAddress, kFieldQuantity, kFieldWriteAddress, ... of the request
  std::uint16_t address = 0;
  std::uint16_t quantity = 0;
  std::uint16_t write_address = 0;
  std::uint16_t write_quantity = 0;
  std::uint16_t sub = 0;
  std::uint64_t frame_no = 0;
};

struct Pdu {
  static constexpr ProtocolId kProtocol = ProtocolId::modbus;

  Mbap mbap;
  Direction direction = Direction::request;
  std::uint8_t function = 0;        // raw byte, exception bit included
  std::uint8_t exception_code = 0;  // exception responses only
  core::Bytes body;                 // bytes after the function code

  std::uint32_t present = 0;        // Field bits
  std::uint16_t address = 0;        // start address; FC23 read address; FC24 FIFO pointer
  std::uint16_t quantity = 0;       // FC23 read quantity
  std::uint16_t write_address = 0;
  std::uint16_t write_quantity = 0;
  std::uint16_t sub = 0;
  std::uint16_t value = 0;
  std::uint16_t and_mask = 0;
  std::uint16_t or_mask = 0;
  std::uint16_t byte_count = 0;
  std::uint16_t status = 0;
  std::uint16_t event_count = 0;
  std::uint16_t message_count = 0;
  std::uint16_t fifo_count = 0;
  std::uint8_t umas_session = 0;
  std::uint8_t read_device_id_code = 0;
  std::uint8_t object_id = 0;       // request: first object wanted
  std::uint8_t conformity_level = 0;
  std::uint8_t more_follows = 0;
  std::uint8_t next_object_id = 0;
  std::uint8_t object_count = 0;

  ValueKind value_kind = ValueKind::none;
  std::uint16_t value_count = 0;    // bits: number of bits; registers: number of registers
  core::Bytes values;               // coils/registers written (requests) or read (responses)
  core::Bytes data;                 // FC8 data, FC12 events, FC17 and FC43/13 data, records,
                                    // objects, UMAS data, raw data of unknown functions

  Malformation malformed;
  Anomaly note = Anomaly::kCount;   // unassigned function / reserved sub-function, else kCount
  RequestInfo request;              // responses: the paired request

  std::uint8_t fc() const { return static_cast<std::uint8_t>(function & 0x7F); }
  bool is_response() const { return direction == Direction::response; }
  bool is_exception() const { return (function & kExceptionBit) != 0; }
  bool has(std::uint32_t field) const { return (present & field) != 0; }
  const FunctionShape& shape() const { return function_shape(function); }
  // A request of the write category (FC5, 6, 15, 16, 22, 23). FC21 file writes and UMAS are in
  // the file and program categories (shape().category).
  bool is_write() const { return direction == Direction::request && shape().category == FunctionCategory::write; }

  // Address and quantity of the data concerned: the PDU's own, else (responses) its request's.
  std::optional<std::uint16_t> start_address() const { return own_or_request(kFieldAddress, address, request.address); }
  std::optional<std::uint16_t> count() const { return own_or_request(kFieldQuantity, quantity, request.quantity); }
  std::optional<std::uint16_t> write_start_address() const {
    return own_or_request(kFieldWriteAddress, write_address, request.write_address);
  }
  std::optional<std::uint16_t> write_count() const {
    return own_or_request(kFieldWriteQuantity, write_quantity, request.write_quantity);
  }
  std::optional<std::uint16_t> sub_function() const { return own_or_request(kFieldSub, sub, request.sub); }

  // Registers written (FC6, 16, 23 requests) or read (FC3, 4, 23, 24 responses).
  RegisterView registers() const { return value_kind == ValueKind::registers ? RegisterView(values) : RegisterView(); }
  // Coils written (FC5, 15 requests) or bits read (FC1, 2 responses; all bits of the byte count
  // until the response is paired with its request's quantity).
  BitView bits() const { return value_kind == ValueKind::bits ? BitView(values, value_count) : BitView(); }
  FileRecordView file_records() const;
  DeviceObjectView device_objects() const {
    return has(kFieldDeviceIdResponse) ? DeviceObjectView(data) : DeviceObjectView();
  }

 private:
  std::optional<std::uint16_t> own_or_request(std::uint32_t field, std::uint16_t own, std::uint16_t requested) const {
    if (has(field)) return own;
    if (request.paired && (request.present & field) != 0) return requested;
    return std::nullopt;
  }
};

// The keys of decode-jsonl.md for Modbus (tid, unit, fc, response, exception, addr, qty, waddr,
// wqty, sub); found by argument-dependent lookup from make_pdu_record.
void describe(const Pdu& pdu, core::FieldWriter& out);

}  // namespace normwatch::protocols::modbus
