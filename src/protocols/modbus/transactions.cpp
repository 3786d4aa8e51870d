// Outstanding-request table of a Modbus session (see transactions.hpp). Linear scans: the table
// is small (64 by default) and usually holds one or two entries.
#include "normwatch/protocols/modbus/transactions.hpp"

#include <limits>

namespace normwatch::protocols::modbus {

namespace {
constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);
// Capacity of the spill storage once a session first needs it. Reserving the whole capacity
// (64 x 48 bytes) would cost every Modbus flow ~3 kB it almost never uses (peak RSS 51 -> 40 MB
// on a 4096-flow polling replay, tests/bench/modbus-replay-bench.sh); a session that pipelines
// more grows it at most four times, up to the cap.
constexpr std::size_t kInitialOverflow = 4;
constexpr std::size_t kMaxCapacity = std::numeric_limits<std::uint32_t>::max();
}  // namespace

TransactionTable::TransactionTable(std::size_t capacity)
    : capacity_(static_cast<std::uint32_t>(capacity < 1 ? 1 : (capacity > kMaxCapacity ? kMaxCapacity : capacity))) {}

// find is forced inline: it is a few instructions on every ADU of a poller, where
// the calls themselves cost as much (measured with cachegrind on a 4096-flow polling replay).
[[gnu::always_inline]] inline std::size_t TransactionTable::find(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) const {
  for (std::size_t i = 0; i < size_; ++i) {
    const PendingRequest& e = at(i);
    if (e.transaction_id == transaction_id && e.unit_id == unit_id && e.requester == requester) return i;
  }
  return kNotFound;
}

std::size_t TransactionTable::oldest() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < size_; ++i) {
    if (at(i).age < at(best).age) best = i;
  }
  return best;
}

PendingRequest& TransactionTable::place(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester,
                                        AddResult& result) {
  std::size_t i = find(transaction_id, unit_id, requester);
  if (i != kNotFound) {
    displaced_ = at(i);
    result.superseded = &displaced_;
  } else {
    if (size_ >= capacity_) {
      const std::size_t old = oldest();
      displaced_ = at(old);
      result.evicted = &displaced_;
      remove(old);
    }
    i = size_;
    if (i >= kInline) {
      if (overflow_.capacity() == 0) overflow_.reserve(kInitialOverflow);
      overflow_.emplace_back();
    }
    ++size_;
  }
  PendingRequest& slot = at(i);
  slot.transaction_id = transaction_id;
  slot.unit_id = unit_id;
  slot.requester = requester;
  slot.age = next_age_++;
  return slot;
}

bool TransactionTable::take(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester, std::uint8_t& function,
                            RequestInfo& info) {
  const std::size_t i = find(transaction_id, unit_id, requester);
  if (i == kNotFound) return false;
  const PendingRequest& entry = at(i);
  function = entry.function;
  info = entry.info;
  remove(i);
  return true;
}

bool TransactionTable::contains(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) const {
  return find(transaction_id, unit_id, requester) != kNotFound;
}

}  // namespace normwatch::protocols::modbus
