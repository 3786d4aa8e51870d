// Typed DNP3 PDUs (IEEE 1815-2012): link header (clause 9.2), transport header (clause 8.2),
// application header, object headers and the control/time objects rules look at (clause 4 and
// annex A). Views (core::Bytes, spans) point into the bytes being parsed or the session's storage
// and live for the duration of the parse call or the PduSink callback.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/core/field_writer.hpp"
#include "normwatch/protocols/common/protocol_id.hpp"
#include "normwatch/protocols/dnp3/anomaly.hpp"

namespace normwatch::protocols::dnp3 {

// ---- Link layer -------------------------------------------------------------------------------
inline constexpr std::uint8_t kStartByte0 = 0x05;
inline constexpr std::uint8_t kStartByte1 = 0x64;
inline constexpr std::size_t kLinkHeaderSize = 10;      // start(2) len ctrl dst(2) src(2) crc(2)
inline constexpr std::size_t kLinkBlockSize = 16;       // user data bytes per CRC-protected block
inline constexpr std::uint8_t kMinLinkLength = 5;       // LEN counts ctrl + addresses + user data
inline constexpr std::size_t kMaxUserData = 250;        // 255 - 5
inline constexpr std::size_t kMaxLinkFrameSize = 292;   // 10 + 250 + 2 * 16

// Whole frame size for a LEN field: 10 + n + 2 * ceil(n / 16) with n = LEN - 5.
constexpr std::size_t link_frame_size(std::uint8_t length) {
  const std::size_t user = length >= kMinLinkLength ? static_cast<std::size_t>(length - kMinLinkLength) : 0;
  return kLinkHeaderSize + user + 2 * ((user + kLinkBlockSize - 1) / kLinkBlockSize);
}

struct LinkHeader {
  std::uint8_t length = 0;
  std::uint8_t control = 0;
  std::uint16_t destination = 0;
  std::uint16_t source = 0;

  bool dir() const { return (control & 0x80) != 0; }   // 1: sent by the master
  bool prm() const { return (control & 0x40) != 0; }   // 1: primary (initiating) frame
  bool fcb() const { return prm() && (control & 0x20) != 0; }
  bool fcv() const { return prm() && (control & 0x10) != 0; }
  bool dfc() const { return !prm() && (control & 0x10) != 0; }
  std::uint8_t function() const { return control & 0x0F; }
  std::size_t user_data_size() const { return length >= kMinLinkLength ? length - kMinLinkLength : 0; }
};

// ---- Transport layer --------------------------------------------------------------------------
struct TransportHeader {
  bool fin = false;
  bool fir = false;
  std::uint8_t seq = 0;  // 6 bits, rolls over 63 -> 0

  static constexpr TransportHeader from_byte(std::uint8_t b) {
    return TransportHeader{(b & 0x80) != 0, (b & 0x40) != 0, static_cast<std::uint8_t>(b & 0x3F)};
  }
};

// ---- Application layer ------------------------------------------------------------------------
namespace fc {
inline constexpr std::uint8_t kConfirm = 0x00;
inline constexpr std::uint8_t kRead = 0x01;
inline constexpr std::uint8_t kWrite = 0x02;
inline constexpr std::uint8_t kSelect = 0x03;
inline constexpr std::uint8_t kOperate = 0x04;
inline constexpr std::uint8_t kDirectOperate = 0x05;
inline constexpr std::uint8_t kDirectOperateNoAck = 0x06;
inline constexpr std::uint8_t kColdRestart = 0x0D;
inline constexpr std::uint8_t kWarmRestart = 0x0E;
inline constexpr std::uint8_t kAuthRequest = 0x20;
inline constexpr std::uint8_t kAuthRequestNoAck = 0x21;
inline constexpr std::uint8_t kResponse = 0x81;
inline constexpr std::uint8_t kUnsolicitedResponse = 0x82;
inline constexpr std::uint8_t kAuthResponse = 0x83;
}  // namespace fc

// Internal indications as one 16-bit value, IIN1 in the high byte (Wireshark's dnp3.al.iin).
namespace iin {
inline constexpr std::uint16_t kBroadcast = 0x0100;
inline constexpr std::uint16_t kClass1Events = 0x0200;
inline constexpr std::uint16_t kClass2Events = 0x0400;
inline constexpr std::uint16_t kClass3Events = 0x0800;
inline constexpr std::uint16_t kNeedTime = 0x1000;
inline constexpr std::uint16_t kLocalControl = 0x2000;
inline constexpr std::uint16_t kDeviceTrouble = 0x4000;
inline constexpr std::uint16_t kDeviceRestart = 0x8000;
inline constexpr std::uint16_t kNoFunctionSupport = 0x0001;
inline constexpr std::uint16_t kObjectUnknown = 0x0002;
inline constexpr std::uint16_t kParameterError = 0x0004;
inline constexpr std::uint16_t kEventBufferOverflow = 0x0008;
inline constexpr std::uint16_t kAlreadyExecuting = 0x0010;
inline constexpr std::uint16_t kConfigCorrupt = 0x0020;
}  // namespace iin

struct AppControl {
  bool fir = false;
  bool fin = false;
  bool con = false;
  bool uns = false;
  std::uint8_t seq = 0;  // 4 bits

  static constexpr AppControl from_byte(std::uint8_t b) {
    return AppControl{(b & 0x80) != 0, (b & 0x40) != 0, (b & 0x20) != 0, (b & 0x10) != 0,
                      static_cast<std::uint8_t>(b & 0x0F)};
  }
};

// One object header (clause 4.2.2.7 - 4.2.2.10). Qualifier: bit 7 reserved, bits 4-6 prefix
// code (0 none, 1-3 index of 1/2/4 bytes, 4-6 object size of 1/2/4 bytes), bits 0-3 range code
// (0-2 start/stop of 1/2/4 bytes, 3-5 virtual-address start/stop of 1/2/4 bytes, 6 none ("all"),
// 7-9 count of 1/2/4 bytes, 0xB variable format: 1-byte count of size-prefixed objects).
struct ObjectHeader {
  std::uint8_t group = 0;
  std::uint8_t variation = 0;
  std::uint8_t qualifier = 0;
  std::uint32_t start = 0;       // range codes 0x0-0x5 only
  std::uint32_t stop = 0;
  std::uint64_t count = 0;       // objects in the header; 0 for range code 0x6 ("all")
  std::uint8_t prefix_size = 0;  // bytes of index or size prefix before each object
  std::uint16_t object_size = 0; // bytes per object for fixed-size objects, else 0
  core::Bytes data;              // the header's prefixes and objects (empty for headers without data)

  std::uint8_t prefix_code() const { return (qualifier >> 4) & 0x07; }
  std::uint8_t range_code() const { return qualifier & 0x0F; }
  bool has_start_stop() const { return range_code() <= 0x05; }
  bool index_prefixed() const { return prefix_code() >= 1 && prefix_code() <= 3; }
  bool size_prefixed() const { return prefix_code() >= 4 && prefix_code() <= 6; }
};

// g12v1 control relay output block / g12v2 pattern control block (annex A.8/A.9).
struct ControlRelayOutput {
  std::uint32_t index = 0;        // point index (prefix, or start + position)
  std::uint8_t variation = 1;
  std::uint8_t control_code = 0;  // bits 0-3 operation type, 4 queue, 5 clear, 6-7 trip/close
  std::uint8_t count = 0;
  std::uint32_t on_time_ms = 0;
  std::uint32_t off_time_ms = 0;
  std::uint8_t status = 0;        // bits 0-6 command status (0 success)

  std::uint8_t op_type() const { return control_code & 0x0F; }  // 1 pulse on, 2 pulse off, 3 latch on, 4 latch off
  bool queue() const { return (control_code & 0x10) != 0; }
  bool clear() const { return (control_code & 0x20) != 0; }
  std::uint8_t trip_close() const { return static_cast<std::uint8_t>(control_code >> 6); }  // 1 close, 2 trip
  std::uint8_t status_code() const { return status & 0x7F; }
};

// g41v1..v4 analog output block (annex A.21): value then command status.
struct AnalogOutputCommand {
  std::uint32_t index = 0;
  std::uint8_t variation = 0;     // 1 int32, 2 int16, 3 float32, 4 float64
  bool is_float = false;
  std::int32_t int_value = 0;     // v1/v2
  double value = 0.0;             // every variation, widened
  std::uint8_t status = 0;
};

// g50 time and date (v1 absolute, v2 with interval, v3 at last recorded time, v4 indexed with
// long interval) and g51 common time of occurrence (v1 synchronised, v2 unsynchronised).
struct TimeObject {
  std::uint32_t index = 0;
  std::uint8_t group = 0;
  std::uint8_t variation = 0;
  std::uint64_t ms_since_epoch = 0;  // 48-bit DNP3 time, UTC milliseconds
  std::uint32_t interval = 0;        // g50v2 (ms) and g50v4 (count of interval_units)
  std::uint8_t interval_units = 0;   // g50v4 only
};

struct AppFragment {
  AppControl control;
  std::uint8_t function = 0;
  bool has_iin = false;            // responses (129, 130, 131)
  std::uint16_t iin = 0;           // IIN1 << 8 | IIN2
  bool secure_auth = false;        // SA function (0x20, 0x21, 0x83) or a g120 object
  Anomaly error = Anomaly::none;   // why object walking stopped (objects holds what was found)
  bool decoded_truncated = false;  // more control/time objects than their storage
  std::size_t size = 0;            // fragment bytes
  std::span<const ObjectHeader> objects;
  std::span<const ControlRelayOutput> controls;
  std::span<const AnalogOutputCommand> analog_outputs;
  std::span<const TimeObject> times;

  bool is_response() const { return function >= fc::kResponse && function <= fc::kAuthResponse; }
};

// What the session reports: a link frame without user data (has_app false), or an application
// fragment with the link header of the frame that completed it.
struct Pdu {
  static constexpr ProtocolId kProtocol = ProtocolId::dnp3;

  LinkHeader link;
  bool has_app = false;
  AppFragment app;
  std::int16_t request_function = -1;  // a response paired with its request: the request's code
};

// decode-jsonl.md keys: "link" {src,dst,dir,prm,fc} and, for fragments, "app".
void describe(const Pdu& pdu, core::FieldWriter& out);

}  // namespace normwatch::protocols::dnp3
