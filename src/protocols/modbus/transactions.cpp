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

std::size_t TransactionTable::find(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) const {
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

void TransactionTable::append(const PendingRequest& request) {
  if (size_ < kInline) {
    inline_[size_] = request;
  } else {
    if (overflow_.empty() && overflow_.capacity() == 0) overflow_.reserve(kInitialOverflow);
    overflow_.push_back(request);
  }
  at(size_).age = next_age_++;
  ++size_;
}

void TransactionTable::remove(std::size_t i) {
  const std::size_t last = size_ - 1;
  if (i != last) at(i) = at(last);
  if (last >= kInline) overflow_.pop_back();
  --size_;
}

TransactionTable::AddResult TransactionTable::add(const PendingRequest& request) {
  AddResult result;
  const std::size_t same = find(request.transaction_id, request.unit_id, request.requester);
  if (same != kNotFound) {
    displaced_ = at(same);
    result.superseded = &displaced_;
    at(same) = request;
    at(same).age = next_age_++;
    return result;
  }
  if (size_ >= capacity_) {
    const std::size_t i = oldest();
    displaced_ = at(i);
    result.evicted = &displaced_;
    remove(i);
  }
  append(request);
  return result;
}

bool TransactionTable::take(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester, PendingRequest& out) {
  const std::size_t i = find(transaction_id, unit_id, requester);
  if (i == kNotFound) return false;
  out = at(i);
  remove(i);
  return true;
}

bool TransactionTable::contains(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) const {
  return find(transaction_id, unit_id, requester) != kNotFound;
}

}  // namespace normwatch::protocols::modbus
