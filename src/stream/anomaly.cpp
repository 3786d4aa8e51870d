// Stable names of the TCP reassembly anomalies ("stream.<enum name>"), one table entry per value.
#include "normwatch/stream/anomaly.hpp"

#include <array>

namespace normwatch::stream {
namespace {

constexpr std::array<std::string_view, kStreamAnomalyCount> kNames = {
    "stream.conflicting_overlap", "stream.stream_cap_reached",  "stream.global_cap_reached",
    "stream.data_after_rst",      "stream.data_before_syn_ack", "stream.seq_out_of_window",
    "stream.window_cap_reached",
};

}  // namespace

std::string_view name(StreamAnomaly anomaly) {
  const auto i = static_cast<std::size_t>(anomaly);
  return i < kNames.size() ? kNames[i] : std::string_view("stream.unknown");
}

}  // namespace normwatch::stream
