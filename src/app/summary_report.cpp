// Text and JSON renderings of a RunReport. Decode anomalies are listed by their stable names so
// that a reader can grep for them and rules can refer to them.
#include "summary_report.hpp"

#include <fmt/format.h>

#include "normwatch/decode/anomaly.hpp"
#include "normwatch/events/json_builder.hpp"
#include "normwatch/stream/anomaly.hpp"

namespace normwatch::app {

namespace {
double rate(std::uint64_t count, double seconds) { return seconds > 0 ? static_cast<double>(count) / seconds : 0.0; }

void line(std::FILE* out, std::string_view label, const std::string& value) {
  fmt::print(out, "  {:<28}{}\n", label, value);
}
std::string num(std::uint64_t v) { return fmt::format("{:L}", v); }
}  // namespace

void print_text(std::FILE* out, const RunReport& r) {
  const auto& s = r.stats;
  fmt::print(out, "normwatch {} summary: {}\n", r.live ? "live" : "replay", r.source);
  if (s.frames > 0) {
    line(out, "capture time", fmt::format("{} .. {} ({:.3f} s)", s.first_ts.to_rfc3339(), s.last_ts.to_rfc3339(),
                                          static_cast<double>(s.last_ts.ns - s.first_ts.ns) / 1e9));
  }
  line(out, "frames", num(s.frames));
  line(out, "bytes", fmt::format("{} captured, {} on the wire", num(s.bytes), num(s.wire_bytes)));
  if (r.capture.has_kernel_stats) {
    line(out, "kernel", fmt::format("{} received, {} dropped, {} dropped by interface", num(r.capture.kernel_received),
                                    num(r.capture.kernel_dropped), num(r.capture.interface_dropped)));
  }
  if (r.workers > 1) {
    std::uint64_t drops = 0;
    std::string each;
    for (std::uint64_t d : r.queue_drops) {
      drops += d;
      each += (each.empty() ? "" : ", ") + num(d);
    }
    line(out, "workers", fmt::format("{}; {} frames dropped at full queues (per worker: {})", r.workers, num(drops), each));
  }
  if (r.capture.truncated_frames > 0) line(out, "cut by snaplen", num(r.capture.truncated_frames));
  line(out, "IP packets", fmt::format("{} IPv4, {} IPv6, {} not IP", num(s.decode.ipv4), num(s.decode.ipv6),
                                      num(s.decode.not_ip)));
  line(out, "transport", fmt::format("{} TCP, {} UDP, {} other", num(s.decode.tcp), num(s.decode.udp),
                                     num(s.decode.other_ip)));
  if (s.decode.fragments > 0) {
    line(out, "IPv4 fragments", fmt::format("{} ({} datagrams reassembled)", num(s.decode.fragments),
                                            num(s.decode.reassembled_datagrams)));
  }
  line(out, "flows", fmt::format("{} ({} TCP, {} UDP); {} timed out, {} evicted at the cap, peak {}",
                                 num(s.flows.created), num(s.flows.tcp_flows), num(s.flows.udp_flows),
                                 num(s.flows.expired), num(s.flows.evicted), num(s.flows.peak_active)));
  line(out, "TCP streams", num(s.tcp_streams));
  line(out, "bytes reassembled", num(s.reassembly.bytes_delivered));
  line(out, "TCP gaps", fmt::format("{} ({} bytes never seen)", num(s.reassembly.gaps), num(s.reassembly.gap_bytes)));
  line(out, "mid-stream pick-ups", num(s.reassembly.midstream_pickups));

  fmt::print(out, "  flows by application protocol:\n");
  for (const auto& [name, count] : s.flows_by_app) fmt::print(out, "    {:<26}{}\n", name, num(count));
  if (!s.pdus_by_protocol.empty()) {
    fmt::print(out, "  ICS PDUs decoded:\n");
    for (const auto& [name, count] : s.pdus_by_protocol) fmt::print(out, "    {:<26}{}\n", name, num(count));
  }
  if (s.ics_flows_off_port > 0) line(out, "ICS on non-standard ports", num(s.ics_flows_off_port));
  if (s.foreign_on_ics_port > 0) line(out, "non-ICS on ICS ports", num(s.foreign_on_ics_port));

  const bool any_decode = s.decode.anomaly_total() > 0;
  bool any_stream = false;
  for (auto c : s.reassembly.anomalies) any_stream = any_stream || c > 0;
  if (any_decode || any_stream || !s.anomalies_by_name.empty()) {
    fmt::print(out, "  anomalies:\n");
    for (std::size_t i = 0; i < decode::kDecodeAnomalyCount; ++i) {
      if (s.decode.anomalies[i] > 0) {
        fmt::print(out, "    {:<34}{}\n", decode::name(static_cast<decode::DecodeAnomaly>(i)), num(s.decode.anomalies[i]));
      }
    }
    for (std::size_t i = 0; i < stream::kStreamAnomalyCount; ++i) {
      if (s.reassembly.anomalies[i] > 0) {
        fmt::print(out, "    {:<34}{}\n", stream::name(static_cast<stream::StreamAnomaly>(i)),
                   num(s.reassembly.anomalies[i]));
      }
    }
    for (const auto& [name, count] : s.anomalies_by_name) fmt::print(out, "    {:<34}{}\n", name, num(count));
  } else {
    line(out, "anomalies", "none");
  }
  line(out, "wall time", fmt::format("{:.3f} s, {:.0f} packets/s", r.wall_seconds, rate(s.frames, r.wall_seconds)));
  if (!r.error.empty()) fmt::print(out, "  stopped early: {}\n", r.error);
}

void print_json(std::FILE* out, const RunReport& r) {
  const auto& s = r.stats;
  events::JsonBuilder j;
  j.string("source", r.source);
  j.string("mode", r.live ? "live" : "replay");
  j.unsigned_integer("frames", s.frames);
  j.unsigned_integer("bytes", s.bytes);
  j.unsigned_integer("wire_bytes", s.wire_bytes);
  if (s.frames > 0) {
    j.string("first_ts", s.first_ts.to_rfc3339());
    j.string("last_ts", s.last_ts.to_rfc3339());
  }
  j.begin_object("capture");
  j.unsigned_integer("snaplen_truncated", r.capture.truncated_frames);
  if (r.capture.has_kernel_stats) {
    j.unsigned_integer("kernel_received", r.capture.kernel_received);
    j.unsigned_integer("kernel_dropped", r.capture.kernel_dropped);
    j.unsigned_integer("interface_dropped", r.capture.interface_dropped);
  }
  if (r.workers > 1) {
    j.unsigned_integer("workers", r.workers);
    j.begin_array("queue_dropped");
    for (std::uint64_t d : r.queue_drops) j.unsigned_integer({}, d);
    j.end_array();
  }
  j.end_object();
  j.begin_object("decode");
  j.unsigned_integer("ipv4", s.decode.ipv4);
  j.unsigned_integer("ipv6", s.decode.ipv6);
  j.unsigned_integer("tcp", s.decode.tcp);
  j.unsigned_integer("udp", s.decode.udp);
  j.unsigned_integer("other_ip", s.decode.other_ip);
  j.unsigned_integer("not_ip", s.decode.not_ip);
  j.unsigned_integer("fragments", s.decode.fragments);
  j.unsigned_integer("reassembled_datagrams", s.decode.reassembled_datagrams);
  j.end_object();
  j.begin_object("flows");
  j.unsigned_integer("created", s.flows.created);
  j.unsigned_integer("tcp", s.flows.tcp_flows);
  j.unsigned_integer("udp", s.flows.udp_flows);
  j.unsigned_integer("expired", s.flows.expired);
  j.unsigned_integer("evicted", s.flows.evicted);
  j.unsigned_integer("peak_active", s.flows.peak_active);
  j.end_object();
  j.unsigned_integer("tcp_streams", s.tcp_streams);
  j.begin_object("reassembly");
  j.unsigned_integer("bytes", s.reassembly.bytes_delivered);
  j.unsigned_integer("segments", s.reassembly.segments);
  j.unsigned_integer("out_of_order_segments", s.reassembly.out_of_order_segments);
  j.unsigned_integer("retransmitted_segments", s.reassembly.retransmitted_segments);
  j.unsigned_integer("gaps", s.reassembly.gaps);
  j.unsigned_integer("gap_bytes", s.reassembly.gap_bytes);
  j.unsigned_integer("midstream_pickups", s.reassembly.midstream_pickups);
  j.unsigned_integer("peak_buffered_bytes", s.reassembly.peak_buffered_bytes);
  j.end_object();
  j.begin_object("anomalies");
  for (std::size_t i = 0; i < decode::kDecodeAnomalyCount; ++i) {
    if (s.decode.anomalies[i] > 0) j.unsigned_integer(decode::name(static_cast<decode::DecodeAnomaly>(i)), s.decode.anomalies[i]);
  }
  for (std::size_t i = 0; i < stream::kStreamAnomalyCount; ++i) {
    if (s.reassembly.anomalies[i] > 0) {
      j.unsigned_integer(stream::name(static_cast<stream::StreamAnomaly>(i)), s.reassembly.anomalies[i]);
    }
  }
  for (const auto& [name, count] : s.anomalies_by_name) j.unsigned_integer(name, count);
  j.end_object();
  j.begin_object("flows_by_app");
  for (const auto& [name, count] : s.flows_by_app) j.unsigned_integer(name, count);
  j.end_object();
  j.begin_object("pdus");
  for (const auto& [name, count] : s.pdus_by_protocol) j.unsigned_integer(name, count);
  j.end_object();
  j.unsigned_integer("ics_flows_off_port", s.ics_flows_off_port);
  j.unsigned_integer("foreign_on_ics_port", s.foreign_on_ics_port);
  j.real("wall_seconds", r.wall_seconds);
  j.real("packets_per_second", rate(s.frames, r.wall_seconds));
  j.string("ndpi", r.ndpi_version);
  if (!r.error.empty()) j.string("error", r.error);
  const std::string text = j.dump();
  std::fprintf(out, "%s\n", text.c_str());
}

}  // namespace normwatch::app
