// libFuzzer target: DNP3 transport reassembly. The input is a list of segments, each as
// [key byte: side bit 7, link pair in bits 0-2][length byte][segment bytes], fed with small
// limits so that the size cap and context eviction are reached often.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "normwatch/protocols/dnp3/transport.hpp"

using namespace normwatch;
using namespace normwatch::protocols;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  dnp3::TransportLimits limits;
  limits.max_fragment_size = 600;
  limits.max_link_pairs = 3;
  dnp3::TransportReassembler t(limits);
  core::ByteReader r(core::as_bytes(data, size));
  while (!r.empty()) {
    const std::uint8_t key = r.u8().value_or(0);
    const std::size_t len = r.u8().value_or(0) % 251;  // a link frame carries at most 250 bytes
    const auto seg = r.take(len < r.remaining() ? len : r.remaining());
    if (!seg) break;
    const dnp3::TransportKey k{(key & 0x80) ? Side::server : Side::client, static_cast<std::uint16_t>(key & 0x07), 1};
    const dnp3::SegmentOutcome o = t.on_segment(k, *seg);
    if (o.status == dnp3::SegmentStatus::complete && o.fragment.size() > limits.max_fragment_size) std::abort();
    if (o.anomaly_count > o.anomalies.size()) std::abort();
    if (t.tracked_pairs() > limits.max_link_pairs) std::abort();
    if ((key & 0x78) == 0x78) t.abandon((key & 0x80) ? Side::server : Side::client);
  }
  t.abandon_all();
  return 0;
}
