// The table of outstanding Modbus requests of one session, keyed by (transaction id, unit id,
// requesting side) as the TCP implementation guide §3.1.3 pairs responses to requests. Bounded:
// storage is reserved once at the configured capacity and the oldest entry makes room.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "normwatch/protocols/common/protocol_id.hpp"
#include "normwatch/protocols/modbus/pdu.hpp"

namespace normwatch::protocols::modbus {

struct PendingRequest {
  std::uint16_t transaction_id = 0;
  std::uint8_t unit_id = 0;
  std::uint8_t function = 0;
  Side requester = Side::client;   // stream side that sent it
  bool expects_response = true;    // false for FC8/0x04 Force Listen Only Mode (§6.8.1)
  RequestInfo info;                // what its response will carry
  std::uint64_t age = 0;           // insertion order
};

class TransactionTable {
 public:
  explicit TransactionTable(std::size_t capacity);

  // What an add displaced, if anything. The pointers name copies kept by the table, valid until
  // its next add or take (returning optionals of the 48-byte entry cost the poller's hot path).
  struct AddResult {
    const PendingRequest* superseded = nullptr;  // same key still outstanding: never answered
    const PendingRequest* evicted = nullptr;     // table full: the oldest made room
  };
  AddResult add(const PendingRequest& request);
  // Removes the request a response of (tid, unit) from the other side answers and returns a copy
  // valid until the next add or take, or nullptr when there is none.
  const PendingRequest* take(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester);
  bool contains(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) const;

  // Hands every outstanding request to f (oldest first) and empties the table.
  template <class F>
  void drain(F&& f) {
    while (!entries_.empty()) {
      const std::size_t i = oldest();
      const PendingRequest r = entries_[i];
      remove(i);
      f(r);
    }
  }

  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  std::size_t find(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) const;
  std::size_t oldest() const;
  void remove(std::size_t i);

  std::vector<PendingRequest> entries_;
  PendingRequest displaced_;   // what the last add superseded or evicted
  PendingRequest taken_;       // what the last take removed
  std::size_t capacity_;
  std::uint64_t next_age_ = 0;
};

}  // namespace normwatch::protocols::modbus
