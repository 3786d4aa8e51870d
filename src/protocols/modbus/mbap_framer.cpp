// MBAP framing over a reassembled TCP stream (Modbus Messaging on TCP/IP Implementation Guide
// v1.0b §3.1.3): the header's length delimits each ADU. In sync a header needs protocol id 0 and
// a believable length; while resynchronising it must also name a function whose PDU size fits.
// A segment made of whole ADUs only is taken as a frame boundary again after a gap.
#include "normwatch/protocols/modbus/parser.hpp"

namespace normwatch::protocols::modbus {

namespace {
constexpr bool fits(BodySize size, std::size_t body) { return body >= size.min && body <= size.max; }
}  // namespace

bool plausible_pdu(std::uint8_t function_code, std::size_t pdu_size) {
  const FunctionShape& shape = function_shape(function_code);
  if (shape.cls == FunctionClass::unassigned || pdu_size == 0) return false;
  if ((function_code & kExceptionBit) != 0) return pdu_size == 2;
  const std::size_t body = pdu_size - 1;
  return fits(body_size(shape.request), body) || fits(body_size(shape.response), body);
}

bool plausible_resync_pdu(std::uint8_t function_code, std::size_t pdu_size) {
  // Functions without a layout (user-defined, legacy) would match almost any bytes.
  const FunctionShape& shape = function_shape(function_code);
  if (shape.request == Layout::raw && shape.response == Layout::raw) return false;
  return plausible_pdu(function_code, pdu_size);
}

bool segment_aligned(core::Bytes bytes) {
  std::size_t adus = 0;
  while (bytes.size() >= kMbapSize + 1) {
    const std::uint16_t length = core::load_u16be(bytes, 4);
    if (core::load_u16be(bytes, 2) != 0 || length < kMinMbapLength || length > kMaxMbapLength) return false;
    const std::size_t total = kMbapSize - 1 + length;
    if (total > bytes.size()) return false;
    bytes = bytes.subspan(total);
    ++adus;
  }
  return adus > 0 && bytes.empty();
}

FrameVerdict frame_mbap(core::Bytes available, FramingMode mode, const FramerLimits& limits) {
  const bool resyncing = mode == FramingMode::resync;
  // While resynchronising every misfit is the episode's "resync"; in sync it has its own name.
  const auto why = [resyncing](Anomaly in_sync) { return name(resyncing ? Anomaly::resync : in_sync); };
  const std::size_t n = available.size();
  if (n >= 4 && core::load_u16be(available, 2) != 0) return FrameVerdict::invalid(why(Anomaly::bad_protocol_id));
  if (n < 6) return FrameVerdict::need_more(kMbapSize + 1);
  const std::uint16_t length = core::load_u16be(available, 4);
  const std::uint16_t max_length = resyncing ? kMaxMbapLength : limits.tolerated_length;
  if (length < kMinMbapLength || length > max_length) return FrameVerdict::invalid(why(Anomaly::bad_length));
  if (n < kMbapSize + 1) return FrameVerdict::need_more(kMbapSize + 1);
  if (resyncing && !plausible_resync_pdu(static_cast<std::uint8_t>(available[kMbapSize]), length - 1U)) {
    return FrameVerdict::invalid(name(Anomaly::resync));
  }
  const std::size_t total = kMbapSize - 1 + length;
  if (n < total) return FrameVerdict::need_more(total);
  return FrameVerdict::complete(total);
}

}  // namespace normwatch::protocols::modbus
