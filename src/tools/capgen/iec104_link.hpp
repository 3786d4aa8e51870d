// One IEC 60870-5-104 connection as the catalogue scenario drives it: U-frames, I-frames with
// V(S)/V(R) per side, and the acknowledgement discipline of 104 §5.5 (a receiver sends an S-frame
// once it holds w = 8 unacknowledged I-frames; an I-frame it sends acknowledges everything too).
// Several APDUs can share one TCP segment, and one APDU can be cut across two segments.
#pragma once

#include <cstdint>
#include <vector>

#include "capgen/conversation.hpp"
#include "capgen/iec104_encoder.hpp"
#include "capgen/scenario.hpp"

namespace normwatch::tools::capgen {

class Iec104Link {
 public:
  static constexpr unsigned kW = 8;  // 104 §5.5 default w

  Iec104Link(ScenarioContext& ctx, TcpSession& tcp) : ctx_(ctx), tcp_(tcp) {}

  void u(Side from, std::uint8_t control);
  void s(Side from);  // acknowledges every I-frame `from` has received
  // One I-frame per ASDU, all in one TCP segment (at most kW, so that the peer can keep up).
  void i(Side from, const std::vector<Bytes>& asdus);
  void i(Side from, const Bytes& asdu) { i(from, std::vector<Bytes>{asdu}); }
  // One I-frame sent as two TCP segments, cut `first` octets in.
  void i_split(Side from, const Bytes& asdu, std::size_t first);
  // S-frames from any side still holding unacknowledged I-frames.
  void settle();
  void pause(std::int64_t us) { ctx_.out().advance_us(us); }

 private:
  Bytes frame(Side from, const Bytes& asdu);
  void after_i_frames(Side from);
  static std::size_t at(Side s) { return static_cast<std::size_t>(s); }

  ScenarioContext& ctx_;
  TcpSession& tcp_;
  iec104::Counters counters_[2];
  unsigned unacked_[2] = {0, 0};  // I-frames each side received and has not acknowledged yet
};

}  // namespace normwatch::tools::capgen
