// Named TCP reassembly anomalies ("stream.conflicting_overlap"), counted per run.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace normwatch::stream {

enum class StreamAnomaly : std::uint8_t {
  conflicting_overlap,   // retransmitted bytes differ from the first copy (first copy wins)
  stream_cap_reached,    // out-of-order bytes beyond the per-stream cap: gap forced
  global_cap_reached,    // out-of-order bytes beyond the global cap: gap forced
  data_after_rst,
  data_before_syn_ack,   // data in a half-open connection
  seq_out_of_window,     // segment, ACK or RST too far from the expected sequence number (ignored)
  window_cap_reached,    // overlap-check windows at their global cap: this direction goes without
  kCount
};

inline constexpr std::size_t kStreamAnomalyCount = static_cast<std::size_t>(StreamAnomaly::kCount);
std::string_view name(StreamAnomaly anomaly);

}  // namespace normwatch::stream
