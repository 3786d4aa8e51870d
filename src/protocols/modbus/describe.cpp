// The Modbus keys of a `normwatch decode` line (shared/design/decode-jsonl.md): tid, unit, fc with
// the exception bit cleared, response, exception, addr/qty (FC23: also waddr/wqty; responses take
// them from their paired request) and sub (FC8 sub-function, FC43 MEI type, FC90 UMAS code).
#include "normwatch/protocols/modbus/pdu.hpp"

namespace normwatch::protocols::modbus {

void describe(const Pdu& pdu, core::FieldWriter& out) {
  out.unsigned_integer("tid", pdu.mbap.transaction_id);
  out.unsigned_integer("unit", pdu.mbap.unit_id);
  out.unsigned_integer("fc", pdu.fc());
  out.boolean("response", pdu.is_response());
  if (pdu.is_exception()) out.unsigned_integer("exception", pdu.exception_code);
  if (const auto v = pdu.start_address()) out.unsigned_integer("addr", *v);
  if (const auto v = pdu.count()) out.unsigned_integer("qty", *v);
  if (const auto v = pdu.write_start_address()) out.unsigned_integer("waddr", *v);
  if (const auto v = pdu.write_count()) out.unsigned_integer("wqty", *v);
  if (const auto v = pdu.sub_function()) out.unsigned_integer("sub", *v);
}

}  // namespace normwatch::protocols::modbus
