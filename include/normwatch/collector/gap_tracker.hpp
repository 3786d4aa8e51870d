// GapTracker: which sequence numbers of one (sensor, epoch) the collector holds, as the range
// [first, last] minus a set of open gaps (issue 7 §3: detect and report gaps in a sensor's
// sequence). Out-of-order arrival (re-sends after a reconnect) opens a gap that later arrivals
// close again. The number of gap ranges kept is capped; past the cap `overflow` is set.
#pragma once

#include <cstdint>
#include <map>

namespace normwatch::collector {

class GapTracker {
 public:
  static constexpr std::size_t kMaxGapRanges = 10'000;

  // `seq` is new for this epoch (the store already rejected duplicates).
  void add(std::uint64_t seq);
  // Restores state read from the store.
  void restore(std::uint64_t first, std::uint64_t last, std::uint64_t count);
  void restore_gap(std::uint64_t first_missing, std::uint64_t last_missing);

  bool empty() const { return count_ == 0; }
  std::uint64_t first() const { return first_; }
  std::uint64_t last() const { return last_; }
  std::uint64_t count() const { return count_; }
  std::uint64_t missing() const;
  bool overflow() const { return overflow_; }
  // first missing -> last missing, inclusive.
  const std::map<std::uint64_t, std::uint64_t>& gaps() const { return gaps_; }

 private:
  void open_gap(std::uint64_t first_missing, std::uint64_t last_missing);

  std::uint64_t first_ = 0;
  std::uint64_t last_ = 0;
  std::uint64_t count_ = 0;
  bool overflow_ = false;
  std::map<std::uint64_t, std::uint64_t> gaps_;
};

}  // namespace normwatch::collector
