// The pure Modbus parser: MBAP header (TCP implementation guide §3.1.3) and PDU per function
// layout (Modbus Application Protocol v1.1b3 §6), plus the MBAP framer used by FrameAssembler.
// Nothing here allocates or keeps state; the Pdu's spans point into the bytes given.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/common/framing.hpp"
#include "normwatch/protocols/modbus/pdu.hpp"

namespace normwatch::protocols::modbus {

// The first 7 bytes as an MBAP header, or nullopt when fewer are given.
std::optional<Mbap> read_mbap(core::Bytes bytes);

// Parses one whole ADU (MBAP header + PDU) as sent in `direction`. It never rejects: a PDU that
// breaks the spec comes back with `malformed` set and every field that could be read, so that the
// session still reports it (Zeek #3211: parsers that stop on violations go blind). An exception
// function code (bit 7 set) is always parsed as a response.
Pdu parse_adu(core::Bytes adu, Direction direction);
// The same into a caller's Pdu (reset first): the session's hot path, which keeps one Pdu per
// ADU on its stack instead of copying a returned one through its role checks.
void parse_adu(core::Bytes adu, Direction direction, Pdu& out);

// The PDU part only (function code first); `out.mbap` is left as it is.
void parse_pdu(core::Bytes pdu, Direction direction, Pdu& out);

// Short reason text for a malformation ("qty 0 not in 1..125"), written into `buffer`.
std::string_view format_malformation(const Malformation& malformation, std::span<char> buffer);

// ---- framing ---------------------------------------------------------------------------------

// in_sync: the bytes are expected to start at a frame boundary; a header needs protocol id 0 and
// a length in 2..tolerated_length. resync: after a gap or invalid bytes, a header must also have
// a length within the spec (2..254) and a function code and PDU size the function table allows.
enum class FramingMode : std::uint8_t { in_sync, resync };

struct FramerLimits {
  // MBAP lengths above the spec's 254 and up to this are still framed by their length in sync
  // and reported as malformed PDUs (Schneider UMAS sends 255, see nDPI's umas.pcap), so traffic
  // stays visible; longer ones are not believed and the framer resynchronises.
  std::uint16_t tolerated_length = 260;
};

// The framer FrameAssembler drives: complete(7 + length - 1 + ...) for a whole ADU, need_more,
// or invalid("modbus.bad_protocol_id" / "modbus.bad_length" / "modbus.resync").
FrameVerdict frame_mbap(core::Bytes available, FramingMode mode, const FramerLimits& limits);

// True exactly when frame_mbap(bytes, in_sync, limits) finds one complete ADU that is all of
// `bytes`: the poller's usual segment, checked in the session's hot path without building a
// verdict. (A length of at least 2 makes the ADU at least 8 bytes.)
inline bool is_one_adu(core::Bytes bytes, const FramerLimits& limits) {
  if (bytes.size() < kMbapSize + 1 || core::load_u16be(bytes, 2) != 0) return false;
  const std::uint16_t length = core::load_u16be(bytes, 4);
  return length >= kMinMbapLength && length <= limits.tolerated_length && kMbapSize - 1 + length == bytes.size();
}

// True when the PDU (function code first) has a size some direction of its function allows; an
// exception PDU must be exactly function + code. Used by resync and by the probe.
bool plausible_pdu(std::uint8_t function_code, std::size_t pdu_size);

// Stricter, for resynchronising: also refuses functions without a known layout (user-defined
// and legacy codes), whose PDUs any bytes would fit.
bool plausible_resync_pdu(std::uint8_t function_code, std::size_t pdu_size);

// True when the bytes are one or more whole ADUs with believable headers and nothing else: a
// segment that starts at a frame boundary (Modbus clients and servers write one ADU at a time),
// which lets the session leave strict resync mode at once after a gap.
bool segment_aligned(core::Bytes bytes);

// Parses as request and as response and says which fit without malformation.
struct ShapeFit {
  bool request = false;
  bool response = false;
};
ShapeFit fit_directions(core::Bytes adu);

}  // namespace normwatch::protocols::modbus
