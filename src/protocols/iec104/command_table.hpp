// Commands awaiting confirmation (IEC 60870-5-101 §7.4 command procedures as used by 104):
// an activation (COT act), deactivation (deact) or read request (req) from the controlling
// station, keyed by type, common address and IOA, until the controlled station mirrors it
// (actcon, deactcon, a monitor reply to a read, or an "unknown ..." cause). A command to the global
// (broadcast) common address is confirmed by each station with its own address (101 §7.2.4), so
// it matches a confirmation from any address and stays until t1 to absorb the others' too.
// Capacity is fixed at construction; the session reports a full table and the entries that time out.
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
  bool confirmed = false;  // a broadcast already confirmed once: dropped silently at t1 or the end
};

class CommandTable {
 public:
  explicit CommandTable(std::size_t capacity, std::uint32_t broadcast_ca = 0xFFFF)
      : capacity_(capacity), broadcast_ca_(broadcast_ca) {
    entries_.reserve(capacity);
  }

  // False when the table is full (the command is not tracked).
  bool add(const PendingCommand& command) {
    if (entries_.size() >= capacity_) return false;
    entries_.push_back(command);
    return true;
  }
  // Confirms the oldest entry matching type (0: any type), request cause and address, trying
  // unconfirmed entries before broadcasts that another station has confirmed; true if found.
  bool confirm(std::uint8_t type, std::uint8_t request_cot, std::uint16_t ca, std::uint32_t ioa) {
    for (const bool already_confirmed : {false, true}) {
      for (std::size_t i = 0; i < entries_.size(); ++i) {
        PendingCommand& e = entries_[i];
        const bool broadcast = e.ca == broadcast_ca_;
        if (e.confirmed != already_confirmed || (type != 0 && e.type != type) || e.cot != request_cot ||
            !(e.ca == ca || broadcast) || e.ioa != ioa) {
          continue;
        }
        if (broadcast) {
          e.confirmed = true;
        } else {
          entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
        }
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
        if (!entries_[i].confirmed) on_expired(entries_[i]);
      } else {
        entries_[kept++] = entries_[i];
      }
    }
    entries_.resize(kept);
  }
  template <class F>
  void drain(F&& on_entry) {
    for (const PendingCommand& e : entries_) {
      if (!e.confirmed) on_entry(e);
    }
    entries_.clear();
  }
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

 private:
  std::size_t capacity_;
  std::uint32_t broadcast_ca_;
  std::vector<PendingCommand> entries_;
};

}  // namespace normwatch::protocols::iec104
