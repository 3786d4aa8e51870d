// RecentWindow: ring writes and compares (see recent_window.hpp).
#include "recent_window.hpp"

#include <algorithm>
#include <cstring>

namespace normwatch::stream::detail {

void RecentWindow::allocate(std::size_t size) {
  if (size == 0) return;
  ring_ = std::make_unique<std::byte[]>(size);
  size_ = size;
}

void RecentWindow::store_wrapped(std::int64_t offset, core::Bytes bytes) {
  if (size_ == 0 || bytes.empty()) return;
  if (bytes.size() > size_) {
    offset += static_cast<std::int64_t>(bytes.size() - size_);
    bytes = bytes.last(size_);
  }
  const std::size_t at = static_cast<std::size_t>(offset) & (size_ - 1);
  const std::size_t first = std::min(bytes.size(), size_ - at);
  std::memcpy(ring_.get() + at, bytes.data(), first);
  if (first < bytes.size()) std::memcpy(ring_.get(), bytes.data() + first, bytes.size() - first);
}

bool RecentWindow::differs(std::int64_t offset, core::Bytes bytes, std::int64_t from, std::int64_t to) const {
  if (size_ == 0) return false;
  const std::int64_t lo = std::max(offset, from);
  const std::int64_t hi = std::min(offset + static_cast<std::int64_t>(bytes.size()), to);
  for (std::int64_t o = lo; o < hi; ++o) {
    if (ring_[static_cast<std::size_t>(o) & (size_ - 1)] != bytes[static_cast<std::size_t>(o - offset)]) return true;
  }
  return false;
}

}  // namespace normwatch::stream::detail
