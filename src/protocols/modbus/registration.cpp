// Modbus content probe and session factory (see registration.hpp). The probe walks the MBAP
// headers in the first bytes (TCP implementation guide §3.1.3) and checks each one's function
// code against the function table; foreign protocols fail on the protocol id almost always.
#include "normwatch/protocols/modbus/registration.hpp"

#include "normwatch/protocols/modbus/parser.hpp"
#include "normwatch/protocols/modbus/session.hpp"

namespace normwatch::protocols::modbus {

namespace {
// Whole ADUs in a row, each with protocol id 0 and a believable length, that tile the bytes
// exactly: MBAP framing even when no function code is assigned. A function-code scan over
// unassigned codes (zeek/zeek#3211) would otherwise leave the probe at `maybe` until the
// classifier gives up and calls the flow foreign, hiding the whole scan.
constexpr std::size_t kFramedAdusForYes = 3;
}  // namespace

protocols::ProbeResult probe(core::Bytes bytes, bool is_udp) {
  using protocols::ProbeResult;
  std::size_t known = 0;   // whole ADUs with an assigned or vendor function code
  std::size_t framed = 0;  // whole ADUs of any function code
  while (!bytes.empty()) {
    if (bytes.size() >= 4 && core::load_u16be(bytes, 2) != 0) return ProbeResult::no;
    if (bytes.size() >= 6) {
      const std::uint16_t length = core::load_u16be(bytes, 4);
      if (length < kMinMbapLength || length > kMaxMbapLength) return ProbeResult::no;
    }
    if (bytes.size() < kMbapSize + 1) break;
    const std::uint16_t length = core::load_u16be(bytes, 4);
    const auto function = static_cast<std::uint8_t>(bytes[kMbapSize]);
    const bool exception = (function & kExceptionBit) != 0;
    // Function 0 and unassigned codes occur in function-code scans: they neither prove nor
    // refute Modbus. An assigned function must have a PDU size one of its directions allows; an
    // exception (kept lenient: devices append bytes) a defined code.
    const bool assigned = function_shape(function).cls != FunctionClass::unassigned;
    if (assigned && !exception && !plausible_pdu(function, length - 1U)) return ProbeResult::no;
    if (exception && length >= 3 && bytes.size() > kMbapSize + 1 &&
        !is_defined_exception_code(static_cast<std::uint8_t>(bytes[kMbapSize + 1]))) {
      return ProbeResult::no;
    }
    const std::size_t total = kMbapSize - 1 + length;
    if (bytes.size() < total) break;
    if (assigned) ++known;
    ++framed;
    bytes = bytes.subspan(total);
  }
  if (is_udp && !bytes.empty()) return ProbeResult::no;  // a datagram holds whole ADUs
  if (known > 0 || framed >= kFramedAdusForYes) return ProbeResult::yes;
  return ProbeResult::maybe;
}

std::unique_ptr<protocols::Session> make_session(protocols::PduSink& sink, const protocols::SessionConfig& config) {
  return std::make_unique<ModbusSession>(sink, Config::from(config));
}

}  // namespace normwatch::protocols::modbus
