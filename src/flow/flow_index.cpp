// FlowIndex: growth and backward-shift deletion for the flow table's open-addressing index.
#include "flow_index.hpp"

#include <algorithm>
#include <bit>

namespace normwatch::flow {
namespace {
constexpr std::size_t kInitialCapacity = 1024;
constexpr std::size_t kMaxCapacity = std::size_t{1} << 31;  // the 32-bit tag still gives the home slot
}  // namespace

FlowIndex::FlowIndex(std::size_t max_entries) {
  max_capacity_ = std::min(kMaxCapacity, std::bit_ceil(std::max<std::size_t>(16, max_entries * 2)));
  const std::size_t cap = std::min(kInitialCapacity, max_capacity_);
  slots_ = std::make_unique<Slot[]>(cap);
  mask_ = cap - 1;
}

void FlowIndex::place(Slot slot) {
  std::size_t i = slot.tag & mask_;
  while (slots_[i].id_plus1 != 0) i = (i + 1) & mask_;
  slots_[i] = slot;
}

void FlowIndex::grow() {
  const std::size_t old_cap = mask_ + 1;
  auto old = std::move(slots_);
  slots_ = std::make_unique<Slot[]>(old_cap * 2);
  mask_ = old_cap * 2 - 1;
  for (std::size_t i = 0; i < old_cap; ++i) {
    if (old[i].id_plus1 != 0) place(old[i]);
  }
}

void FlowIndex::insert(std::uint64_t hash, std::uint32_t id) {
  if ((count_ + 1) * 2 > mask_ + 1 && mask_ + 1 < max_capacity_) grow();
  place(Slot{static_cast<std::uint32_t>(hash), id + 1});
  ++count_;
}

void FlowIndex::erase(std::uint64_t hash, std::uint32_t id) {
  std::size_t i = static_cast<std::uint32_t>(hash) & mask_;
  while (slots_[i].id_plus1 != id + 1) {
    if (slots_[i].id_plus1 == 0) return;
    i = (i + 1) & mask_;
  }
  // Backward shift: pull later entries of the probe run into the hole when their home slot
  // does not lie cyclically in (hole, j], so every entry stays reachable from its home.
  std::size_t hole = i;
  for (std::size_t j = (hole + 1) & mask_; slots_[j].id_plus1 != 0; j = (j + 1) & mask_) {
    const std::size_t home = slots_[j].tag & mask_;
    if (((j - home) & mask_) >= ((j - hole) & mask_)) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = Slot{};
  --count_;
}

}  // namespace normwatch::flow
