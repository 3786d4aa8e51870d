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

TransactionTable::AddResult TransactionTable::add(PendingRequest request) {
  AddResult result;
  request.age = next_age_++;
  const std::size_t same = find(request.transaction_id, request.unit_id, request.requester);
  if (same != kNotFound) {
    result.superseded = entries_[same];
    entries_[same] = request;
    return result;
  }
  if (entries_.size() >= capacity_) {
    const std::size_t i = oldest();
    result.evicted = entries_[i];
    remove(i);
  }
  entries_.push_back(request);
  return result;
}

std::optional<PendingRequest> TransactionTable::take(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) {
  const std::size_t i = find(transaction_id, unit_id, requester);
  if (i == kNotFound) return std::nullopt;
  const PendingRequest r = entries_[i];
  remove(i);
  return r;
}

bool TransactionTable::contains(std::uint16_t transaction_id, std::uint8_t unit_id, Side requester) const {
  return find(transaction_id, unit_id, requester) != kNotFound;
}

}  // namespace normwatch::protocols::modbus
