// DNP3 resource limits: every bound the session and parsers apply, with defaults. Hitting a limit
// raises the named anomaly in the comment and increments its counter; nothing grows past them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace normwatch::protocols::dnp3 {

struct TransportLimits {
  // Largest application fragment reassembled (dnp3.fragment_too_long). DNP3 devices commonly use
  // 2048-byte fragments (IEEE 1815-2012 recommends at least 2048 for receive buffers).
  std::size_t max_fragment_size = 2048;
  // (TCP side, link source, link destination) reassembly contexts per session
  // (dnp3.too_many_link_pairs; the least recently used context is evicted).
  std::size_t max_link_pairs = 16;
};

struct AppLimits {
  std::size_t max_objects_per_fragment = 128;     // object headers (dnp3.too_many_objects)
  std::uint64_t max_points_per_header = 16384;    // count of a header with object bytes (dnp3.too_many_points)
  std::size_t max_decoded_controls = 32;          // g12 CROB/PCB decoded per fragment (dnp3.too_many_controls)
  std::size_t max_decoded_analog_outputs = 32;    // g41 decoded per fragment (dnp3.too_many_controls)
  std::size_t max_decoded_times = 8;              // g50/g51 decoded per fragment (dnp3.too_many_controls)
};

struct Limits {
  TransportLimits transport;
  AppLimits app;
  // Pending requests per session, one per (master, outstation) pair (dnp3.too_many_outstanding).
  std::size_t max_outstanding_requests = 64;
};

}  // namespace normwatch::protocols::dnp3
