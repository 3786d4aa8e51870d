// Fuzz target: the whole IEC 104 session. The first byte picks widths, k and w; then the input is
// a series of chunks [control][length][bytes]: control bit 0 picks the side, bit 1 marks a gap
// before the chunk, bit 2 ends the flow early, bits 3-7 advance the capture clock. Both sides,
// random chunking, gaps and resynchronisation all run against every check and counter.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "normwatch/protocols/iec104/session.hpp"

using namespace normwatch;
using namespace normwatch::protocols::iec104;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  Config config;
  config.widths.cot = static_cast<std::uint8_t>(1 + (data[0] & 1));
  config.widths.ca = static_cast<std::uint8_t>(1 + ((data[0] >> 1) & 1));
  config.widths.ioa = static_cast<std::uint8_t>(1 + ((data[0] >> 2) % 3));
  if ((data[0] & 0x80) != 0) config.widths = Widths{};  // favour the standard widths half the time
  config.k = static_cast<std::uint16_t>(1 + (data[1] & 0x0F));
  config.w = static_cast<std::uint16_t>(1 + (data[1] >> 4));
  config.limits.max_outstanding_commands = 4;
  config.limits.max_anomalies_per_apdu = 1 + (data[1] & 3);
  fuzz::DescribingSink sink;
  Iec104Session session(sink, config, 4096);
  std::size_t at = 2;
  std::uint64_t frame = 0;
  std::int64_t clock_ns = 0;
  std::uint64_t fed = 0;
  while (at + 2 <= size) {
    const std::uint8_t control = data[at];
    std::size_t len = data[at + 1];
    at += 2;
    if (len > size - at) len = size - at;
    const protocols::Side side = (control & 1) != 0 ? protocols::Side::server : protocols::Side::client;
    clock_ns += static_cast<std::int64_t>(control >> 3) * 7'000'000;
    protocols::SegmentContext ctx{++frame, core::Timestamp{clock_ns}};
    session.on_stream(side, core::as_bytes(data + at, len), (control & 2) != 0, ctx);
    fed += len;
    at += len;
    if ((control & 4) != 0) {
      session.on_end(ctx);
      break;
    }
  }
  session.on_end(protocols::SegmentContext{++frame, core::Timestamp{clock_ns}});
  const SessionCounters& c = session.counters();
  fuzz::require(c.apdus == c.i_frames + c.s_frames + c.u_frames);
  fuzz::require(c.apdus * 6 <= fed && c.bytes_skipped <= fed);
  std::uint64_t by_name = 0;
  for (auto n : c.by_anomaly) by_name += n;
  fuzz::require(by_name == c.anomalies);
  return 0;
}
