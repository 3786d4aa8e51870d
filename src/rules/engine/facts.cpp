// Dispatch from a PduRecord to the protocol's facts functions (facts_extract.hpp), whole or in
// the two steps the rules observer takes (head, then the rest only for PDUs some clause concerns).
#include "facts_head.hpp"
#include "normwatch/rules/engine/facts_extract.hpp"

namespace normwatch::rules::engine {

bool extract_head(const protocols::PduRecord& record, PduFacts& out) { return detail::fill_head(record, out); }

void extract_rest(const protocols::PduRecord& record, PduFacts& out, bool light) {
  PduFacts fresh;
  fresh.protocol = out.protocol;
  fresh.record = out.record;
  fresh.from_master = out.from_master;
  fresh.function = out.function;
  fresh.sub = out.sub;
  fresh.exception = out.exception;
  fresh.partial = light;
  out = fresh;
  if (const auto* m = record.as<protocols::modbus::Pdu>()) {
    detail::modbus_rest(*m, out, light);
  } else if (const auto* d = record.as<protocols::dnp3::Pdu>()) {
    detail::dnp3_rest(*d, out, light);
  } else if (const auto* i = record.as<protocols::iec104::Pdu>()) {
    detail::iec104_rest(*i, out, light);
  } else {
    return;
  }
  if (!record.malformed.empty()) out.malformed = true;
}

bool extract_facts(const protocols::PduRecord& record, PduFacts& out) {
  if (!extract_head(record, out)) return false;
  extract_rest(record, out);
  return true;
}

}  // namespace normwatch::rules::engine
