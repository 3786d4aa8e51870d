// APCI framing and the plausibility test used while resynchronising and by the probe
// (IEC 60870-5-104 §5.1: start 0x68, length 4..253; §5.2–5.4: control field formats).
#include "normwatch/protocols/iec104/framer.hpp"

#include <algorithm>
#include <bit>

#include "normwatch/protocols/iec104/pdu.hpp"

namespace normwatch::protocols::iec104 {

namespace {

std::uint8_t octet(core::Bytes b, std::size_t at) { return static_cast<std::uint8_t>(b[at]); }

bool plausible_control(std::uint8_t length, std::uint8_t c0, std::uint8_t c1, std::uint8_t c2, std::uint8_t c3) {
  if ((c0 & 0x01) == 0) return (c2 & 0x01) == 0;  // I-format: content judged on the whole APDU
  if ((c0 & 0x03) == 0x01) return length == kMinApduLength && c0 == 0x01 && c1 == 0 && (c2 & 0x01) == 0;
  return length == kMinApduLength && std::popcount(static_cast<unsigned>(c0 >> 2)) == 1 && c1 == 0 && c2 == 0 &&
         c3 == 0;
}

// An I-format APDU is believable when its ASDU parses cleanly with a defined type and cause.
bool plausible_i_frame(core::Bytes apdu, const Widths& widths) {
  const Asdu a = parse_asdu(apdu.subspan(6), widths);
  const TypeInfo& t = a.type_info();
  return a.header_complete && !a.defect.failed() && t.defined() && cot_class(a.cot) == CotClass::defined;
}

}  // namespace

Plausibility plausible_apdu_start(core::Bytes b, const Widths& widths) {
  if (b.empty()) return Plausibility::need_more;
  if (octet(b, 0) != kStartByte) return Plausibility::no;
  if (b.size() < 2) return Plausibility::need_more;
  const std::uint8_t length = octet(b, 1);
  if (length < kMinApduLength || length > kMaxApduLength) return Plausibility::no;
  if (b.size() < 6) return Plausibility::need_more;
  if (!plausible_control(length, octet(b, 2), octet(b, 3), octet(b, 4), octet(b, 5))) return Plausibility::no;
  if ((octet(b, 2) & 0x01) != 0) return Plausibility::yes;
  const std::size_t total = std::size_t{length} + 2;
  if (b.size() < total) return Plausibility::need_more;
  return plausible_i_frame(b.first(total), widths) ? Plausibility::yes : Plausibility::no;
}

FrameVerdict ApduFramer::operator()(core::Bytes b) {
  if (b.empty()) return FrameVerdict::need_more(2);
  if (octet(b, 0) != kStartByte) {
    // Skip straight to the next candidate start octet: one episode, one verdict per run of noise.
    const auto* begin = b.data();
    const auto* next = std::find(begin + 1, begin + b.size(), static_cast<std::byte>(kStartByte));
    strict_ = true;
    return FrameVerdict::invalid("iec104.bad_start", static_cast<std::size_t>(next - begin));
  }
  if (b.size() < 2) return FrameVerdict::need_more(2);
  const std::uint8_t length = octet(b, 1);
  if (length < kMinApduLength || length > kMaxApduLength) {
    strict_ = true;
    return FrameVerdict::invalid("iec104.bad_length", 1);
  }
  const std::size_t total = std::size_t{length} + 2;
  if (strict_) {
    switch (plausible_apdu_start(b, widths_)) {
      case Plausibility::no: return FrameVerdict::invalid("iec104.implausible_apdu", 1);
      case Plausibility::need_more: return FrameVerdict::need_more(b.size() < 6 ? 6 : total);
      case Plausibility::yes: break;
    }
  }
  if (b.size() < total) return FrameVerdict::need_more(total);
  strict_ = false;
  return FrameVerdict::complete(total);
}

}  // namespace normwatch::protocols::iec104
