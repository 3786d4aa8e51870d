// Commands awaiting confirmation (IEC 60870-5-101 §7.4 command procedures as used by 104):
// an activation (COT act), deactivation (deact) or read request (req) from the controlling
// station, keyed by type, common address and IOA, until the controlled station mirrors it
// (actcon, deactcon, a monitor reply to a read, or an "unknown ..." cause). Capacity is fixed at
// construction; the session reports a full table and the entries that time out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace normwatch::protocols::iec104 {

struct PendingCommand {
  std::uint8_t type = 0;
  std::uint8_t cot = 0;  // 5 req, 6 act, 8 deact
  std::uint16_t ca = 0;
  std::uint32_t ioa = 0;
  std::int64_t ts_ns = 0;
  std::uint64_t frame_no = 0;
};

class CommandTable {
 public:
  explicit CommandTable(std::size_t capacity) : capacity_(capacity) { entries_.reserve(capacity); }

  // False when the table is full (the command is not tracked).
  bool add(const PendingCommand& command) {
    if (entries_.size() >= capacity_) return false;
    entries_.push_back(command);
    return true;
  }
  // Removes the oldest entry matching type (0: any type), request cause, address; true if found.
  bool confirm(std::uint8_t type, std::uint8_t request_cot, std::uint16_t ca, std::uint32_t ioa) {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const PendingCommand& e = entries_[i];
      if ((type == 0 || e.type == type) && e.cot == request_cot && e.ca == ca && e.ioa == ioa) {
        entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
        return true;
      }
    }
    return false;
  }
  // Calls on_expired for each entry older than `timeout_ns` at `now_ns`, and removes it.
  template <class F>
  void expire(std::int64_t now_ns, std::int64_t timeout_ns, F&& on_expired) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (now_ns - entries_[i].ts_ns > timeout_ns) {
        on_expired(entries_[i]);
      } else {
        entries_[kept++] = entries_[i];
      }
    }
    entries_.resize(kept);
  }
  template <class F>
  void drain(F&& on_entry) {
    for (const PendingCommand& e : entries_) on_entry(e);
    entries_.clear();
  }
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

 private:
  std::size_t capacity_;
  std::vector<PendingCommand> entries_;
};

}  // namespace normwatch::protocols::iec104
