// HeldSegments: ordered storage of out-of-order segment copies (see held_segments.hpp).
#include "held_segments.hpp"

#include <algorithm>
#include <cstring>

namespace normwatch::stream::detail {
namespace {
// An emptied list gives its array back past this size, so one burst of reordering does not pin
// memory for the rest of a long connection.
constexpr std::size_t kKeepCapacity = 16;
}  // namespace

HeldSegment HeldSegments::take_lowest() {
  HeldSegment seg = std::move(desc_.back());
  desc_.pop_back();
  bytes_ -= static_cast<std::size_t>(seg.end - seg.start);
  if (desc_.empty() && desc_.capacity() > kKeepCapacity) std::vector<HeldSegment>().swap(desc_);
  return seg;
}

const HeldSegment* HeldSegments::first_ending_after(std::int64_t offset) const {
  // Ends are descending: those beyond `offset` form a prefix; its last element is the lowest.
  const auto it = std::partition_point(desc_.begin(), desc_.end(), [&](const HeldSegment& s) { return s.end > offset; });
  return it == desc_.begin() ? nullptr : &*(it - 1);
}

void HeldSegments::add(std::int64_t start, core::Bytes data) {
  HeldSegment seg;
  seg.start = start;
  seg.end = start + static_cast<std::int64_t>(data.size());
  seg.data = std::make_unique_for_overwrite<std::byte[]>(data.size());
  std::memcpy(seg.data.get(), data.data(), data.size());
  const auto at = std::partition_point(desc_.begin(), desc_.end(), [&](const HeldSegment& s) { return s.start > start; });
  desc_.insert(at, std::move(seg));
  bytes_ += data.size();
}

}  // namespace normwatch::stream::detail
