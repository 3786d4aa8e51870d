// The IEC 60870-5-104 session: frames each direction (104 §5.1), parses APDUs, keeps the link
// state (§5.2–5.5), works out which side is the controlling station, pairs commands with their
// confirmations, and reports every APDU and every named anomaly to the sink.
#include "normwatch/protocols/iec104/session.hpp"

#include <cstdio>

#include "checks.hpp"
#include "command_table.hpp"
#include "link_state.hpp"
#include "normwatch/protocols/common/frame_assembler.hpp"
#include "normwatch/protocols/iec104/framer.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"

namespace normwatch::protocols::iec104 {

namespace {

constexpr int index(Side s) { return s == Side::client ? 0 : 1; }

bool is_element_anomaly(Anomaly a) {
  return static_cast<int>(a) >= static_cast<int>(Anomaly::reserved_siq) &&
         static_cast<int>(a) <= static_cast<int>(Anomaly::reserved_time_bits);
}

Anomaly anomaly_for_resync(std::string_view reason) {
  if (reason == "iec104.bad_start") return Anomaly::bad_start;
  if (reason == "iec104.bad_length") return Anomaly::bad_length;
  if (reason == "iec104.implausible_apdu") return Anomaly::implausible_apdu;
  return Anomaly::frame_too_large;  // the assembler's own reason
}

std::string_view transfer_name(std::uint32_t state) {
  switch (static_cast<DataTransfer>(state)) {
    case DataTransfer::stopped: return "stopped";
    case DataTransfer::start_pending: return "STARTDT not confirmed";
    default: return "not started";
  }
}

std::string_view type_name(std::uint8_t type) {
  const std::string_view n = type_info(type).name;
  return n.empty() ? std::string_view("undefined type") : n;
}

// An APDU is at most 255 bytes: buffering more per direction would only cost memory.
constexpr std::size_t frame_cap(std::size_t configured) { return configured < kMaxApduBytes ? configured : kMaxApduBytes; }

constexpr std::uint8_t kDelayAcquisitionType = 106;  // C_CD_NA_1

// Evidence about roles, weakest first: a stronger kind overrides a weaker one.
enum class Evidence : std::uint8_t { none, asdu, u_frame };

}  // namespace

class Iec104Session::Impl {
 public:
  Impl(PduSink& sink, const Config& config, std::size_t max_frame)
      : sink_(sink),
        config_(config),
        link_(config),
        commands_(config.limits.max_outstanding_commands, config.widths.broadcast_address()),
        dirs_{Direction{FrameAssembler(frame_cap(max_frame)), ApduFramer(config.widths)},
              Direction{FrameAssembler(frame_cap(max_frame)), ApduFramer(config.widths)}} {}

  void on_stream(Side from, core::Bytes bytes, bool gap_before, const SegmentContext& ctx) {
    ctx_ = ctx;
    sender_ = from;
    Direction& d = dirs_[index(from)];
    if (gap_before) begin_gap(d);
    d.assembler.feed(
        bytes, false, ctx.frame_no, [&d](core::Bytes b) { return d.framer(b); },
        [this](core::Bytes apdu, std::uint64_t frame_no) { on_apdu(apdu, frame_no); },
        [this, &d](std::string_view why, std::size_t n, std::uint64_t frame_no) { on_resync(d, why, n, frame_no); });
    sync_assembler_counters();
  }

  void on_end(const SegmentContext& ctx) {
    ctx_ = ctx;
    for (int i = 0; i < 2; ++i) {
      sender_ = i == 0 ? Side::client : Side::server;
      Direction& d = dirs_[i];
      d.assembler.finish(ctx.frame_no, [this, &d](std::string_view why, std::size_t n, std::uint64_t frame_no) {
        on_resync(d, why, n, frame_no);
      });
    }
    sync_assembler_counters();
    commands_.drain([this](const PendingCommand& c) { report_unanswered(c, "before the end of the flow"); });
  }

  const SessionCounters& counters() const { return counters_; }
  Side controlling_side() const { return controlling_; }
  DataTransfer data_transfer() const { return link_.data_transfer(); }

 private:
  struct Direction {
    FrameAssembler assembler;
    ApduFramer framer;
    bool after_gap = false;
  };

  // The side as reported: the controlling station is the client.
  Side reported(Side flow_side) const { return flow_side == controlling_ ? Side::client : Side::server; }

  void sync_assembler_counters() {
    counters_.resyncs = dirs_[0].assembler.counters().resyncs + dirs_[1].assembler.counters().resyncs;
    counters_.bytes_skipped = dirs_[0].assembler.counters().skipped_bytes + dirs_[1].assembler.counters().skipped_bytes;
    counters_.partial_discarded =
        dirs_[0].assembler.counters().partial_discarded + dirs_[1].assembler.counters().partial_discarded;
  }

  void begin_gap(Direction& d) {
    // Close what was pending before the hole, then resynchronise strictly after it.
    d.assembler.finish(ctx_.frame_no, [this, &d](std::string_view why, std::size_t n, std::uint64_t frame_no) {
      on_resync(d, why, n, frame_no);
    });
    d.after_gap = true;
    d.framer.set_strict(true);
    link_.on_gap(index(sender_));
    ++counters_.gaps;
    report(Anomaly::gap, reported(sender_), ctx_.frame_no,
           "bytes lost before this segment: resynchronising, sequence tracking reset");
  }

  void on_resync(Direction& d, std::string_view why, std::size_t skipped, std::uint64_t frame_no) {
    if (d.after_gap) return;  // part of the gap already reported; counted in bytes_skipped
    const int n = std::snprintf(detail_.data(), detail_.size(), "skipped %zu bytes before resynchronising", skipped);
    report(anomaly_for_resync(why), reported(sender_), frame_no, text(n));
  }

  void on_apdu(core::Bytes bytes, std::uint64_t frame_no) {
    Direction& d = dirs_[index(sender_)];
    d.after_gap = false;
    apdu_reports_ = 0;
    limit_reported_ = false;
    role_conflict_now_ = false;
    const ParseError error = parse_apdu_into(bytes, config_.widths, pdu_);
    if (error.failed()) {  // the framer hands over whole APDUs only; kept for safety
      report(error.anomaly(), reported(sender_), frame_no, format_reason(error, reason_));
      return;
    }
    const Pdu& pdu = pdu_;
    ++counters_.apdus;
    observe_roles(pdu);
    const Side from = reported(sender_);

    link_events_.clear();
    const int dir = index(sender_);
    switch (pdu.apci.format) {
      case ApciFormat::i:
        ++counters_.i_frames;
        link_.on_i(dir, pdu.apci.tx, pdu.apci.rx, ctx_.ts.ns, link_events_);
        break;
      case ApciFormat::s:
        ++counters_.s_frames;
        link_.on_s(dir, pdu.apci.rx, link_events_);
        break;
      case ApciFormat::u:
        ++counters_.u_frames;
        if (pdu.apci.u != UFunction::none && !pdu.malformed()) link_.on_u(dir, pdu.apci.u, link_events_);
        break;
    }
    findings_.clear();
    if (pdu.has_asdu) {
      check_asdu_header(pdu.asdu, config_, findings_);
      if (config_.check_element_values) {
        pdu.asdu.for_each_object([this](const InformationObject& o) { check_element(o.value(), o.ioa, findings_); });
      }
      if (!pdu.malformed()) counters_.objects += pdu.asdu.num;
    }

    std::string_view malformed;
    if (pdu.malformed()) {
      malformed = format_reason(pdu.defect, reason_);
      ++counters_.malformed;
    }
    sink_.on_pdu(make_pdu_record(pdu, frame_no, ctx_.ts, from, malformed));

    if (pdu.malformed()) report_limited(pdu.defect.anomaly(), from, frame_no, malformed);
    if (pdu.apci.reserved_bits) {
      const int n = std::snprintf(detail_.data(), detail_.size(), "control %02x %02x %02x %02x", pdu.apci.control[0],
                                  pdu.apci.control[1], pdu.apci.control[2], pdu.apci.control[3]);
      report_limited(Anomaly::reserved_control_bits, from, frame_no, text(n));
    }
    for (std::size_t i = 0; i < link_events_.size(); ++i) report_link_event(link_events_[i], from, frame_no);
    if (role_conflict_now_) {
      report_limited(Anomaly::role_conflict, from, frame_no,
                     "controlling and controlled station evidence disagree (first evidence kept)");
    }
    for (std::size_t i = 0; i < findings_.size(); ++i) report_finding(findings_[i], pdu.asdu, from, frame_no);
    if (pdu.has_asdu) track_commands(pdu.asdu, frame_no);
  }

  // STARTDT/STOPDT act come from the controlling station and con from the controlled one;
  // monitor-direction ASDUs and mirrored confirmations from the controlled station; activations,
  // deactivations and requests from the controlling station.
  void observe_roles(const Pdu& pdu) {
    bool sender_controls = false;
    Evidence level = Evidence::none;
    if (pdu.apci.format == ApciFormat::u && !pdu.malformed()) {
      switch (pdu.apci.u) {
        case UFunction::startdt_act:
        case UFunction::stopdt_act: sender_controls = true; level = Evidence::u_frame; break;
        case UFunction::startdt_con:
        case UFunction::stopdt_con: sender_controls = false; level = Evidence::u_frame; break;
        default: return;
      }
    } else if (pdu.has_asdu) {
      const Asdu& a = pdu.asdu;
      switch (a.type_info().cls) {
        case TypeClass::monitor:
        case TypeClass::system_monitor: level = Evidence::asdu; break;
        case TypeClass::control:
        case TypeClass::system_control:
        case TypeClass::parameter:
          // C_CD_NA_1 (106) with cause spont carries the measured delay from the controlling station
          // (101 §7.3.4, type 106: control direction <3> spont and <6> act); elsewhere cause 3 is monitor direction.
          if (a.cot == 5 || a.cot == 6 || a.cot == 8 || (a.cot == 3 && a.type == kDelayAcquisitionType)) {
            sender_controls = true;
          } else if (!(a.cot == 7 || a.cot == 9 || a.cot == 10 || (a.cot >= 44 && a.cot <= 47) || a.cot == 3)) {
            return;
          }
          level = Evidence::asdu;
          break;
        default: return;
      }
    } else {
      return;
    }
    const Side claimed = sender_controls ? sender_ : other(sender_);
    if (level > role_level_) {
      if (claimed != controlling_) {
        controlling_ = claimed;
        ++counters_.role_corrections;
      }
      role_level_ = level;
    } else if (claimed != controlling_) {
      if (role_conflict_reported_) {
        count(Anomaly::role_conflict);  // reported once per session, counted every time
      } else {
        role_conflict_now_ = true;
        role_conflict_reported_ = true;
      }
    }
  }

  void track_commands(const Asdu& a, std::uint64_t frame_no) {
    if (!commands_.empty()) {
      commands_.expire(ctx_.ts.ns, config_.t1_ns, [&](const PendingCommand& c) { report_unanswered(c, "within t1"); });
    }
    const std::uint32_t ioa = a.ioa_count > 0 ? a.ioa(0) : 0;
    switch (a.type_info().cls) {
      case TypeClass::monitor:
      case TypeClass::system_monitor:
        if (a.cot == 1 || a.cot == 3) {
          ++counters_.unsolicited;
        } else if (a.cot >= 20 && a.cot <= 41) {
          ++counters_.interrogated;
        } else if (a.cot == 5 && commands_.confirm(102, 5, a.ca, ioa)) {  // answer to C_RD_NA_1
          ++counters_.responses;
        }
        break;
      case TypeClass::control:
      case TypeClass::system_control:
      case TypeClass::parameter:
        if (a.cot == 5 || a.cot == 6 || a.cot == 8) {
          ++counters_.requests;
          if (commands_.add(PendingCommand{a.type, a.cot, a.ca, ioa, ctx_.ts.ns, frame_no})) break;
          if (!outstanding_reported_) {
            const int n = std::snprintf(detail_.data(), detail_.size(), "%zu commands await confirmation; %s not tracked",
                                        config_.limits.max_outstanding_commands, type_name(a.type).data());
            report(Anomaly::outstanding_limit, Side::client, frame_no, text(n));
          } else {
            count(Anomaly::outstanding_limit);
          }
          outstanding_reported_ = true;
        } else if (a.cot == 7 || a.cot == 9) {
          if (a.negative) ++counters_.negative_confirmations;
          matched(commands_.confirm(a.type, static_cast<std::uint8_t>(a.cot - 1), a.ca, ioa));
        } else if (a.cot == 10) {
          ++counters_.terminations;
        } else if (a.cot >= 44 && a.cot <= 47) {
          matched(commands_.confirm(a.type, 6, a.ca, ioa) || commands_.confirm(a.type, 8, a.ca, ioa) ||
                  commands_.confirm(a.type, 5, a.ca, ioa));
        }
        break;
      default: break;
    }
  }

  void matched(bool found) {
    if (found) {
      ++counters_.responses;
      if (commands_.size() < config_.limits.max_outstanding_commands) outstanding_reported_ = false;
    } else {
      ++counters_.unmatched_confirmations;
    }
  }

  void report_unanswered(const PendingCommand& c, const char* when) {
    ++counters_.unanswered;
    const char* what = c.cot == 6 ? "act" : c.cot == 8 ? "deact" : "req";
    const int n = std::snprintf(detail_.data(), detail_.size(), "%s %s ca %u ioa %u (frame %llu) not confirmed %s",
                                type_name(c.type).data(), what, unsigned{c.ca}, c.ioa,
                                static_cast<unsigned long long>(c.frame_no), when);
    report(Anomaly::unanswered_command, Side::client, ctx_.frame_no, text(n));
  }

  void report_link_event(const LinkEvent& e, Side from, std::uint64_t frame_no) {
    int n = 0;
    switch (e.anomaly) {
      case Anomaly::sequence_gap:
      case Anomaly::sequence_duplicate:
        n = std::snprintf(detail_.data(), detail_.size(), "expected N(S) %u, got %u", e.a, e.b);
        break;
      case Anomaly::ack_of_unsent:
        n = std::snprintf(detail_.data(), detail_.size(), "N(R) %u but the peer's next N(S) is %u", e.a, e.b);
        break;
      case Anomaly::ack_regressed:
        n = std::snprintf(detail_.data(), detail_.size(), "N(R) %u after N(R) %u", e.a, e.b);
        break;
      case Anomaly::i_frame_before_startdt:
        n = std::snprintf(detail_.data(), detail_.size(), "data transfer %s", transfer_name(e.a).data());
        break;
      case Anomaly::k_exceeded:
        n = std::snprintf(detail_.data(), detail_.size(), "%u unacknowledged I-frames outstanding, k=%u", e.a, e.b);
        break;
      case Anomaly::w_exceeded:
        n = std::snprintf(detail_.data(), detail_.size(), "%u I-frames acknowledged at once, w=%u", e.a, e.b);
        break;
      case Anomaly::unexpected_confirmation:
        n = std::snprintf(detail_.data(), detail_.size(), "%s without a pending act",
                          name(static_cast<UFunction>(e.a)).data());
        break;
      default: break;
    }
    report_limited(e.anomaly, from, frame_no, text(n));
  }

  void report_finding(const Finding& f, const Asdu& a, Side from, std::uint64_t frame_no) {
    int n = 0;
    if (is_element_anomaly(f.anomaly)) {
      n = std::snprintf(detail_.data(), detail_.size(), "%s value 0x%x at ioa %u (%u of %u objects)",
                        type_name(a.type).data(), f.value, f.ioa, unsigned{f.objects}, unsigned{a.num});
    } else {
      switch (f.anomaly) {
        case Anomaly::reserved_cot:
        case Anomaly::private_cot:
        case Anomaly::cot_not_allowed:
          n = std::snprintf(detail_.data(), detail_.size(), "cot %u for %s", f.value, type_name(a.type).data());
          break;
        case Anomaly::bad_vsq_for_type:
          n = std::snprintf(detail_.data(), detail_.size(), "sq %u num %u for %s", f.value >> 7, f.value & 0x7F,
                            type_name(a.type).data());
          break;
        case Anomaly::zero_common_address:
        case Anomaly::broadcast_not_allowed:
          n = std::snprintf(detail_.data(), detail_.size(), "ca %u for %s", f.value, type_name(a.type).data());
          break;
        default: n = std::snprintf(detail_.data(), detail_.size(), "type %u (%s)", f.value, type_name(a.type).data());
      }
    }
    report_limited(f.anomaly, from, frame_no, text(n));
  }

  std::string_view text(int n) const {
    if (n <= 0) return {};
    const auto len = static_cast<std::size_t>(n) < detail_.size() ? static_cast<std::size_t>(n) : detail_.size() - 1;
    return {detail_.data(), len};
  }

  void count(Anomaly a) {
    ++counters_.anomalies;
    ++counters_.by_anomaly[static_cast<std::size_t>(a)];
  }

  void report(Anomaly a, Side from, std::uint64_t frame_no, std::string_view detail) {
    count(a);
    AnomalyRecord r;
    r.protocol = ProtocolId::iec104;
    r.name = name(a);
    r.frame_no = frame_no;
    r.ts = ctx_.ts;
    r.from = from;
    r.detail = detail;
    sink_.on_anomaly(r);
  }

  // At most Limits::max_anomalies_per_apdu reports per APDU; the rest are counted.
  void report_limited(Anomaly a, Side from, std::uint64_t frame_no, std::string_view detail) {
    if (apdu_reports_ < config_.limits.max_anomalies_per_apdu) {
      ++apdu_reports_;
      report(a, from, frame_no, detail);
      return;
    }
    count(a);
    if (!limit_reported_) {
      limit_reported_ = true;
      report(Anomaly::anomaly_limit, from, frame_no, "more findings in this APDU than max_anomalies_per_apdu");
    }
  }

  PduSink& sink_;
  Config config_;
  LinkState link_;
  CommandTable commands_;
  std::array<Direction, 2> dirs_;
  SessionCounters counters_;
  Side controlling_ = Side::client;
  Evidence role_level_ = Evidence::none;
  bool role_conflict_reported_ = false;
  bool outstanding_reported_ = false;
  // Scratch for the APDU being handled (fixed size: nothing is allocated per APDU).
  SegmentContext ctx_;
  Side sender_ = Side::client;
  std::size_t apdu_reports_ = 0;
  bool limit_reported_ = false;
  bool role_conflict_now_ = false;
  Pdu pdu_;  // parsed in place; records point to it for the duration of the callback
  Findings findings_;
  LinkEvents link_events_;
  std::array<char, 64> reason_{};
  std::array<char, 192> detail_{};
};

Iec104Session::Iec104Session(PduSink& sink, const Config& config, std::size_t max_frame_bytes)
    : impl_(std::make_unique<Impl>(sink, config, max_frame_bytes)) {}

Iec104Session::~Iec104Session() = default;

void Iec104Session::on_stream(Side from, core::Bytes bytes, bool gap_before, const SegmentContext& ctx) {
  impl_->on_stream(from, bytes, gap_before, ctx);
}

// IEC 104 runs over TCP; a datagram is framed like stream bytes so that nothing is lost silently.
void Iec104Session::on_datagram(Side from, core::Bytes bytes, const SegmentContext& ctx) {
  impl_->on_stream(from, bytes, false, ctx);
}

void Iec104Session::on_end(const SegmentContext& ctx) { impl_->on_end(ctx); }

const SessionCounters& Iec104Session::counters() const { return impl_->counters(); }
Side Iec104Session::controlling_side() const { return impl_->controlling_side(); }
DataTransfer Iec104Session::data_transfer() const { return impl_->data_transfer(); }

}  // namespace normwatch::protocols::iec104
