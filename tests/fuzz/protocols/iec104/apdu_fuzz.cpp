// Fuzz target: APCI framing and the APDU parser. The input is a stream of one direction: it is
// framed the way a session frames it and every frame is parsed and fully described; the whole
// input is also parsed as one APDU.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "normwatch/protocols/common/frame_assembler.hpp"
#include "normwatch/protocols/iec104/framer.hpp"

using namespace normwatch;
using namespace normwatch::protocols::iec104;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const core::Bytes input = core::as_bytes(data, size);
  fuzz::TouchWriter out;
  if (auto whole = parse_apdu(input)) {
    fuzz::require(whole->bytes.size() == size && size <= kMaxApduBytes);
    fuzz::exercise(*whole, out);
  }
  ApduFramer framer;
  protocols::FrameAssembler assembler(kMaxApduBytes);
  std::size_t framed = 0;
  assembler.feed(
      input, false, 1, [&framer](core::Bytes b) { return framer(b); },
      [&](core::Bytes frame, std::uint64_t) {
        framed += frame.size();
        auto pdu = parse_apdu(frame);
        fuzz::require(pdu.has_value());  // the framer hands over whole APDUs only
        fuzz::exercise(*pdu, out);
      },
      [&](std::string_view why, std::size_t skipped, std::uint64_t) {
        fuzz::require(why.starts_with("iec104."));
        framed += skipped;
      });
  assembler.finish(1, [&](std::string_view, std::size_t skipped, std::uint64_t) { framed += skipped; });
  fuzz::require(framed + assembler.buffered() <= size);
  return 0;
}
