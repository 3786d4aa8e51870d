// FlowTable: the table of live flows, with idle timeouts that depend on the flow's state, a hard
// cap on the number of flows (evicting the longest-idle flow, counted) and O(1) lookups with no
// allocation for existing flows. Memory is bounded by max_flows whatever the input.
#pragma once

#include <cstdint>
#include <memory>

#include "normwatch/core/timestamp.hpp"
#include "normwatch/decode/decoded_packet.hpp"
#include "normwatch/flow/flow.hpp"

namespace normwatch::flow {

struct FlowTableLimits {
  std::size_t max_flows = 262'144;
  std::int64_t tcp_half_open_timeout_ns = 30'000'000'000;     // SYN without answer
  std::int64_t tcp_established_timeout_ns = 3'600'000'000'000; // ICS polls can be minutes apart
  std::int64_t tcp_closing_timeout_ns = 120'000'000'000;
  std::int64_t tcp_closed_timeout_ns = 60'000'000'000;        // 2 MSL, as TIME_WAIT: stragglers
                                                               // after a RST/FIN stay in the flow
  std::int64_t udp_timeout_ns = 300'000'000'000;
  std::int64_t other_timeout_ns = 60'000'000'000;
  std::uint64_t hash_seed = 0;   // index hash seed; 0: a random one per table (crafted-key resistance)
};

enum class FlowEndReason : std::uint8_t { idle_timeout, evicted, closed, end_of_capture };

struct FlowTableCounters {
  std::uint64_t created = 0;
  std::uint64_t expired = 0;   // idle timeout
  std::uint64_t evicted = 0;   // pushed out by the max_flows cap
  std::uint64_t closed = 0;    // ended closed: closed-state linger over, or a new SYN reused the key
  std::uint64_t active = 0;
  std::uint64_t peak_active = 0;
  std::uint64_t tcp_flows = 0;
  std::uint64_t udp_flows = 0;
};

// Told about every flow before the table forgets it, so later stages can flush their state.
// The record is intact during the call and reset right after; the handler must not call back
// into the table.
class FlowEndHandler {
 public:
  virtual ~FlowEndHandler() = default;
  virtual void on_flow_end(Flow& flow, FlowEndReason reason) = 0;
};

struct FlowLookup {
  Flow* flow = nullptr;
  Direction direction = Direction::a_to_b;
  bool created = false;
};

class FlowTable {
 public:
  explicit FlowTable(FlowTableLimits limits = {}, FlowEndHandler* handler = nullptr);
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // Finds or creates the flow of a decoded IP packet, updates its counters, timestamps and TCP
  // state, and decides the client side of a new flow. Evicts the longest-idle flow when full.
  // Packets without an IP layer get {nullptr}. The Flow* stays valid until the handler is told
  // that the flow ended (records never move). Idle order is kept to within one second of
  // capture time, so expiry and eviction are exact to within that too.
  FlowLookup track(const decode::DecodedPacket& packet);

  // Ends flows idle past their timeout at capture time `now`. Cheap when nothing expires
  // (one look at the oldest flow of each timeout class). Closed flows end with reason `closed`.
  void expire(core::Timestamp now);
  // Ends every flow (end of capture or shutdown), in creation order.
  void flush(FlowEndReason reason = FlowEndReason::end_of_capture);

  std::size_t size() const;
  const FlowTableCounters& counters() const { return counters_; }
  const FlowTableLimits& limits() const { return limits_; }

 private:
  struct Impl;
  void end_flow(std::uint32_t id, FlowEndReason reason);
  std::uint32_t pick_victim() const;
  std::uint32_t create(const KeyedPacket& keyed, std::uint64_t hash, const decode::DecodedPacket& packet);

  std::unique_ptr<Impl> impl_;
  FlowTableLimits limits_;
  FlowTableCounters counters_;
  FlowEndHandler* handler_ = nullptr;
};

}  // namespace normwatch::flow
