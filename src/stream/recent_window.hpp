// RecentWindow: a fixed ring of the last N bytes delivered in one direction, so that a
// retransmission can be compared with what the consumer already got (conflicting overlap).
// Allocated once, when the direction first carries data; no allocation afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "normwatch/core/byte_reader.hpp"

namespace normwatch::stream::detail {

class RecentWindow {
 public:
  // `size` must be a power of two (callers round up); 0 leaves the window off.
  void allocate(std::size_t size);
  bool active() const { return size_ != 0; }
  std::size_t size() const { return size_; }
  // Where store() writes the byte at stream offset `offset` (nullptr when off): a prefetch hint.
  const std::byte* cursor(std::int64_t offset) const {
    return size_ == 0 ? nullptr : ring_.get() + (static_cast<std::size_t>(offset) & (size_ - 1));
  }

  // Records bytes delivered at stream offset `offset` (only the last size() bytes matter). The
  // common case, a chunk that fits before the ring's end, is one inline copy.
  void store(std::int64_t offset, core::Bytes bytes) {
    const std::size_t at = static_cast<std::size_t>(offset) & (size_ - 1);
    if (size_ != 0 && at + bytes.size() <= size_) {
      if (!bytes.empty()) std::memcpy(ring_.get() + at, bytes.data(), bytes.size());
      return;
    }
    store_wrapped(offset, bytes);
  }
  // True when a byte of `bytes` (at `offset`) inside [from, to) differs from what was stored
  // there. The caller keeps [from, to) within the last size() bytes stored without a gap.
  bool differs(std::int64_t offset, core::Bytes bytes, std::int64_t from, std::int64_t to) const;

 private:
  void store_wrapped(std::int64_t offset, core::Bytes bytes);

  std::unique_ptr<std::byte[]> ring_;
  std::size_t size_ = 0;
};

}  // namespace normwatch::stream::detail
