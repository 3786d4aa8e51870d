// FrameRing: the last few frames of every TCP/UDP conversation, kept so that a violation's pcap
// slice (issue 10 §2) can hold the context before it. Memory is one slab allocated up front:
// `memory_bytes` split into slots of `snap_bytes` (a frame longer than that is cut, as a snap
// length cuts it); each flow keeps at most `per_flow` slots (its oldest is reused), and when the
// slab is full the oldest frame of all is taken from its flow and counted as evicted. No
// allocation per frame; one map node per conversation (the map holds at most one entry per slot).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <unordered_map>
#include <vector>

#include "normwatch/capture/raw_frame.hpp"
#include "normwatch/core/ip_address.hpp"
#include "normwatch/core/timestamp.hpp"

namespace normwatch::evidence {

// A conversation without direction: the lower (address, port) end first; VLAN is not part of it
// (events do not carry it).
struct ConversationKey {
  core::IpAddress low_ip;
  core::IpAddress high_ip;
  std::uint16_t low_port = 0;
  std::uint16_t high_port = 0;
  std::uint8_t ip_proto = 0;
  std::uint16_t vlan = 0;   // outermost VLAN id, as the flow key has it: same addresses, two VLANs, two conversations
  bool operator==(const ConversationKey&) const = default;
};

ConversationKey make_conversation_key(const core::IpAddress& a, std::uint16_t a_port, const core::IpAddress& b,
                                      std::uint16_t b_port, std::uint8_t ip_proto, std::uint16_t vlan = 0);

struct ConversationKeyHash {
  std::size_t operator()(const ConversationKey& k) const noexcept;
};

struct StoredFrame {
  core::Timestamp ts;
  std::uint64_t frame_no = 0;
  std::uint32_t wire_len = 0;
  std::span<const std::byte> bytes;  // valid until the next add()
};

struct FrameRingCounters {
  std::uint64_t frames_kept = 0;
  std::uint64_t frames_cut = 0;      // longer than the snap length
  std::uint64_t evicted = 0;         // taken from a conversation because the slab was full
  std::uint64_t conversations = 0;   // held now
};

class FrameRing {
 public:
  FrameRing(std::size_t memory_bytes, std::size_t snap_bytes, std::size_t per_flow);

  void add(const ConversationKey& key, const capture::RawFrame& frame);
  // The conversation's frames, oldest first; returns how many.
  std::size_t for_each(const ConversationKey& key, const std::function<void(const StoredFrame&)>& fn) const;

  std::size_t slots() const { return slots_.size(); }
  std::size_t snap_bytes() const { return snap_; }
  const FrameRingCounters& counters() const { return counters_; }

 private:
  static constexpr std::uint32_t kNone = 0xFFFFFFFF;
  struct Slot {
    core::Timestamp ts;
    std::uint64_t frame_no = 0;
    std::uint32_t wire_len = 0;
    std::uint32_t caplen = 0;
    std::uint32_t flow = kNone;
    std::uint32_t older = kNone;       // global order of allocation
    std::uint32_t newer = kNone;
    std::uint32_t flow_newer = kNone;  // the conversation's next frame
  };
  struct Flow {
    ConversationKey key;
    std::uint32_t oldest = kNone;
    std::uint32_t newest = kNone;
    std::uint32_t count = 0;
  };

  std::uint32_t take_slot(std::uint32_t flow);
  void unlink_global(std::uint32_t slot);
  void drop_oldest_of_flow(std::uint32_t flow);

  std::size_t snap_;
  std::size_t per_flow_;
  std::vector<std::byte> data_;
  std::vector<Slot> slots_;
  std::vector<Flow> flows_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint32_t> free_flows_;
  std::uint32_t oldest_ = kNone;
  std::uint32_t newest_ = kNone;
  std::unordered_map<ConversationKey, std::uint32_t, ConversationKeyHash> index_;
  FrameRingCounters counters_;
};

}  // namespace normwatch::evidence
