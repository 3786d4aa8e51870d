// Short human reasons for malformed Modbus PDUs ("qty 0 not in 1..125"), the `malformed` value
// of decode-jsonl.md. Written into a caller's buffer: no allocation per PDU.
#include <array>

#include "normwatch/protocols/modbus/parser.hpp"
#include "text_buffer.hpp"

namespace normwatch::protocols::modbus {

namespace {
// Templates: {g} = got, {w} = want (decimal), {G} / {H} = got as a hex byte / word.
constexpr std::array<std::string_view, kAnomalyCount> make_templates() {
  std::array<std::string_view, kAnomalyCount> t{};
  const auto set = [&t](Anomaly a, std::string_view text) { t[static_cast<std::size_t>(a)] = text; };
  set(Anomaly::bad_length, "mbap length {g} > {w}");
  set(Anomaly::truncated_pdu, "truncated: {g} of {w} bytes");
  set(Anomaly::trailing_bytes, "{g} trailing bytes");
  set(Anomaly::bad_quantity, "qty {g} not in 1..{w}");
  set(Anomaly::bad_write_quantity, "write qty {g} not in 1..{w}");
  set(Anomaly::byte_count_mismatch, "byte count {g} != {w}");
  set(Anomaly::bad_byte_count, "byte count {g} invalid");
  set(Anomaly::bad_coil_value, "coil value {H} not 0x0000/0xFF00");
  set(Anomaly::bad_exception_code, "exception code {g} undefined");
  set(Anomaly::bad_diagnostic_data, "diagnostic sub {w} data {H} invalid");
  set(Anomaly::bad_reference_type, "file reference type {g} != 6");
  set(Anomaly::bad_record_number, "record number {g} > {w}");
  set(Anomaly::bad_device_id_code, "read device id code {g} not in 1..4");
  set(Anomaly::bad_conformity_level, "conformity level {G} invalid");
  set(Anomaly::bad_more_follows, "more follows {G} not 0x00/0xFF");
  set(Anomaly::object_count_mismatch, "{g} objects, count says {w}");
  set(Anomaly::bad_fifo_count, "fifo count {g} > {w}");
  set(Anomaly::bad_status, "status {H} not 0x0000/0xFFFF");
  set(Anomaly::bad_umas_code, "umas code {G} invalid in this direction");
  set(Anomaly::response_size_mismatch, "byte count {g} != {w} for the request's qty");
  return t;
}
constexpr auto kTemplates = make_templates();

constexpr std::string_view template_for(const Malformation& m) {
  if (m.reason == Anomaly::bad_length && m.got < m.want) return "mbap length {g} < {w}";
  const auto i = static_cast<std::size_t>(m.reason);
  return i < kAnomalyCount ? kTemplates[i] : std::string_view();
}

}  // namespace

std::string_view format_malformation(const Malformation& m, std::span<char> buffer) {
  if (!m.present()) return {};
  detail::TextBuffer out(buffer);
  std::string_view text = template_for(m);
  if (text.empty()) text = name(m.reason);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 2 < text.size() && text[i + 2] == '}') {
      const char field = text[i + 1];
      if (field == 'g') out.number(m.got, 10, 1);
      if (field == 'w') out.number(m.want, 10, 1);
      if (field == 'G') out.hex(m.got, 2);
      if (field == 'H') out.hex(m.got, 4);
      i += 2;
      continue;
    }
    out.put(text[i]);
  }
  return out.view();
}

}  // namespace normwatch::protocols::modbus
