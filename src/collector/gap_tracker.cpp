// Sequence gap bookkeeping for one (sensor, epoch); see gap_tracker.hpp.
#include "normwatch/collector/gap_tracker.hpp"

namespace normwatch::collector {

void GapTracker::open_gap(std::uint64_t first_missing, std::uint64_t last_missing) {
  if (first_missing > last_missing) return;
  if (gaps_.size() >= kMaxGapRanges) {
    overflow_ = true;
    return;
  }
  gaps_[first_missing] = last_missing;
}

void GapTracker::add(std::uint64_t seq) {
  if (count_ == 0) {
    first_ = last_ = seq;
    count_ = 1;
    return;
  }
  ++count_;
  if (seq > last_) {
    open_gap(last_ + 1, seq - 1);
    last_ = seq;
    return;
  }
  if (seq < first_) {
    open_gap(seq + 1, first_ - 1);
    first_ = seq;
    return;
  }
  // Inside the range: it fills (part of) a gap.
  auto it = gaps_.upper_bound(seq);
  if (it == gaps_.begin()) return;
  --it;
  const std::uint64_t gap_first = it->first;
  const std::uint64_t gap_last = it->second;
  if (seq > gap_last) return;
  gaps_.erase(it);
  if (gap_first < seq) gaps_[gap_first] = seq - 1;
  if (seq < gap_last) gaps_[seq + 1] = gap_last;
}

void GapTracker::restore(std::uint64_t first, std::uint64_t last, std::uint64_t count) {
  first_ = first;
  last_ = last;
  count_ = count;
}

void GapTracker::restore_gap(std::uint64_t first_missing, std::uint64_t last_missing) {
  open_gap(first_missing, last_missing);
}

std::uint64_t GapTracker::missing() const {
  // Exact even when the list of ranges overflowed: the store holds each number at most once.
  return count_ == 0 ? 0 : last_ - first_ + 1 - count_;
}

}  // namespace normwatch::collector
