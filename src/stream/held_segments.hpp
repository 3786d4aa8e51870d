// HeldSegments: copies of out-of-order TCP segments of one direction, non-overlapping and kept
// sorted by stream offset (highest first, so the next one to deliver pops from the back).
// Caps are enforced by the caller (StreamDirection), which also does the global accounting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "normwatch/core/byte_reader.hpp"

namespace normwatch::stream::detail {

struct HeldSegment {
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::unique_ptr<std::byte[]> data;

  core::Bytes bytes() const { return {data.get(), static_cast<std::size_t>(end - start)}; }
};

class HeldSegments {
 public:
  bool empty() const { return desc_.empty(); }
  std::size_t count() const { return desc_.size(); }
  std::size_t bytes() const { return bytes_; }

  const HeldSegment& lowest() const { return desc_.back(); }
  HeldSegment take_lowest();
  // The lowest segment whose end lies beyond `offset`, or nullptr.
  const HeldSegment* first_ending_after(std::int64_t offset) const;
  // Copies `data` as a segment at `start`; it must not overlap a held segment.
  void add(std::int64_t start, core::Bytes data);

 private:
  std::vector<HeldSegment> desc_;  // descending by start (and by end: segments do not overlap)
  std::size_t bytes_ = 0;
};

}  // namespace normwatch::stream::detail
