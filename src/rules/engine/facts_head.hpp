// The head of a PDU's facts (facts_extract.hpp extract_head): protocol, sender, function,
// exception, U-format function — what picks the candidate clauses. Inline, because the engine's
// lookup runs it for every PDU and most PDUs need nothing more. The rest of the facts is filled
// by <protocol>_rest in facts_<protocol>.cpp.
#pragma once

#include "normwatch/protocols/dnp3/pdu.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"
#include "normwatch/protocols/modbus/pdu.hpp"
#include "normwatch/rules/facts.hpp"

namespace normwatch::rules::engine::detail {

// Modbus: direction, function with the exception bit cleared, exception code.
inline void modbus_head(const protocols::modbus::Pdu& p, PduFacts& f) {
  f.from_master = !p.is_response();
  f.function = p.fc();
  if (p.is_exception()) f.exception = p.exception_code;
}

// DNP3: the application function (-1 for a link frame without user data) and who sent it
// (the link DIR bit for link-only frames).
inline void dnp3_head(const protocols::dnp3::Pdu& p, PduFacts& f) {
  if (!p.has_app) {
    f.function = -1;
    f.from_master = p.link.dir();
    return;
  }
  f.function = p.app.function;
  f.from_master = !p.app.is_response();
}

// IEC 104: who sent it, the type id (-1 for S- and U-format), the U-format function.
inline void iec104_head(const protocols::iec104::Pdu& p, protocols::Side from, PduFacts& f) {
  using protocols::iec104::ApciFormat;
  f.from_master = from == protocols::Side::client;
  if (p.apci.format == ApciFormat::u) {
    f.function = -1;
    f.sub = p.apci.control[0];
  } else if (p.apci.format == ApciFormat::s || !p.has_asdu) {
    f.function = -1;
  } else {
    f.function = p.asdu.type;
  }
}

// Writes only the head's fields: a PDU no clause concerns (most) never pays for resetting the
// rest, which extract_rest does. False when the record is not one of ours.
inline bool fill_head(const protocols::PduRecord& record, PduFacts& out) {
  out.protocol = record.protocol;
  out.record = &record;
  out.from_master = true;
  out.function = -1;
  out.sub = -1;
  out.exception = -1;
  if (record.pdu == nullptr) return false;
  switch (record.protocol) {
    case protocols::ProtocolId::modbus:
      modbus_head(*static_cast<const protocols::modbus::Pdu*>(record.pdu), out);
      return true;
    case protocols::ProtocolId::dnp3:
      dnp3_head(*static_cast<const protocols::dnp3::Pdu*>(record.pdu), out);
      return true;
    case protocols::ProtocolId::iec104:
      iec104_head(*static_cast<const protocols::iec104::Pdu*>(record.pdu), record.from, out);
      return true;
    default:
      return false;
  }
}

// The rest of the facts; with `light` only unit, broadcast, malformed, sub, cot and IIN.
void modbus_rest(const protocols::modbus::Pdu& pdu, PduFacts& out, bool light);
void dnp3_rest(const protocols::dnp3::Pdu& pdu, PduFacts& out, bool light);
void iec104_rest(const protocols::iec104::Pdu& pdu, PduFacts& out, bool light);

}  // namespace normwatch::rules::engine::detail
