// DNP3 transport reassembly (IEEE 1815-2012 clause 8.2/8.3): per-context state machine
// idle -> assembling -> idle, with a discarding state after an error so that the rest of a broken
// fragment is dropped without an anomaly per segment. Memory: at most max_link_pairs contexts,
// each with one buffer reserved once at max_fragment_size.
#include "normwatch/protocols/dnp3/transport.hpp"

#include <algorithm>
#include <cstring>

namespace normwatch::protocols::dnp3 {

TransportReassembler::TransportReassembler(const TransportLimits& limits) : limits_(limits) {
  if (limits_.max_link_pairs == 0) limits_.max_link_pairs = 1;
  contexts_.reserve(limits_.max_link_pairs);
}

TransportReassembler::Context& TransportReassembler::context_for(const TransportKey& key, SegmentOutcome& outcome) {
  ++tick_;
  if (last_index_ < contexts_.size() && contexts_[last_index_].key == key) {
    contexts_[last_index_].last_use = tick_;
    return contexts_[last_index_];
  }
  for (std::size_t i = 0; i < contexts_.size(); ++i) {
    if (contexts_[i].key == key) {
      last_index_ = i;
      contexts_[i].last_use = tick_;
      return contexts_[i];
    }
  }
  if (contexts_.size() < limits_.max_link_pairs) {
    contexts_.emplace_back();  // capacity reserved in the constructor: no reallocation
    last_index_ = contexts_.size() - 1;
  } else {
    // Evict the least recently used context, keeping its buffer for reuse.
    std::size_t oldest = 0;
    for (std::size_t i = 1; i < contexts_.size(); ++i) {
      if (contexts_[i].last_use < contexts_[oldest].last_use) oldest = i;
    }
    if (contexts_[oldest].state == State::assembling) ++counters_.abandoned_fragments;
    ++counters_.evictions;
    outcome.add(Anomaly::too_many_link_pairs);
    last_index_ = oldest;
  }
  Context& c = contexts_[last_index_];
  c.key = key;
  c.state = State::idle;
  c.buffer.clear();
  c.last_len = 0;
  c.last_use = tick_;
  return c;
}

bool TransportReassembler::is_duplicate(const Context& c, const TransportHeader& th, core::Bytes payload) const {
  if (c.state != State::assembling || th.seq != c.last_seq || payload.size() != c.last_len) return false;
  if (c.buffer.size() < c.last_len) return false;
  if (th.fir && c.buffer.size() != c.last_len) return false;  // a repeated FIR is only the first segment
  return payload.empty() || std::memcmp(c.buffer.data() + (c.buffer.size() - c.last_len), payload.data(), payload.size()) == 0;
}

void TransportReassembler::drop(Context& c, bool fin, SegmentOutcome& outcome, Anomaly why) {
  if (c.state == State::assembling) ++counters_.abandoned_fragments;
  c.buffer.clear();
  c.state = fin ? State::idle : State::discarding;
  ++counters_.dropped_segments;
  outcome.status = SegmentStatus::dropped;
  if (why != Anomaly::none) outcome.add(why);
}

SegmentOutcome TransportReassembler::on_segment(const TransportKey& key, core::Bytes segment) {
  SegmentOutcome outcome;
  if (segment.empty()) {
    ++counters_.dropped_segments;
    return outcome;
  }
  ++counters_.segments;
  const TransportHeader th = TransportHeader::from_byte(static_cast<std::uint8_t>(segment[0]));
  outcome.header = th;
  const core::Bytes payload = segment.subspan(1);
  Context& c = context_for(key, outcome);

  if (is_duplicate(c, th, payload)) {
    ++counters_.duplicates;
    outcome.status = SegmentStatus::duplicate;
    return outcome;
  }

  if (th.fir) {
    if (c.state == State::assembling) {
      ++counters_.abandoned_fragments;
      outcome.add(Anomaly::transport_fir_restart);
    }
    c.state = State::idle;
    c.buffer.clear();
    if (payload.size() > limits_.max_fragment_size) {
      drop(c, th.fin, outcome, Anomaly::fragment_too_long);
      return outcome;
    }
    c.last_seq = th.seq;
    c.last_len = payload.size();
    if (th.fin) {
      // Single-segment fragment (the common case): hand over the segment bytes without a copy.
      ++counters_.fragments;
      outcome.status = SegmentStatus::complete;
      outcome.fragment = payload;
      return outcome;
    }
    c.buffer.reserve(limits_.max_fragment_size);
    c.buffer.assign(payload.begin(), payload.end());
    c.state = State::assembling;
    c.next_seq = static_cast<std::uint8_t>((th.seq + 1) & 0x3F);
    outcome.status = SegmentStatus::partial;
    return outcome;
  }

  switch (c.state) {
    case State::idle:
      drop(c, th.fin, outcome, Anomaly::transport_no_fir);
      return outcome;
    case State::discarding:
      drop(c, th.fin, outcome, Anomaly::none);  // already reported for this fragment
      return outcome;
    case State::assembling:
      break;
  }
  if (th.seq != c.next_seq) {
    drop(c, th.fin, outcome, Anomaly::transport_out_of_sequence);
    return outcome;
  }
  if (c.buffer.size() + payload.size() > limits_.max_fragment_size) {
    drop(c, th.fin, outcome, Anomaly::fragment_too_long);
    return outcome;
  }
  c.buffer.insert(c.buffer.end(), payload.begin(), payload.end());
  c.last_seq = th.seq;
  c.last_len = payload.size();
  c.next_seq = static_cast<std::uint8_t>((th.seq + 1) & 0x3F);
  if (!th.fin) {
    outcome.status = SegmentStatus::partial;
    return outcome;
  }
  c.state = State::idle;  // the buffer stays valid until this context's next segment
  ++counters_.fragments;
  ++counters_.multi_segment_fragments;
  outcome.status = SegmentStatus::complete;
  outcome.fragment = core::Bytes(c.buffer);
  return outcome;
}

std::size_t TransportReassembler::abandon(Side side) {
  std::size_t n = 0;
  for (Context& c : contexts_) {
    if (c.key.side != side) continue;
    if (c.state == State::assembling) ++n;
    c.state = State::idle;
    c.buffer.clear();
    c.last_len = 0;
  }
  counters_.abandoned_fragments += n;
  return n;
}

std::size_t TransportReassembler::abandon_all() { return abandon(Side::client) + abandon(Side::server); }

}  // namespace normwatch::protocols::dnp3
