// StreamChunk: in-order bytes of one direction of a TCP connection, as the reassembler delivers
// them. A gap (bytes the sensor never saw) is never glued over: the next chunk says gap_before.
#pragma once

#include <cstdint>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/core/timestamp.hpp"
#include "normwatch/flow/flow_key.hpp"
#include "normwatch/stream/anomaly.hpp"

namespace normwatch::stream {

struct StreamChunk {
  flow::Direction direction = flow::Direction::a_to_b;
  std::uint64_t offset = 0;        // stream offset of bytes[0] (0 = first byte tracked)
  core::Bytes bytes;               // valid for the duration of the callback
  bool gap_before = false;         // bytes were lost between the previous chunk and this one
  std::uint64_t gap_bytes = 0;     // how many (0 when unknown, e.g. pick-up after a flush)
  std::uint64_t frame_no = 0;      // frame of the segment that completed this chunk
  core::Timestamp ts;              // that frame's timestamp
};

enum class StreamEnd : std::uint8_t { fin, rst, flow_end };

// Receives reassembled data. Envoy-style callbacks so tests need only a mock.
class StreamConsumer {
 public:
  virtual ~StreamConsumer() = default;
  virtual void on_data(const StreamChunk& chunk) = 0;
  virtual void on_end(flow::Direction direction, StreamEnd how, std::uint64_t frame_no) = 0;
  // Told about each anomaly as it is counted (for per-flow events); ignoring it is fine.
  virtual void on_anomaly(flow::Direction /*direction*/, StreamAnomaly /*anomaly*/, std::uint64_t /*frame_no*/) {}
};

}  // namespace normwatch::stream
