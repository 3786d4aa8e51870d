// Link state of one IEC 60870-5-104 connection (104 §5.2–5.5): data transfer started or stopped
// (STARTDT/STOPDT act and con), pending U-format activations (TESTFR too), and per direction the
// send sequence number N(S) and the acknowledgements N(R) it received, modulo 2^15, with the k and
// w window checks. Directions are flow sides (0 = client, 1 = server), independent of roles.
#pragma once

#include <array>
#include <cstdint>

#include "normwatch/protocols/iec104/anomaly.hpp"
#include "normwatch/protocols/iec104/config.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"
#include "normwatch/protocols/iec104/session.hpp"

namespace normwatch::protocols::iec104 {

struct LinkEvent {
  Anomaly anomaly = Anomaly::count_;
  std::uint32_t a = 0;  // expected / count / N(R)
  std::uint32_t b = 0;  // got / limit / next N(S)
};

class LinkEvents {
 public:
  void clear() { size_ = 0; }
  void add(Anomaly anomaly, std::uint32_t a = 0, std::uint32_t b = 0) {
    if (size_ < items_.size()) items_[size_++] = LinkEvent{anomaly, a, b};
  }
  std::size_t size() const { return size_; }
  const LinkEvent& operator[](std::size_t i) const { return items_[i]; }

 private:
  std::array<LinkEvent, 6> items_{};
  std::size_t size_ = 0;
};

class LinkState {
 public:
  explicit LinkState(const Config& config) : k_(config.k), w_(config.w), w_burst_ns_(config.w_burst_ns) {}

  void on_i(int from, std::uint16_t ns, std::uint16_t nr, std::int64_t ts_ns, LinkEvents& out);
  void on_s(int from, std::uint16_t nr, LinkEvents& out);
  void on_u(int from, UFunction function, LinkEvents& out);
  // Bytes from `from` were lost: forget what cannot be trusted any more, without anomalies.
  void on_gap(int from);

  DataTransfer data_transfer() const { return transfer_; }

 private:
  // Receive-time history of a side's recent I-frames by N(S), to judge how promptly the peer
  // acknowledged them (the w check). Fixed size: bounded memory whatever k is.
  static constexpr std::uint16_t kHistory = 32;

  struct Direction {
    bool tx_known = false;
    std::uint16_t tx_next = 0;     // N(S) this side sends next
    bool ack_known = false;
    std::uint16_t ack = 0;         // last N(R) this side sent: it acknowledged peer frames < ack
    bool k_reported = false;       // k episode already reported
    std::uint16_t history_first = 0;  // first N(S) of the current unbroken run
    std::array<std::int64_t, kHistory> sent_ns{};  // receive times by N(S) % kHistory
    std::uint8_t pending_acts = 0; // U-format acts awaiting the peer's con (bit per UFunction)
    bool watched = false;          // an APDU of this side was seen since the start or last gap
  };

  void on_ack(int from, std::uint16_t nr, LinkEvents& out);
  bool in_history(const Direction& d, std::uint16_t ns) const;

  std::uint16_t k_;
  std::uint16_t w_;
  std::int64_t w_burst_ns_;
  std::array<Direction, 2> dirs_{};
  DataTransfer transfer_ = DataTransfer::unknown;
  bool i_before_reported_ = false;
};

}  // namespace normwatch::protocols::iec104
