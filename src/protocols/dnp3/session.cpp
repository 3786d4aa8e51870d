// DNP3 per-flow session (IEEE 1815-2012 clauses 9 link, 8 transport, 4 application): drives the
// link framer, transport reassembly and application parser, decides each sender's role from the
// DIR bit, pairs responses with requests, and reports PDUs and named anomalies to the PduSink.
// No allocation per frame or fragment: every buffer is sized when the session is made, or on the
// first multi-segment fragment of a link address pair.
#include "normwatch/protocols/dnp3/session.hpp"

#include <charconv>

#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/dnp3/object_table.hpp"

namespace normwatch::protocols::dnp3 {

namespace {

constexpr std::size_t side_index(Side s) { return s == Side::client ? 0 : 1; }

// Malformed (encoding) errors versus limits and unknowns, which are anomalies on a clean PDU.
constexpr bool is_encoding_error(Anomaly a) {
  return a == Anomaly::app_too_short || a == Anomaly::bad_qualifier || a == Anomaly::bad_range ||
         a == Anomaly::object_truncated;
}

Anomaly anomaly_from_name(std::string_view n) {
  for (std::size_t i = 1; i < kAnomalyCount; ++i) {
    if (name(static_cast<Anomaly>(i)) == n) return static_cast<Anomaly>(i);
  }
  return Anomaly::no_sync;
}

}  // namespace

std::uint64_t SessionCounters::anomaly_total() const {
  std::uint64_t n = 0;
  for (std::uint64_t v : anomalies) n += v;
  return n;
}

Dnp3Session::Dnp3Session(PduSink& sink, const Limits& limits)
    : sink_(sink),
      limits_(limits),
      assemblers_{FrameAssembler(kMaxLinkFrameSize), FrameAssembler(kMaxLinkFrameSize)},
      transport_(limits.transport),
      tracker_(limits.max_outstanding_requests),
      storage_(limits.app) {}

void Dnp3Session::emit(Anomaly a, Side from, std::uint64_t frame_no, core::Timestamp ts, std::string_view detail) {
  ++counters_.anomalies[static_cast<std::size_t>(a)];
  AnomalyRecord r;
  r.protocol = ProtocolId::dnp3;
  r.name = name(a);
  r.frame_no = frame_no;
  r.ts = ts;
  r.from = from;
  r.detail = detail;
  sink_.on_anomaly(r);
}

void Dnp3Session::emit_resync(std::string_view why, std::size_t skipped, Side from, std::uint64_t frame_no,
                              core::Timestamp ts) {
  ++counters_.resyncs;
  counters_.bytes_skipped += skipped;
  // "skipped N bytes" into a fixed buffer: no allocation on this path either.
  constexpr std::string_view kPrefix = "skipped ";
  std::copy(kPrefix.begin(), kPrefix.end(), detail_.begin());
  char* const end = detail_.data() + detail_.size();
  auto [p, ec] = std::to_chars(detail_.data() + kPrefix.size(), end - 6, skipped);
  if (ec != std::errc{}) p = detail_.data() + kPrefix.size();
  constexpr std::string_view kSuffix = " bytes";
  std::copy(kSuffix.begin(), kSuffix.end(), p);
  p += kSuffix.size();
  emit(anomaly_from_name(why), from, frame_no, ts, std::string_view(detail_.data(), static_cast<std::size_t>(p - detail_.data())));
}

Side Dnp3Session::role_of(Side side, const LinkHeader& link, std::uint64_t frame_no, core::Timestamp ts) {
  // DIR = 1: sent by the master, which normwatch calls the client whatever the flow guessed.
  const Side role = link.dir() ? Side::client : Side::server;
  SideRole& r = roles_[side_index(side)];
  if (!r.known) {
    r.known = true;
    r.role = role;
    if (role != side) ++counters_.direction_corrections;
  } else if (r.role != role) {
    emit(Anomaly::dir_inconsistent, role, frame_no, ts);
  }
  return role;
}

void Dnp3Session::report_link_only(Side from, const LinkHeader& link, Anomaly malformed, std::uint64_t frame_no,
                                   core::Timestamp ts) {
  ++counters_.link_only_frames;
  pdu_.link = link;
  pdu_.has_app = false;
  pdu_.app = AppFragment{};
  pdu_.request_function = -1;
  if (malformed != Anomaly::none) ++counters_.malformed;
  sink_.on_pdu(make_pdu_record(pdu_, frame_no, ts, from, reason(malformed)));
}

void Dnp3Session::handle_frame(Side side, core::Bytes frame, std::uint64_t frame_no, core::Timestamp ts) {
  LinkFrame lf;
  // Every caller got `frame` from frame_link(), which checked the header CRC.
  const Anomaly a = decode_link_frame(frame, user_data_, lf, HeaderCrc::already_checked);
  if (a != Anomaly::none && a != Anomaly::bad_data_crc) {
    // Not reachable through frame_link(); keep this path total anyway.
    emit(a, side, frame_no, ts);
    return;
  }
  ++counters_.link_frames;
  const Side from = role_of(side, lf.header, frame_no, ts);
  if (a == Anomaly::bad_data_crc) {
    // The header is sound but the data is not: report the frame, never pass the data on.
    emit(a, from, frame_no, ts);
    report_link_only(from, lf.header, a, frame_no, ts);
    return;
  }
  const LinkFunctionInfo& info = link_function_info(lf.header.prm(), lf.header.function());
  const bool has_data = !lf.user_data.empty();
  if (info.known() && info.carries_user_data && has_data) {
    const SegmentOutcome o =
        transport_.on_segment(TransportKey{side, lf.header.source, lf.header.destination}, lf.user_data);
    for (std::uint8_t i = 0; i < o.anomaly_count; ++i) emit(o.anomalies[i], from, frame_no, ts);
    if (o.status == SegmentStatus::complete) handle_fragment(from, lf.header, o.fragment, frame_no, ts);
    return;
  }
  Anomaly problem = Anomaly::none;
  if (!info.known()) {
    problem = Anomaly::unknown_link_function;
  } else if (has_data != info.carries_user_data) {
    problem = Anomaly::link_function_mismatch;
  }
  if (problem != Anomaly::none) emit(problem, from, frame_no, ts);
  report_link_only(from, lf.header, problem, frame_no, ts);
}

Anomaly Dnp3Session::pair(const LinkHeader& link) {
  const AppFragment& app = pdu_.app;
  const FunctionInfo& info = function_info(app.function);
  if (app.function == fc::kConfirm) {
    ++counters_.confirms;
  } else if (app.function == fc::kUnsolicitedResponse) {
    ++counters_.unsolicited;
  } else if (info.is_response) {
    ++counters_.responses;
    const auto request = tracker_.on_response(link.destination, link.source, app.control, app.function);
    if (request) {
      ++counters_.paired_responses;
      pdu_.request_function = *request;
    } else {
      ++counters_.unmatched_responses;
    }
  } else if (info.known()) {
    ++counters_.requests;
    if (info.expects_response) {
      const auto added = tracker_.on_request(link.source, link.destination, app.control.seq, app.function);
      if (added.replaced || added.evicted) ++counters_.unanswered_requests;
      if (added.evicted) return Anomaly::too_many_outstanding;
    }
  }
  return Anomaly::none;
}

void Dnp3Session::handle_fragment(Side from, const LinkHeader& link, core::Bytes fragment, std::uint64_t frame_no,
                                  core::Timestamp ts) {
  ++counters_.fragments;
  pdu_.link = link;
  pdu_.has_app = true;
  pdu_.request_function = -1;
  const Anomaly error = parse_app(fragment, limits_.app, storage_.view(), pdu_.app);
  const AppFragment& app = pdu_.app;
  Anomaly role = Anomaly::none;
  Anomaly pairing = Anomaly::none;
  if (error != Anomaly::app_too_short) {
    const FunctionInfo& info = function_info(app.function);
    if (info.known() && info.is_response == link.dir()) role = Anomaly::role_mismatch;
    pairing = pair(link);
  }
  if (app.secure_auth) ++counters_.secure_auth;
  const bool malformed = is_encoding_error(error);
  if (malformed) ++counters_.malformed;
  sink_.on_pdu(make_pdu_record(pdu_, frame_no, ts, from, malformed ? reason(error) : std::string_view{}));
  if (error != Anomaly::none) emit(error, from, frame_no, ts);
  if (app.decoded_truncated) emit(Anomaly::too_many_controls, from, frame_no, ts);
  if (role != Anomaly::none) emit(role, from, frame_no, ts);
  if (pairing != Anomaly::none) emit(pairing, from, frame_no, ts);
}

void Dnp3Session::on_stream(Side from, core::Bytes bytes, bool gap_before, const SegmentContext& ctx) {
  FrameAssembler& assembler = assemblers_[side_index(from)];
  if (gap_before) {
    if (assembler.buffered() > 0) emit(Anomaly::link_truncated, from, ctx.frame_no, ctx.ts, "partial frame lost to a gap");
    const std::size_t lost = transport_.abandon(from);
    for (std::size_t i = 0; i < lost; ++i) emit(Anomaly::fragment_abandoned, from, ctx.frame_no, ctx.ts, "stream gap");
  }
  assembler.feed(
      bytes, gap_before, ctx.frame_no, frame_link,
      [&](core::Bytes frame, std::uint64_t frame_no) { handle_frame(from, frame, frame_no, ctx.ts); },
      [&](std::string_view why, std::size_t skipped, std::uint64_t frame_no) {
        emit_resync(why, skipped, from, frame_no, ctx.ts);
      });
}

void Dnp3Session::on_datagram(Side from, core::Bytes bytes, const SegmentContext& ctx) {
  std::size_t skipped = 0;
  std::string_view skip_reason;
  auto flush = [&] {
    if (skipped > 0) emit_resync(skip_reason, skipped, from, ctx.frame_no, ctx.ts);
    skipped = 0;
  };
  core::Bytes rest = bytes;
  while (!rest.empty()) {
    const FrameVerdict v = frame_link(rest);
    if (v.status == FrameStatus::complete && v.size > 0 && v.size <= rest.size()) {
      flush();
      handle_frame(from, rest.first(v.size), ctx.frame_no, ctx.ts);
      rest = rest.subspan(v.size);
    } else if (v.status == FrameStatus::need_more) {
      // The datagram ends inside a frame: a valid header is still reported, as malformed.
      flush();
      if (rest.size() >= kLinkHeaderSize) {
        const LinkHeader h = read_link_header(rest.first(kLinkHeaderSize));
        ++counters_.link_frames;
        const Side role = role_of(from, h, ctx.frame_no, ctx.ts);
        emit(Anomaly::link_truncated, role, ctx.frame_no, ctx.ts);
        report_link_only(role, h, Anomaly::link_truncated, ctx.frame_no, ctx.ts);
      } else {
        emit(Anomaly::link_truncated, from, ctx.frame_no, ctx.ts);
      }
      return;
    } else {
      if (skipped == 0) skip_reason = v.reason;
      const std::size_t n = (v.size == 0 || v.size > rest.size()) ? 1 : v.size;
      skipped += n;
      rest = rest.subspan(n);
    }
  }
  flush();
}

void Dnp3Session::on_end(const SegmentContext& ctx) {
  for (Side side : {Side::client, Side::server}) {
    FrameAssembler& assembler = assemblers_[side_index(side)];
    if (assembler.buffered() > 0) emit(Anomaly::link_truncated, side, ctx.frame_no, ctx.ts, "partial frame at end of flow");
    assembler.finish(ctx.frame_no, [&](std::string_view why, std::size_t skipped, std::uint64_t frame_no) {
      emit_resync(why, skipped, side, frame_no, ctx.ts);
    });
  }
  for (Side side : {Side::client, Side::server}) {
    const std::size_t lost = transport_.abandon(side);
    for (std::size_t i = 0; i < lost; ++i) emit(Anomaly::fragment_abandoned, side, ctx.frame_no, ctx.ts, "end of flow");
  }
  counters_.unanswered_requests += tracker_.clear();
}

}  // namespace normwatch::protocols::dnp3
