// Modbus ADU/PDU parser entry points and the data-access layouts: read/write coils and registers
// (Modbus Application Protocol v1.1b3 §6.1-6.7, 6.9, 6.11, 6.12, 6.16, 6.17). The function table
// says which layout each direction of a function has; the parsers are looked up by layout.
#include <array>

#include "layout_parsers.hpp"
#include "normwatch/core/reset.hpp"
#include "normwatch/protocols/modbus/parser.hpp"

namespace normwatch::protocols::modbus {

namespace detail {

namespace {
// Quantity limits are 1..max; 0 means the layout has no quantity to check.
void check_quantity(std::uint16_t quantity, std::uint16_t max, Anomaly why, Pdu& out) {
  if (max != 0 && (quantity < 1 || quantity > max)) fail(out, why, quantity, max);
}

void take_values(core::ByteReader& r, std::size_t n, ValueKind kind, std::size_t count, Pdu& out) {
  if (!need(r, n, out)) return;
  out.values = *r.take(n);
  out.value_kind = kind;
  out.value_count = static_cast<std::uint16_t>(count);
}

// Reads a 16-bit field into `field` when the bytes are there (a truncated PDU still shows the
// fields it has, as Wireshark does).
bool word(core::ByteReader& r, std::uint16_t& field, std::uint32_t bit, Pdu& out) {
  const auto v = r.u16be();
  if (!v) return false;
  field = *v;
  out.present |= bit;
  return true;
}

// The largest byte count a read response can carry: 2000 bits or 125 registers (§6.1, §6.3).
constexpr std::size_t kMaxReadBytes = 250;
}  // namespace

void parse_raw(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  out.data = r.rest();
  r.skip(r.remaining());
}

void parse_empty(core::ByteReader&, const FunctionShape&, Pdu&) {}

void parse_addr_qty(core::ByteReader& r, const FunctionShape& shape, Pdu& out) {
  need(r, 4, out);
  if (!word(r, out.address, kFieldAddress, out) || !word(r, out.quantity, kFieldQuantity, out)) return;
  check_quantity(out.quantity, shape.max_quantity, Anomaly::bad_quantity, out);
}

void parse_read_bits(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  if (!need(r, 1, out)) return;
  out.byte_count = u8(r);
  out.present |= kFieldByteCount;
  if (out.byte_count == 0 || out.byte_count > kMaxReadBytes) fail(out, Anomaly::bad_byte_count, out.byte_count);
  // Until the session pairs the response with its request, every bit of the bytes counts.
  take_values(r, out.byte_count, ValueKind::bits, out.byte_count * 8U, out);
}

void parse_read_registers(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  if (!need(r, 1, out)) return;
  out.byte_count = u8(r);
  out.present |= kFieldByteCount;
  if (out.byte_count == 0 || out.byte_count % 2 != 0 || out.byte_count > kMaxReadBytes) {
    fail(out, Anomaly::bad_byte_count, out.byte_count);
  }
  take_values(r, out.byte_count, ValueKind::registers, out.byte_count / 2U, out);
}

void parse_addr_value(core::ByteReader& r, const FunctionShape& shape, Pdu& out) {
  const bool whole = need(r, 4, out);
  if (!word(r, out.address, kFieldAddress, out) || !whole) return;
  out.present |= kFieldValue;
  out.value = core::load_u16be(r.rest(), 0);
  if (shape.bits && out.value != 0x0000 && out.value != 0xFF00) fail(out, Anomaly::bad_coil_value, out.value);
  take_values(r, 2, shape.bits ? ValueKind::bits : ValueKind::registers, 1, out);
}

void parse_status_byte(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  if (!need(r, 1, out)) return;
  out.status = u8(r);
  out.present |= kFieldStatus;
}

void parse_event_counter(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  if (!need(r, 4, out)) return;
  out.status = u16(r);
  out.event_count = u16(r);
  out.present |= kFieldStatus | kFieldEventCount;
  if (out.status != 0x0000 && out.status != 0xFFFF) fail(out, Anomaly::bad_status, out.status);
}

void parse_write_bits(core::ByteReader& r, const FunctionShape& shape, Pdu& out) {
  const bool whole = need(r, 5, out);
  if (!word(r, out.address, kFieldAddress, out) || !word(r, out.quantity, kFieldQuantity, out) || !whole) return;
  out.byte_count = u8(r);
  out.present |= kFieldByteCount;
  check_quantity(out.quantity, shape.max_quantity, Anomaly::bad_quantity, out);
  const std::uint32_t expected = (out.quantity + 7U) / 8U;
  if (out.byte_count != expected) fail(out, Anomaly::byte_count_mismatch, out.byte_count, expected);
  const std::size_t bits = out.quantity < out.byte_count * 8U ? out.quantity : out.byte_count * 8U;
  take_values(r, out.byte_count, ValueKind::bits, bits, out);
}

void parse_write_registers(core::ByteReader& r, const FunctionShape& shape, Pdu& out) {
  const bool whole = need(r, 5, out);
  if (!word(r, out.address, kFieldAddress, out) || !word(r, out.quantity, kFieldQuantity, out) || !whole) return;
  out.byte_count = u8(r);
  out.present |= kFieldByteCount;
  check_quantity(out.quantity, shape.max_quantity, Anomaly::bad_quantity, out);
  if (out.byte_count != 2U * out.quantity) fail(out, Anomaly::byte_count_mismatch, out.byte_count, 2U * out.quantity);
  take_values(r, out.byte_count, ValueKind::registers, out.byte_count / 2U, out);
}

void parse_mask_write(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  const bool whole = need(r, 6, out);
  if (!word(r, out.address, kFieldAddress, out) || !whole) return;
  out.and_mask = u16(r);
  out.or_mask = u16(r);
  out.present |= kFieldMasks;
}

void parse_read_write(core::ByteReader& r, const FunctionShape& shape, Pdu& out) {
  const bool whole = need(r, 9, out);
  if (!word(r, out.address, kFieldAddress, out) || !word(r, out.quantity, kFieldQuantity, out) ||
      !word(r, out.write_address, kFieldWriteAddress, out) || !word(r, out.write_quantity, kFieldWriteQuantity, out) ||
      !whole) {
    return;
  }
  out.byte_count = u8(r);
  out.present |= kFieldByteCount;
  check_quantity(out.quantity, shape.max_quantity, Anomaly::bad_quantity, out);
  check_quantity(out.write_quantity, shape.max_write_quantity, Anomaly::bad_write_quantity, out);
  if (out.byte_count != 2U * out.write_quantity) {
    fail(out, Anomaly::byte_count_mismatch, out.byte_count, 2U * out.write_quantity);
  }
  take_values(r, out.byte_count, ValueKind::registers, out.byte_count / 2U, out);
}

namespace {
constexpr std::size_t kLayouts = static_cast<std::size_t>(Layout::kCount);

struct ParserTable {
  std::array<LayoutParser, kLayouts> parsers{};
  std::array<bool, kLayouts> filled{};  // checked at compile time (function addresses are not
                                        // constant expressions under the sanitizers)
};

constexpr ParserTable make_parsers() {
  ParserTable t;
  const auto set = [&t](Layout l, LayoutParser p) {
    t.parsers[static_cast<std::size_t>(l)] = p;
    t.filled[static_cast<std::size_t>(l)] = true;
  };
  set(Layout::raw, parse_raw);
  set(Layout::empty, parse_empty);
  set(Layout::addr_qty, parse_addr_qty);
  set(Layout::read_bits, parse_read_bits);
  set(Layout::read_registers, parse_read_registers);
  set(Layout::addr_value, parse_addr_value);
  set(Layout::diagnostic, parse_diagnostic);
  set(Layout::status_byte, parse_status_byte);
  set(Layout::event_counter, parse_event_counter);
  set(Layout::event_log, parse_event_log);
  set(Layout::write_bits, parse_write_bits);
  set(Layout::write_registers, parse_write_registers);
  set(Layout::server_id, parse_server_id);
  set(Layout::file_read_request, parse_file_read_request);
  set(Layout::file_read_response, parse_file_read_response);
  set(Layout::file_write, parse_file_write);
  set(Layout::mask_write, parse_mask_write);
  set(Layout::read_write, parse_read_write);
  set(Layout::fifo_request, parse_fifo_request);
  set(Layout::fifo_response, parse_fifo_response);
  set(Layout::mei, parse_mei);
  set(Layout::umas, parse_umas);
  return t;
}
constexpr ParserTable kTable = make_parsers();
constexpr const auto& kParsers = kTable.parsers;

constexpr bool all_layouts_have_parsers() {
  for (const bool f : kTable.filled) {
    if (!f) return false;
  }
  return true;
}
static_assert(all_layouts_have_parsers(), "every Layout needs a parser");
}  // namespace

}  // namespace detail

namespace {
// Fills the header in place: returning it in an optional made the hot path stall on a
// store-to-load forward (measured with perf).
void load_mbap(core::Bytes bytes, Mbap& m) {
  m.transaction_id = core::load_u16be(bytes, 0);
  m.protocol_id = core::load_u16be(bytes, 2);
  m.length = core::load_u16be(bytes, 4);
  m.unit_id = static_cast<std::uint8_t>(bytes[6]);
}
}  // namespace

std::optional<Mbap> read_mbap(core::Bytes bytes) {
  if (bytes.size() < kMbapSize) return std::nullopt;
  Mbap m;
  load_mbap(bytes, m);
  return m;
}

namespace {
// The body of parse_pdu, forced inline into parse_adu: the call cost about as much as the
// checks it made on the poller's path (cachegrind, 4096-flow polling replay).
[[gnu::always_inline]] inline void parse_pdu_into(core::Bytes pdu, Direction direction, Pdu& out) {
  out.direction = direction;
  if (pdu.empty()) {
    detail::fail(out, Anomaly::truncated_pdu, 0, 1);
    return;
  }
  out.function = static_cast<std::uint8_t>(pdu[0]);
  out.body = pdu.subspan(1);
  core::ByteReader r(out.body);
  const FunctionShape& shape = function_shape(out.function);
  if (shape.cls == FunctionClass::unassigned) out.note = Anomaly::unassigned_function;
  if (out.is_exception()) {
    // §7: only a server sends an exception, as function | 0x80 followed by one code byte.
    out.direction = Direction::response;
    if (detail::need(r, 1, out)) {
      out.exception_code = detail::u8(r);
      if (!is_defined_exception_code(out.exception_code)) detail::fail(out, Anomaly::bad_exception_code, out.exception_code);
    }
  } else {
    const Layout layout = direction == Direction::request ? shape.request : shape.response;
    detail::kParsers[static_cast<std::size_t>(layout)](r, shape, out);
  }
  if (!out.malformed.present() && !r.empty()) {
    detail::fail(out, Anomaly::trailing_bytes, static_cast<std::uint32_t>(r.remaining()));
  }
}
}  // namespace

void parse_pdu(core::Bytes pdu, Direction direction, Pdu& out) { parse_pdu_into(pdu, direction, out); }

Pdu parse_adu(core::Bytes adu, Direction direction) {
  Pdu out;
  parse_adu(adu, direction, out);
  return out;
}

void parse_adu(core::Bytes adu, Direction direction, Pdu& out) {
  core::reset_to_default(out);
  if (adu.size() < kMbapSize) {
    out.direction = direction;
    detail::fail(out, Anomaly::truncated_pdu, static_cast<std::uint32_t>(adu.size()), kMbapSize);
    return;
  }
  load_mbap(adu, out.mbap);
  const std::uint16_t length = out.mbap.length;
  if (length < kMinMbapLength) {
    detail::fail(out, Anomaly::bad_length, length, kMinMbapLength);
  } else if (length > kMaxMbapLength) {
    detail::fail(out, Anomaly::bad_length, length, kMaxMbapLength);
  }
  // The header's length delimits the PDU; bytes beyond it or missing from it are violations.
  const core::Bytes rest = adu.subspan(kMbapSize);
  const std::size_t declared = length > 0 ? length - 1U : 0;
  if (rest.size() < declared) {
    detail::fail(out, Anomaly::truncated_pdu, static_cast<std::uint32_t>(rest.size()), static_cast<std::uint32_t>(declared));
  }
  parse_pdu_into(rest.first(rest.size() < declared ? rest.size() : declared), direction, out);
  if (rest.size() > declared) {
    detail::fail(out, Anomaly::trailing_bytes, static_cast<std::uint32_t>(rest.size() - declared));
  }
}

ShapeFit fit_directions(core::Bytes adu) {
  ShapeFit fit;
  const bool exception = adu.size() > kMbapSize && (static_cast<std::uint8_t>(adu[kMbapSize]) & kExceptionBit) != 0;
  fit.request = !exception && !parse_adu(adu, Direction::request).malformed.present();
  fit.response = !parse_adu(adu, Direction::response).malformed.present();
  return fit;
}

}  // namespace normwatch::protocols::modbus
