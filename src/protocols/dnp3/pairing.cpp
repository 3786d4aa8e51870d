// DNP3 request/response pairing by (master, outstation) and application sequence number
// (IEEE 1815-2012 clause 4.2.2.4, SAv5 clause 7.5 for the challenge exchange).
#include "normwatch/protocols/dnp3/pairing.hpp"

namespace normwatch::protocols::dnp3 {

RequestTracker::RequestTracker(std::size_t capacity) : entries_(capacity == 0 ? 1 : capacity) {}

RequestTracker::Entry* RequestTracker::find(std::uint16_t master, std::uint16_t outstation) {
  if (used_ == 0) return nullptr;
  const Entry& hint = entries_[last_];
  if (hint.used && hint.master == master && hint.outstation == outstation) return &entries_[last_];
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    Entry& e = entries_[i];
    if (e.used && e.master == master && e.outstation == outstation) {
      last_ = i;
      return &e;
    }
  }
  return nullptr;
}

RequestTracker::AddResult RequestTracker::on_request(std::uint16_t master, std::uint16_t outstation, std::uint8_t seq,
                                                     std::uint8_t function) {
  AddResult result;
  Entry* slot = find(master, outstation);
  if (slot != nullptr) {
    result.replaced = true;
  } else if (used_ < entries_.size()) {
    for (Entry& e : entries_) {
      if (!e.used) {
        slot = &e;
        break;
      }
    }
  }
  if (slot == nullptr) {
    slot = &entries_[0];
    for (Entry& e : entries_) {
      if (e.order < slot->order) slot = &e;
    }
    result.evicted = true;
  }
  if (!slot->used) ++used_;
  *slot = Entry{true, master, outstation, static_cast<std::uint8_t>(seq & 0x0F), function, ++order_};
  last_ = static_cast<std::size_t>(slot - entries_.data());
  return result;
}

std::optional<std::uint8_t> RequestTracker::on_response(std::uint16_t master, std::uint16_t outstation,
                                                        const AppControl& control, std::uint8_t function) {
  Entry* e = find(master, outstation);
  if (e == nullptr || e->seq != control.seq) return std::nullopt;
  const std::uint8_t request = e->function;
  if (function == fc::kAuthResponse) return request;  // challenge: the real answer follows
  if (!control.fin) {
    e->seq = static_cast<std::uint8_t>((e->seq + 1) & 0x0F);  // next fragment of the response
  } else {
    e->used = false;
    --used_;
  }
  return request;
}

std::size_t RequestTracker::pending() const { return used_; }

std::size_t RequestTracker::clear() {
  const std::size_t n = used_;
  for (Entry& e : entries_) e.used = false;
  used_ = 0;
  return n;
}

}  // namespace normwatch::protocols::dnp3
