// The table of outstanding Modbus requests of one session, keyed by (transaction id, unit id,
// requesting side) as the TCP implementation guide §3.1.3 pairs responses to requests. Bounded:
// at the configured capacity the oldest entry makes room.
#pragma once

#include <array>
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

  // What placing a request displaced, if anything. The pointers name copies kept by the table,
  // valid until the next place (returning optionals of the 48-byte entry cost the poller's hot path).
  struct AddResult {
    const PendingRequest* superseded = nullptr;  // same key still outstanding: never answered
    const PendingRequest* evicted = nullptr;     // table full: the oldest made room
  };
  // Adds a request: hands back its entry with the key set for the caller to fill in place (every
  // other field: it may hold an older entry's values), valid until the table next changes, and
  // says in `result` what it displaced. Filled in place, a request costs no temporary entry.
  PendingRequest& place(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester, AddResult& result);
  // Removes the request a response of (tid, unit) from the other side answers and copies its
  // function and what its response inherits into the caller's (the response being parsed: a copy
  // kept in the table was one more cold cache line per response across thousands of flows);
  // false when there is none.
  bool take(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester, std::uint8_t& function,
            RequestInfo& info);
  bool contains(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) const;

  // Hands every outstanding request to f (oldest first) and empties the table.
  template <class F>
  void drain(F&& f) {
    while (size_ > 0) {
      const std::size_t i = oldest();
      const PendingRequest r = at(i);
      remove(i);
      f(r);
    }
  }

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }

 private:
  // Pollers keep one or two requests outstanding: those live inside the table (beside the
  // session's other hot state), so pairing touches no separate heap block, which across
  // thousands of flows was a cache miss per ADU (perf: 11% of a 4096-flow polling replay).
  // A session that pipelines more spills into `overflow_`, grown on demand up to the cap.
  static constexpr std::size_t kInline = 2;

  PendingRequest& at(std::size_t i) { return i < kInline ? inline_[i] : overflow_[i - kInline]; }
  const PendingRequest& at(std::size_t i) const { return i < kInline ? inline_[i] : overflow_[i - kInline]; }
  std::size_t find(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) const;
  std::size_t oldest() const;
  void remove(std::size_t i) {
    const std::size_t last = size_ - 1;
    if (i != last) at(i) = at(last);
    if (last >= kInline) overflow_.pop_back();
    --size_;
  }

  std::uint32_t size_ = 0;
  std::uint32_t capacity_;
  std::uint64_t next_age_ = 0;
  std::array<PendingRequest, kInline> inline_{};
  std::vector<PendingRequest> overflow_;
  PendingRequest displaced_;   // what the last place superseded or evicted
};

}  // namespace normwatch::protocols::modbus
