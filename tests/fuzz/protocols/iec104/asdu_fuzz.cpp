// Fuzz target: the ASDU parser with random field widths. The first byte picks the COT, common
// address and IOA widths; the rest is an ASDU, parsed on its own and then, wrapped in an I-frame,
// pushed through a session with those widths so that every conformance check runs on it.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_support.hpp"
#include "normwatch/protocols/iec104/session.hpp"

using namespace normwatch;
using namespace normwatch::protocols::iec104;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  Config config;
  config.widths.cot = static_cast<std::uint8_t>(1 + (data[0] & 1));
  config.widths.ca = static_cast<std::uint8_t>(1 + ((data[0] >> 1) & 1));
  config.widths.ioa = static_cast<std::uint8_t>(1 + ((data[0] >> 2) % 3));
  config.check_cot_for_type = (data[0] & 0x20) == 0;
  const core::Bytes asdu = core::as_bytes(data + 1, size - 1);

  const Asdu a = parse_asdu(asdu, config.widths);
  fuzz::require(fuzz::inside(a.body, asdu));
  fuzz::require(a.defect.failed() || a.objects_available == a.num || a.type_info().variable_size() ||
                a.type_info().cls == TypeClass::security);
  fuzz::TouchWriter out;
  for (std::size_t i = 0; i < a.ioa_count; ++i) out.unsigned_integer({}, a.ioa(i));
  for (std::size_t i = 0; i < a.objects_available; ++i) {
    const InformationObject o = a.object(i);
    fuzz::require(fuzz::inside(o.element, asdu));
    (void)o.value();
  }

  if (asdu.size() > kMaxApduLength - 4) return 0;
  std::vector<std::byte> apdu = {std::byte{0x68}, static_cast<std::byte>(asdu.size() + 4), std::byte{0}, std::byte{0},
                                 std::byte{0}, std::byte{0}};
  apdu.insert(apdu.end(), asdu.begin(), asdu.end());
  fuzz::DescribingSink sink;
  Iec104Session session(sink, config, 4096);
  const auto startdt = core::as_bytes(reinterpret_cast<const std::uint8_t*>("\x68\x04\x07\x00\x00\x00"), 6);
  session.on_stream(protocols::Side::client, startdt, false, protocols::SegmentContext{1, {}});
  session.on_stream(protocols::Side::server, core::Bytes(apdu), false, protocols::SegmentContext{2, {}});
  session.on_stream(protocols::Side::client, core::Bytes(apdu), false, protocols::SegmentContext{3, {}});
  session.on_end(protocols::SegmentContext{4, {}});
  fuzz::require(session.counters().apdus == 3);
  return 0;
}
