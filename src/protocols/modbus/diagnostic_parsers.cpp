// Modbus diagnostic and queue layouts: FC8 Diagnostics with its sub-functions (§6.8, §6.8.1),
// FC12 Get Comm Event Log (§6.10), FC17 Report Server ID (§6.13), FC24 Read FIFO Queue (§6.18)
// of the Modbus Application Protocol v1.1b3.
#include "layout_parsers.hpp"

namespace normwatch::protocols::modbus::detail {

namespace {
// FC8 sub-functions whose response carries a value instead of echoing the request: Return
// Diagnostic Register (0x02) and the counters 0x0B-0x12.
constexpr bool diagnostic_returns_value(std::uint16_t sub) { return sub == 0x02 || (sub >= 0x0B && sub <= 0x12); }

// What a request's data word may be, per sub-function (§6.8.1): 0x01 Restart Communications
// takes 0x0000 or 0xFF00 (clear log), 0x03 takes the new delimiter in the high byte and 0x00,
// all other defined ones take 0x0000.
constexpr bool diagnostic_data_allowed(std::uint16_t sub, std::uint16_t data) {
  if (sub == 0x01) return data == 0x0000 || data == 0xFF00;
  if (sub == 0x03) return (data & 0x00FF) == 0;
  return data == 0x0000;
}

constexpr std::uint16_t kMaxFifoCount = 31;     // §6.18
constexpr std::uint8_t kMinEventLogBytes = 6;   // status, event count, message count
constexpr std::uint8_t kMaxEventLogBytes = 70;  // + 0..64 event bytes
}  // namespace

void parse_diagnostic(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  if (!need(r, 2, out)) return;
  out.sub = u16(r);
  out.present |= kFieldSub;
  out.data = r.rest();
  if (!is_defined_diagnostic(out.sub)) {
    out.note = Anomaly::reserved_sub_function;
    r.skip(r.remaining());
    return;
  }
  if (out.sub == 0x00) {  // Return Query Data: any data, echoed back
    r.skip(r.remaining());
    return;
  }
  if (!need(r, 2, out)) return;
  const std::uint16_t data = core::load_u16be(r.rest(), 0);
  out.data = *r.take(2);
  if (out.direction == Direction::response && diagnostic_returns_value(out.sub)) return;
  if (!diagnostic_data_allowed(out.sub, data)) fail(out, Anomaly::bad_diagnostic_data, data, out.sub);
}

void parse_event_log(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  if (!need(r, 1, out)) return;
  out.byte_count = u8(r);
  out.present |= kFieldByteCount;
  if (out.byte_count < kMinEventLogBytes || out.byte_count > kMaxEventLogBytes) {
    fail(out, Anomaly::bad_byte_count, out.byte_count);
  }
  if (!need(r, out.byte_count, out)) return;
  core::ByteReader log(*r.take(out.byte_count));
  if (log.has(6)) {
    out.status = u16(log);
    out.event_count = u16(log);
    out.message_count = u16(log);
    out.present |= kFieldStatus | kFieldEventCount | kFieldMessageCount;
    if (out.status != 0x0000 && out.status != 0xFFFF) fail(out, Anomaly::bad_status, out.status);
  }
  out.data = log.rest();
}

void parse_server_id(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  if (!need(r, 1, out)) return;
  out.byte_count = u8(r);
  out.present |= kFieldByteCount;
  // At least the run indicator status byte; the server id itself is device specific.
  if (out.byte_count == 0) fail(out, Anomaly::bad_byte_count, 0);
  if (!need(r, out.byte_count, out)) return;
  out.data = *r.take(out.byte_count);
}

void parse_fifo_request(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  if (!need(r, 2, out)) return;
  out.address = u16(r);
  out.present |= kFieldAddress;
}

void parse_fifo_response(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  if (!need(r, 4, out)) return;
  out.byte_count = u16(r);
  out.fifo_count = u16(r);
  out.present |= kFieldByteCount | kFieldFifoCount;
  if (out.fifo_count > kMaxFifoCount) fail(out, Anomaly::bad_fifo_count, out.fifo_count, kMaxFifoCount);
  const std::uint32_t expected = 2U + 2U * out.fifo_count;
  if (out.byte_count != expected) fail(out, Anomaly::byte_count_mismatch, out.byte_count, expected);
  if (!need(r, 2U * out.fifo_count, out)) return;
  out.values = *r.take(2U * out.fifo_count);
  out.value_kind = ValueKind::registers;
  out.value_count = out.fifo_count;
}

}  // namespace normwatch::protocols::modbus::detail
