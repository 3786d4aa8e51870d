// DNP3 application fragments (IEEE 1815-2012 §4.2): request/response headers with IIN, object
// headers with qualifiers 0x00/0x01/0x06/0x28 (§4.2.2.7), and the object encodings of g1v2,
// g2v2, g30v1 and g32v1 (Volume 6 object library: flags octet, then value little-endian).
#include "capgen/dnp3_encoder.hpp"

namespace normwatch::tools::capgen::dnp3 {
namespace {
constexpr std::uint8_t kFlagOnline = 0x01;
constexpr std::uint8_t kFlagState = 0x80;  // binary input state bit in g1v2/g2v2 flags
}  // namespace

Fragment Fragment::request(std::uint8_t control, std::uint8_t function) {
  Fragment f;
  ByteWriter(f.bytes_).u8(control).u8(function);
  return f;
}

Fragment Fragment::response(std::uint8_t control, std::uint8_t function, std::uint8_t iin1, std::uint8_t iin2) {
  Fragment f;
  ByteWriter(f.bytes_).u8(control).u8(function).u8(iin1).u8(iin2);
  return f;
}

Fragment& Fragment::all_objects(std::uint8_t group, std::uint8_t variation) {
  ByteWriter(bytes_).u8(group).u8(variation).u8(0x06);
  return *this;
}

Fragment& Fragment::binary_inputs(std::uint8_t start, std::span<const bool> states) {
  ByteWriter w(bytes_);
  w.u8(1).u8(2).u8(0x00).u8(start).u8(static_cast<unsigned>(start + states.size() - 1));
  for (bool s : states) w.u8(kFlagOnline | (s ? kFlagState : 0));
  return *this;
}

Fragment& Fragment::analog_inputs(std::uint16_t start, std::span<const std::int32_t> values) {
  ByteWriter w(bytes_);
  w.u8(30).u8(1).u8(0x01).u16le(start).u16le(static_cast<unsigned>(start + values.size() - 1));
  for (std::int32_t v : values) w.u8(kFlagOnline).u32le(static_cast<std::uint32_t>(v));
  return *this;
}

Fragment& Fragment::binary_events(std::span<const BinaryEvent> events) {
  ByteWriter w(bytes_);
  w.u8(2).u8(2).u8(0x28).u16le(static_cast<unsigned>(events.size()));
  for (const BinaryEvent& e : events) {
    w.u16le(e.index).u8(kFlagOnline | (e.state ? kFlagState : 0));
    // DNP3 time: 48-bit milliseconds since 1970-01-01 UTC.
    w.u32le(static_cast<std::uint32_t>(e.time_ms)).u16le(static_cast<unsigned>((e.time_ms >> 32) & 0xFFFF));
  }
  return *this;
}

Fragment& Fragment::analog_events(std::span<const AnalogEvent> events) {
  ByteWriter w(bytes_);
  w.u8(32).u8(1).u8(0x28).u16le(static_cast<unsigned>(events.size()));
  for (const AnalogEvent& e : events) w.u16le(e.index).u8(kFlagOnline).u32le(static_cast<std::uint32_t>(e.value));
  return *this;
}

}  // namespace normwatch::tools::capgen::dnp3
