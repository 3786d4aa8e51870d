// Outstanding-request table of a Modbus session (see transactions.hpp). Linear scans: the table
// is small (64 by default) and usually holds one or two entries.
#include "normwatch/protocols/modbus/transactions.hpp"

namespace normwatch::protocols::modbus {

namespace {
constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);
// Entries reserved up front. Reserving the whole capacity (64 x 48 bytes) cost every Modbus flow
// ~3 kB it almost never uses: peak RSS 51 -> 40 MB on a 4096-flow polling replay
// (tests/bench/modbus-replay-bench.sh). Pollers keep one or two requests outstanding; a session
// that pipelines more grows the vector at most four times, up to the cap.
constexpr std::size_t kInitialReserve = 4;
}  // namespace

TransactionTable::TransactionTable(std::size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {
  entries_.reserve(capacity_ < kInitialReserve ? capacity_ : kInitialReserve);
}

std::size_t TransactionTable::find(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) const {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const PendingRequest& e = entries_[i];
    if (e.transaction_id == transaction_id && e.unit_id == unit_id && e.requester == requester) return i;
  }
  return kNotFound;
}

std::size_t TransactionTable::oldest() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < entries_.size(); ++i) {
    if (entries_[i].age < entries_[best].age) best = i;
  }
  return best;
}

void TransactionTable::remove(std::size_t i) {
  entries_[i] = entries_.back();
  entries_.pop_back();
}

TransactionTable::AddResult TransactionTable::add(const PendingRequest& request) {
  AddResult result;
  const std::size_t same = find(request.transaction_id, request.unit_id, request.requester);
  if (same != kNotFound) {
    displaced_ = entries_[same];
    result.superseded = &displaced_;
    entries_[same] = request;
    entries_[same].age = next_age_++;
    return result;
  }
  if (entries_.size() >= capacity_) {
    const std::size_t i = oldest();
    displaced_ = entries_[i];
    result.evicted = &displaced_;
    remove(i);
  }
  entries_.push_back(request);
  entries_.back().age = next_age_++;
  return result;
}

const PendingRequest* TransactionTable::take(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) {
  const std::size_t i = find(transaction_id, unit_id, requester);
  if (i == kNotFound) return nullptr;
  taken_ = entries_[i];
  remove(i);
  return &taken_;
}

bool TransactionTable::contains(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) const {
  return find(transaction_id, unit_id, requester) != kNotFound;
}

}  // namespace normwatch::protocols::modbus
