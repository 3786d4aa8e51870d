// Modbus/TCP session (see session.hpp): MBAP framing per direction with resynchronisation,
// client/server roles from PDU shapes, request/response pairing by transaction and unit id
// (TCP implementation guide §3.1.3, §4.4.1), and reporting of PDUs and named anomalies.
#include "normwatch/protocols/modbus/session.hpp"

#include <algorithm>

#include "text_buffer.hpp"

namespace normwatch::protocols::modbus {

namespace {
constexpr int kMaxRoleScore = 8;     // bound of the role evidence
constexpr int kSettledScore = 3;     // evidence above which a flip is reported as role_change
constexpr std::uint16_t kForceListenOnly = 0x0004;  // FC8 sub-function with no response (§6.8.1)

// Enough evidence that a flip of the roles is reported as role_change.
constexpr bool settled(int role_score) { return role_score >= kSettledScore || role_score <= -kSettledScore; }

constexpr Direction opposite(Direction d) { return d == Direction::request ? Direction::response : Direction::request; }

// The PDU being handled, valid during on_pdu. One per thread rather than one per session: a
// member was three more cold cache lines per ADU when thousands of flows take turns (perf on a
// 4096-flow polling replay), and a session never handles two ADUs at once.
Pdu& scratch_pdu() {
  thread_local Pdu pdu;
  return pdu;
}

// The request fields a response inherits when paired.
constexpr std::uint32_t kInheritedFields = kFieldAddress | kFieldQuantity | kFieldWriteAddress | kFieldWriteQuantity | kFieldSub;
}  // namespace

ModbusSession::ModbusSession(PduSink& sink, const Config& config)
    : sink_(sink),
      limits_{config.tolerated_length < kMaxMbapLength ? kMaxMbapLength : config.tolerated_length},
      transactions_(config.max_outstanding),
      streams_{Stream(kMbapSize - 1 + limits_.tolerated_length), Stream(kMbapSize - 1 + limits_.tolerated_length)} {}

// The framing limits and direct flags, the role score, the outstanding-request table with its
// inline entries and the per-ADU counters: the members every ADU of a poller touches, first in
// declaration order, four cache lines from the aligned start (they were ten when the streams'
// assemblers and every counter lay among them).
protocols::Session::HotRegion ModbusSession::hot_region() const {
  const auto* begin = reinterpret_cast<const char*>(this);
  const auto* end = reinterpret_cast<const char*>(&counters_.exceptions);
  return {this, static_cast<std::size_t>(end - begin)};
}

void ModbusSession::on_stream(Side from, core::Bytes bytes, bool gap_before, const SegmentContext& ctx) {
  const Where at{from, ctx.frame_no, ctx.ts};
  if (!gap_before && direct_[static_cast<std::size_t>(from)]) {
    // The common case of a poller: the chunk is exactly one ADU. Hand it over directly; anything
    // else (several ADUs, a partial one, a bad header, a gap) goes through the assembler.
    if (is_one_adu(bytes, limits_)) {
      handle_adu(bytes, at);
      return;
    }
  }
  feed(stream_of(from), bytes, gap_before, at);
  update_direct(from);
}

// Only feed() can buffer bytes, start a resynchronisation or leave a gap pending; everything else
// only clears them, so direct_ is brought up to date after each feed.
void ModbusSession::update_direct(Side wire) {
  const Stream& stream = stream_of(wire);
  direct_[static_cast<std::size_t>(wire)] = !stream.resyncing && !stream.gap_pending && stream.assembler.idle();
}

void ModbusSession::feed(Stream& stream, core::Bytes bytes, bool gap_before, const Where& at) {
  const auto framer = [this, &stream](core::Bytes available) {
    const FrameVerdict v = frame_mbap(available, stream.resyncing ? FramingMode::resync : FramingMode::in_sync, limits_);
    if (v.status == FrameStatus::invalid) stream.resyncing = true;
    return v;
  };
  const auto on_frame = [this, &stream, &at](core::Bytes adu, std::uint64_t frame_no) {
    handle_frame(stream, adu, Where{at.wire, frame_no, at.ts});
  };
  const auto on_resync = [this, &stream, &at](std::string_view reason, std::size_t skipped, std::uint64_t frame_no) {
    handle_resync(stream, reason, skipped, Where{at.wire, frame_no, at.ts});
  };
  if (gap_before) {
    // Let the assembler drop the partial frame and close any episode from before the gap first,
    // so that what follows the gap is one episode of its own.
    const std::size_t partial = stream.assembler.buffered();
    stream.assembler.feed(core::Bytes(), true, at.frame_no, framer, on_frame, on_resync);
    if (stream.gap_pending) report_gap(stream, 0, at);
    ++counters_.gaps;
    if (partial > 0) ++counters_.partial_frames_dropped;
    stream.gap_pending = true;
    stream.gap_partial = partial;
    stream.resyncing = true;
  }
  if (stream.resyncing && stream.assembler.buffered() == 0 && segment_aligned(bytes)) stream.resyncing = false;
  stream.assembler.feed(bytes, false, at.frame_no, framer, on_frame, on_resync);
}

void ModbusSession::report_gap(Stream& stream, std::size_t skipped, const Where& at) {
  detail::TextBuffer text(detail_text_);
  text.put("after a gap: skipped ").number(skipped).put(" bytes, dropped a partial frame of ").number(stream.gap_partial).put(" bytes");
  stream.gap_pending = false;
  stream.gap_partial = 0;
  ++counters_.resyncs;
  report(Anomaly::gap_resync, at, text.view());
}

void ModbusSession::handle_resync(Stream& stream, std::string_view reason, std::size_t skipped, const Where& at) {
  counters_.bytes_skipped += skipped;
  if (stream.gap_pending) {
    report_gap(stream, skipped, at);
    return;
  }
  ++counters_.resyncs;
  // The assembler's own reasons ("frame_too_large") cannot occur with this framer's limits, but
  // count them as a plain resync if they ever do.
  const Anomaly anomaly = anomaly_from_name(reason).value_or(Anomaly::resync);
  detail::TextBuffer text(detail_text_);
  text.put("skipped ").number(skipped).put(" bytes to the next plausible MBAP header");
  report(anomaly, at, text.view());
}

void ModbusSession::handle_frame(Stream& stream, core::Bytes adu, const Where& at) {
  stream.resyncing = false;
  if (stream.gap_pending) report_gap(stream, 0, at);
  handle_adu(adu, at);
}

// Forced inline into on_stream, the poller's path (and into handle_frame): with decode inlined
// here too, the layers of calls per ADU cost more than some of the work (cachegrind).
[[gnu::always_inline]] inline void ModbusSession::handle_adu(core::Bytes adu, const Where& at) {
  Pdu& pdu = scratch_pdu();
  decode(adu, at, pdu);
  ++counters_.pdus;
  if (pdu.is_response()) {
    ++counters_.responses;
    if (pdu.is_exception()) ++counters_.exceptions;
    pair_response(pdu, at);
  } else {
    ++counters_.requests;
    track_request(pdu, at);
  }
  if (!pdu.malformed.present() && pdu.note == Anomaly::kCount) {
    sink_.on_pdu(make_pdu_record(pdu, at.frame_no, at.ts, role_of(at.wire)));
    return;
  }
  handle_findings(pdu, at);
}

// Out of line, so that the clean PDU's path above stays short: the record of a malformed PDU
// with its reason, then the anomalies.
void ModbusSession::handle_findings(const Pdu& pdu, const Where& at) {
  const std::string_view malformed = pdu.malformed.present() ? format_malformation(pdu.malformed, reason_text_) : std::string_view();
  sink_.on_pdu(make_pdu_record(pdu, at.frame_no, at.ts, role_of(at.wire), malformed));
  if (pdu.malformed.present()) {
    ++counters_.malformed;
    report(pdu.malformed.reason, at, malformed);
  }
  if (pdu.note != Anomaly::kCount) {
    detail::TextBuffer text(detail_text_);
    text.put("fc ").number(pdu.fc());
    if (pdu.has(kFieldSub)) text.put(" sub ").number(pdu.sub);
    report(pdu.note, at, text.view());
  }
}

// Parses the ADU in the direction the roles so far predict; when that does not fit, or while the
// roles are unsure, tries the other direction too. A PDU whose shape fits one direction only is
// evidence of who the client is (requests and responses differ for most functions; an exception
// comes only from a server).
[[gnu::always_inline]] inline void ModbusSession::decode(core::Bytes adu, const Where& at, Pdu& pdu) {
  const Direction believed = at.wire == client_side() ? Direction::request : Direction::response;
  parse_adu(adu, believed, pdu);
  if (pdu.is_exception()) {
    vote(at.wire, Direction::response, at);
    return;
  }
  if (settled(role_score_) && !pdu.malformed.present()) {
    // Settled roles are not re-checked by parsing twice; a function whose directions differ in
    // layout still reinforces them, so that a later odd PDU or two cannot flip the flow.
    if (pdu.shape().request != pdu.shape().response) vote(at.wire, believed, at);
    return;
  }
  decode_unsure(adu, at, believed, pdu);
}

// While the roles are unsure (or the PDU did not fit its side's direction): parse the other way
// too and let the shapes vote. Out of line: its second Pdu made the settled path's frame large.
void ModbusSession::decode_unsure(core::Bytes adu, const Where& at, Direction believed, Pdu& pdu) {
  const bool was_settled = settled(role_score_);
  Pdu other;
  parse_adu(adu, opposite(believed), other);
  const bool fits_believed = !pdu.malformed.present();
  const bool fits_other = !other.malformed.present();
  if (fits_other && !fits_believed) {
    const Side client_before = client_side();
    vote(at.wire, other.direction, at);
    // Settled roles keep the PDU in its side's direction unless this vote flipped them: a
    // request with stray bytes that happen to fit a response (FC11 with 4 extra zero bytes in
    // the Quickdraw captures) stays a malformed request, as Wireshark shows it.
    if (was_settled && client_side() == client_before) return;
    pdu = other;
    return;
  }
  if (fits_believed && !fits_other) vote(at.wire, believed, at);
}

[[gnu::always_inline]] inline void ModbusSession::vote(Side wire, Direction direction, const Where& at) {
  const bool wire_is_client = direction == Direction::request;
  const int step = (wire == Side::client) == wire_is_client ? 1 : -1;
  if (role_score_ == step * kMaxRoleScore) return;  // already as sure as it gets: nothing changes
  move_roles(step, at);
}

// Out of line: a settled poller's votes stop at the check above, and this stays off its path.
void ModbusSession::move_roles(int step, const Where& at) {
  const int before = role_score_;
  const Side before_client = client_side();
  role_score_ = std::clamp(role_score_ + step, -kMaxRoleScore, kMaxRoleScore);
  if (client_side() == before_client) return;
  if (settled(before)) {
    report(Anomaly::role_change, at, "PDU shapes now show the other side as client");
  } else {
    ++counters_.role_corrections;
  }
}

void ModbusSession::track_request(const Pdu& pdu, const Where& at) {
  TransactionTable::AddResult result;
  PendingRequest& request = transactions_.place(pdu.mbap.transaction_id, pdu.mbap.unit_id, at.wire, result);
  // Force Listen Only Mode gets no response, but a gateway may still answer it with an exception.
  request.expects_response = !(pdu.fc() == 8 && pdu.has(kFieldSub) && pdu.sub == kForceListenOnly);
  request.function = pdu.fc();
  request.info.paired = true;
  request.info.present = pdu.present & kInheritedFields;
  request.info.address = pdu.address;
  request.info.quantity = pdu.quantity;
  request.info.write_address = pdu.write_address;
  request.info.write_quantity = pdu.write_quantity;
  request.info.sub = pdu.sub;
  request.info.frame_no = at.frame_no;
  if (result.superseded) report_unanswered(*result.superseded, "superseded by a request with the same transaction id", at);
  if (result.evicted) {
    ++counters_.evicted;
    detail::TextBuffer text(detail_text_);
    text.put("outstanding table full (").number(transactions_.capacity()).put("): evicted tid ").number(result.evicted->transaction_id);
    report(Anomaly::outstanding_limit, at, text.view());
    report_unanswered(*result.evicted, "evicted from the full outstanding table", at);
  }
}

void ModbusSession::pair_response(Pdu& pdu, const Where& at) {
  std::uint8_t request_function = 0;
  if (!transactions_.take(pdu.mbap.transaction_id, pdu.mbap.unit_id, other(at.wire), request_function, pdu.request)) {
    ++counters_.unsolicited;
    detail::TextBuffer text(detail_text_);
    text.put("no outstanding request with tid ").number(pdu.mbap.transaction_id).put(" unit ").number(pdu.mbap.unit_id);
    report(Anomaly::unsolicited_response, at, text.view());
    return;
  }
  if (request_function != pdu.fc()) {
    pdu.request = RequestInfo{};  // not this request's response: nothing to inherit
    detail::TextBuffer text(detail_text_);
    text.put("request fc ").number(request_function).put(", response fc ").number(pdu.fc());
    report(Anomaly::function_mismatch, at, text.view());
    return;
  }
  ++counters_.paired;
  if (pdu.is_exception() || !pdu.has(kFieldByteCount) || !pdu.request.paired) return;
  // The response's byte count must match the request's quantity (§6.1-6.4, §6.17).
  std::uint32_t expected = 0;
  const FunctionShape& shape = pdu.shape();
  if (shape.response == Layout::read_bits && (pdu.request.present & kFieldQuantity) != 0) {
    expected = (pdu.request.quantity + 7U) / 8U;
    if (pdu.byte_count == expected) pdu.value_count = pdu.request.quantity;
  } else if (shape.response == Layout::read_registers && (pdu.request.present & kFieldQuantity) != 0) {
    expected = 2U * pdu.request.quantity;
  } else {
    return;
  }
  if (pdu.byte_count != expected && !pdu.malformed.present()) {
    pdu.malformed = Malformation{Anomaly::response_size_mismatch, pdu.byte_count, expected};
  }
}

void ModbusSession::report_unanswered(const PendingRequest& request, std::string_view why, const Where& at) {
  if (!request.expects_response) return;
  ++counters_.unanswered;
  detail::TextBuffer text(detail_text_);
  text.put("tid ").number(request.transaction_id).put(" unit ").number(request.unit_id).put(" fc ").number(request.function);
  text.put(" (frame ").number(request.info.frame_no).put("): ").put(why);
  report(Anomaly::unanswered_request, Where{request.requester, at.frame_no, at.ts}, text.view());
}

void ModbusSession::report(Anomaly anomaly, const Where& at, std::string_view detail) {
  ++counters_.anomalies[static_cast<std::size_t>(anomaly)];
  AnomalyRecord r;
  r.protocol = ProtocolId::modbus;
  r.name = name(anomaly);
  r.frame_no = at.frame_no;
  r.ts = at.ts;
  r.from = role_of(at.wire);
  r.detail = detail;
  sink_.on_anomaly(r);
}

void ModbusSession::on_datagram(Side from, core::Bytes bytes, const SegmentContext& ctx) {
  // Modbus over UDP carries whole ADUs, one or more per datagram, with the same MBAP header.
  const Where at{from, ctx.frame_no, ctx.ts};
  Stream& stream = stream_of(from);
  while (!bytes.empty()) {
    const FrameVerdict v = frame_mbap(bytes, FramingMode::in_sync, limits_);
    if (v.status != FrameStatus::complete) {
      const Anomaly why = v.status == FrameStatus::invalid ? anomaly_from_name(v.reason).value_or(Anomaly::resync)
                                                           : Anomaly::incomplete_frame;
      detail::TextBuffer text(detail_text_);
      text.put("dropped the last ").number(bytes.size()).put(" bytes of the datagram");
      counters_.bytes_skipped += bytes.size();
      report(why, at, text.view());
      return;
    }
    handle_frame(stream, bytes.first(v.size), at);
    bytes = bytes.subspan(v.size);
  }
}

void ModbusSession::on_end(const SegmentContext& ctx) {
  for (const Side wire : {Side::client, Side::server}) {
    Stream& stream = stream_of(wire);
    const Where at{wire, ctx.frame_no, ctx.ts};
    // Bytes left while resynchronising belong to the skip episode, not to a frame.
    const std::size_t partial = stream.resyncing ? 0 : stream.assembler.buffered();
    if (stream.resyncing) counters_.bytes_skipped += stream.assembler.buffered();
    stream.assembler.finish(ctx.frame_no, [this, &stream, &at](std::string_view reason, std::size_t skipped, std::uint64_t) {
      handle_resync(stream, reason, skipped, at);
    });
    if (stream.gap_pending) report_gap(stream, 0, at);
    if (partial > 0) {
      ++counters_.partial_frames_dropped;
      detail::TextBuffer text(detail_text_);
      text.put("flow ended inside a frame: ").number(partial).put(" bytes dropped");
      report(Anomaly::incomplete_frame, at, text.view());
    }
  }
  transactions_.drain([this, &ctx](const PendingRequest& r) {
    report_unanswered(r, "flow ended", Where{r.requester, ctx.frame_no, ctx.ts});
  });
}

}  // namespace normwatch::protocols::modbus
