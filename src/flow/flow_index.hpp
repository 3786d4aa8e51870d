// FlowIndex: open-addressing hash index from a flow key's hash to a flow record id (linear probing,
// backward-shift deletion, no tombstones). It stores only part of the hash to skip most key
// compares; a hit is always confirmed by comparing the full key (never hash-only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace normwatch::flow {

inline constexpr std::uint32_t kNoFlow = 0xFFFFFFFFu;

class FlowIndex {
 public:
  // Sized for at most max_entries at a load of 1/2 or less; starts small and doubles on insert.
  explicit FlowIndex(std::size_t max_entries);

  // Returns the id whose stored hash matches and for which same_key(id) is true, else kNoFlow.
  template <class SameKey>
  std::uint32_t find(std::uint64_t hash, SameKey&& same_key) const {
    const auto tag = static_cast<std::uint32_t>(hash);
    for (std::size_t i = tag & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id_plus1 == 0) return kNoFlow;
      if (s.tag == tag && same_key(s.id_plus1 - 1)) return s.id_plus1 - 1;
    }
  }

  // The id must not be present already. May allocate (only when the index grows).
  void insert(std::uint64_t hash, std::uint32_t id);
  // Removes the entry for `id` inserted with `hash` (no-op if absent).
  void erase(std::uint64_t hash, std::uint32_t id);

  std::size_t size() const { return count_; }
  std::size_t capacity() const { return mask_ + 1; }

 private:
  struct Slot {
    std::uint32_t tag = 0;      // low 32 bits of the hash: home slot and a cheap pre-check
    std::uint32_t id_plus1 = 0; // 0: empty
  };
  void grow();
  void place(Slot slot);

  std::unique_ptr<Slot[]> slots_;
  std::size_t mask_ = 0;
  std::size_t count_ = 0;
  std::size_t max_capacity_ = 0;
};

}  // namespace normwatch::flow
