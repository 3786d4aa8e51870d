// add_stats (sharded_pipeline.hpp): one summary from the shards of a sharded run. Counters add up;
// active flows and buffered bytes add up too (the shards hold disjoint flows); peaks are summed,
// which bounds the true peak from above (the shards need not peak at the same moment).
#include <algorithm>

#include "normwatch/pipeline/sharded_pipeline.hpp"

namespace normwatch::pipeline {

namespace {

template <class Map>
void add_map(Map& into, const Map& from) {
  for (const auto& [name, count] : from) into[name] += count;
}

template <class Array>
void add_array(Array& into, const Array& from) {
  for (std::size_t i = 0; i < into.size(); ++i) into[i] += from[i];
}

void add_decode(decode::DecodeCounters& a, const decode::DecodeCounters& b) {
  a.frames += b.frames;
  a.ipv4 += b.ipv4;
  a.ipv6 += b.ipv6;
  a.tcp += b.tcp;
  a.udp += b.udp;
  a.other_ip += b.other_ip;
  a.not_ip += b.not_ip;
  a.fragments += b.fragments;
  a.ipv6_fragments += b.ipv6_fragments;
  a.reassembled_datagrams += b.reassembled_datagrams;
  add_array(a.anomalies, b.anomalies);
}

void add_flows(flow::FlowTableCounters& a, const flow::FlowTableCounters& b) {
  a.created += b.created;
  a.expired += b.expired;
  a.evicted += b.evicted;
  a.closed += b.closed;
  a.active += b.active;
  a.peak_active += b.peak_active;
  a.tcp_flows += b.tcp_flows;
  a.udp_flows += b.udp_flows;
}

void add_reassembly(stream::ReassemblyCounters& a, const stream::ReassemblyCounters& b) {
  a.streams += b.streams;
  a.segments += b.segments;
  a.bytes_delivered += b.bytes_delivered;
  a.in_order_segments += b.in_order_segments;
  a.out_of_order_segments += b.out_of_order_segments;
  a.retransmitted_segments += b.retransmitted_segments;
  a.overlapping_segments += b.overlapping_segments;
  a.gaps += b.gaps;
  a.gap_bytes += b.gap_bytes;
  a.midstream_pickups += b.midstream_pickups;
  a.buffered_bytes += b.buffered_bytes;
  a.peak_buffered_bytes += b.peak_buffered_bytes;
  a.window_bytes += b.window_bytes;
  add_array(a.anomalies, b.anomalies);
}

void add_classify(classify::ClassifierCounters& a, const classify::ClassifierCounters& b) {
  a.ndpi_flows += b.ndpi_flows;
  a.ndpi_detected += b.ndpi_detected;
  a.ndpi_gave_up += b.ndpi_gave_up;
  a.ics_by_content += b.ics_by_content;
  a.ics_off_port += b.ics_off_port;
  a.foreign_on_ics_port += b.foreign_on_ics_port;
}

}  // namespace

void add_stats(PipelineStats& into, const PipelineStats& from) {
  if (from.frames > 0) {
    if (into.frames == 0 || from.first_ts.ns < into.first_ts.ns) into.first_ts = from.first_ts;
    if (into.frames == 0 || from.last_ts.ns > into.last_ts.ns) into.last_ts = from.last_ts;
  }
  into.frames += from.frames;
  into.bytes += from.bytes;
  into.wire_bytes += from.wire_bytes;
  add_decode(into.decode, from.decode);
  add_flows(into.flows, from.flows);
  add_reassembly(into.reassembly, from.reassembly);
  add_classify(into.classify, from.classify);
  into.tcp_streams += from.tcp_streams;
  add_map(into.flows_by_app, from.flows_by_app);
  add_map(into.pdus_by_protocol, from.pdus_by_protocol);
  add_map(into.anomalies_by_name, from.anomalies_by_name);
  into.ics_flows_off_port += from.ics_flows_off_port;
  into.foreign_on_ics_port += from.foreign_on_ics_port;
}

}  // namespace normwatch::pipeline
