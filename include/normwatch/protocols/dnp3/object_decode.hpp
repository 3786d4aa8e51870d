// Field decoders for the objects rules look at (IEEE 1815-2012 annex A: g12v1/v2 CROB/PCB, g41
// analog output blocks, g50/g51 time), and an iterator over the objects of a parsed header, so
// that rules read values without walking the fragment again.
#pragma once

#include <cstdint>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/dnp3/pdu.hpp"

namespace normwatch::protocols::dnp3 {

// `object` is exactly the object's bytes (no prefix): 11 for g12v1/v2.
ControlRelayOutput decode_crob(std::uint8_t variation, core::Bytes object);
// g41 v1 (5 bytes), v2 (3), v3 (5), v4 (9).
AnalogOutputCommand decode_analog_output(std::uint8_t variation, core::Bytes object);
// g50 v1/v3 (6 bytes), v2 (10), v4 (11); g51 v1/v2 (6).
TimeObject decode_time(std::uint8_t group, std::uint8_t variation, core::Bytes object);

// True for the (group, variation) pairs the decoders above handle.
bool is_control_object(std::uint8_t group, std::uint8_t variation);
bool is_analog_output_object(std::uint8_t group, std::uint8_t variation);
bool is_time_object(std::uint8_t group, std::uint8_t variation);

// Calls f(std::uint32_t index, core::Bytes object) for each object of a header whose objects have
// a fixed size or a size prefix. The index is the index prefix when there is one, else start + i
// for start/stop ranges, else the position. Headers of other layouts (packed bits, device
// attributes, no data) produce no calls.
template <class F>
void for_each_object(const ObjectHeader& h, F&& f) {
  core::ByteReader r(h.data);
  if (h.data.empty()) return;
  for (std::uint64_t i = 0; i < h.count; ++i) {
    std::uint32_t index = h.has_start_stop() ? static_cast<std::uint32_t>(h.start + i) : static_cast<std::uint32_t>(i);
    std::size_t size = h.object_size;
    if (h.index_prefixed()) {
      const auto v = r.uint_le(h.prefix_size);
      if (!v) return;
      index = static_cast<std::uint32_t>(*v);
    } else if (h.size_prefixed()) {
      const auto v = r.uint_le(h.prefix_size);
      if (!v) return;
      size = static_cast<std::size_t>(*v);
    } else if (size == 0) {
      return;
    }
    const auto object = r.take(size);
    if (!object) return;
    f(index, *object);
  }
}

}  // namespace normwatch::protocols::dnp3
