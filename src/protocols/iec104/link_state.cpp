// Sequence numbers, acknowledgements and the k/w window (IEC 60870-5-104 §5.2, §5.5), and the
// STARTDT/STOPDT/TESTFR procedures (§5.3). All arithmetic is modulo 2^15; a difference of less
// than half the space counts as "ahead", more as "behind".
#include "link_state.hpp"

namespace normwatch::protocols::iec104 {

namespace {

constexpr std::uint16_t kHalf = kSequenceModulo / 2;

constexpr std::uint16_t mod(int v) { return static_cast<std::uint16_t>(static_cast<unsigned>(v) & (kSequenceModulo - 1)); }

constexpr std::uint8_t bit(UFunction f) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(f)); }

}  // namespace

bool LinkState::in_history(const Direction& d, std::uint16_t ns) const {
  const std::uint16_t back = mod(d.tx_next - ns);         // 1 = the last frame sent
  const std::uint16_t run = mod(d.tx_next - d.history_first);  // frames in the current run
  return back >= 1 && back <= kHistory && back <= run;
}

void LinkState::on_i(int from, std::uint16_t ns, std::uint16_t nr, std::int64_t ts_ns, LinkEvents& out) {
  Direction& x = dirs_[from];
  Direction& y = dirs_[1 - from];
  x.watched = true;
  if (transfer_ == DataTransfer::stopped || transfer_ == DataTransfer::start_pending) {
    if (!i_before_reported_) out.add(Anomaly::i_frame_before_startdt, static_cast<std::uint32_t>(transfer_));
    i_before_reported_ = true;
  }
  if (!x.tx_known) {
    x.history_first = ns;
    // N(S) 0 opens a connection's numbering: nothing of it can have been acknowledged yet.
    if (ns == 0 && !y.ack_known) {
      y.ack_known = true;
      y.ack = 0;
    }
  } else if (ns != x.tx_next) {
    const std::uint16_t forward = mod(ns - x.tx_next);
    out.add(forward < kHalf ? Anomaly::sequence_gap : Anomaly::sequence_duplicate, x.tx_next, ns);
    x.history_first = ns;  // a new unbroken run starts here
  }
  x.tx_known = true;
  x.tx_next = mod(ns + 1);
  x.sent_ns[ns % kHistory] = ts_ns;

  on_ack(from, nr, out);

  // k: this side's frames not yet acknowledged by the peer.
  if (y.ack_known) {
    const std::uint16_t outstanding = mod(x.tx_next - y.ack);
    if (outstanding < kHalf && outstanding > k_) {
      if (!x.k_reported) out.add(Anomaly::k_exceeded, outstanding, k_);
      x.k_reported = true;
    }
  }
}

void LinkState::on_s(int from, std::uint16_t nr, LinkEvents& out) {
  dirs_[from].watched = true;
  on_ack(from, nr, out);
}

void LinkState::on_ack(int from, std::uint16_t nr, LinkEvents& out) {
  Direction& x = dirs_[from];      // acknowledging side
  Direction& y = dirs_[1 - from];  // side whose I-frames are acknowledged
  bool beyond = false;
  if (y.tx_known) {
    const std::uint16_t ahead = mod(nr - y.tx_next);
    beyond = ahead != 0 && ahead < kHalf;
    if (beyond) out.add(Anomaly::ack_of_unsent, nr, y.tx_next);
  }
  if (x.ack_known && !beyond) {
    const std::uint16_t advance = mod(nr - x.ack);
    if (advance >= kHalf) {
      out.add(Anomaly::ack_regressed, nr, x.ack);
    } else if (advance > w_ && y.tx_known) {
      // The receiver let more than w I-frames go unacknowledged. Frames that reached it in one
      // burst with the w-th could not have been acknowledged in between, so only a later one counts.
      const std::uint16_t wth = mod(x.ack + w_ - 1);
      const std::uint16_t last = mod(nr - 1);
      const bool have_wth = in_history(y, wth);
      const bool tracked = mod(wth - y.history_first) < kHalf;  // wth belongs to the current run
      if (have_wth && in_history(y, last)) {
        if (y.sent_ns[last % kHistory] - y.sent_ns[wth % kHistory] > w_burst_ns_) out.add(Anomaly::w_exceeded, advance, w_);
      } else if (!have_wth && tracked) {
        out.add(Anomaly::w_exceeded, advance, w_);  // far more than the history holds
      }
    }
  }
  x.ack = nr;
  x.ack_known = true;
  if (y.tx_known) {
    const std::uint16_t outstanding = mod(y.tx_next - nr);
    if (outstanding <= k_) y.k_reported = false;
  }
}

void LinkState::on_u(int from, UFunction function, LinkEvents& out) {
  Direction& x = dirs_[from];
  Direction& y = dirs_[1 - from];
  if (is_act(function)) {
    x.pending_acts = static_cast<std::uint8_t>(x.pending_acts | bit(function));
  } else if (function != UFunction::none) {
    const UFunction act = function == UFunction::startdt_con  ? UFunction::startdt_act
                          : function == UFunction::stopdt_con ? UFunction::stopdt_act
                                                              : UFunction::testfr_act;
    if ((y.pending_acts & bit(act)) != 0) {
      y.pending_acts = static_cast<std::uint8_t>(y.pending_acts & ~bit(act));
    } else if (y.watched) {
      out.add(Anomaly::unexpected_confirmation, static_cast<std::uint32_t>(function));
    }
  }
  x.watched = true;
  const DataTransfer before = transfer_;
  switch (function) {
    case UFunction::startdt_act: transfer_ = DataTransfer::start_pending; break;
    case UFunction::startdt_con: transfer_ = DataTransfer::started; break;
    case UFunction::stopdt_act: transfer_ = DataTransfer::stop_pending; break;
    case UFunction::stopdt_con: transfer_ = DataTransfer::stopped; break;
    default: break;
  }
  if (transfer_ != before) i_before_reported_ = false;
}

void LinkState::on_gap(int from) {
  Direction& x = dirs_[from];
  x.tx_known = false;
  x.ack_known = false;
  x.k_reported = false;
  x.watched = false;
  x.pending_acts = 0;
  dirs_[1 - from].k_reported = false;
  dirs_[1 - from].pending_acts = 0;  // its act may have been answered in the lost bytes
  transfer_ = DataTransfer::unknown;  // a STARTDT/STOPDT may have been lost
  i_before_reported_ = false;
}

}  // namespace normwatch::protocols::iec104
