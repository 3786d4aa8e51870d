// Filling PduFacts from a decoded PDU: one function per protocol reads the typed PDU's fields
// (function, sub-function, exception, unit, broadcast, function class, table/address/count of
// what is written or commanded, cause of transmission, qualifier, IIN). Constant work, no
// allocation: it runs for every PDU the sensor decodes.
#pragma once

#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/rules/facts.hpp"

namespace normwatch::protocols::modbus {
struct Pdu;
}
namespace normwatch::protocols::dnp3 {
struct Pdu;
}
namespace normwatch::protocols::iec104 {
struct Pdu;
}

namespace normwatch::rules::engine {

// Resets `out` and fills it from `record`; false when the record's protocol is not one of ours.
bool extract_facts(const protocols::PduRecord& record, PduFacts& out);

// extract_facts in two steps, for a caller that asks the engine for candidate clauses first
// (Engine::lookup) and needs the rest only when there are some: most PDUs concern no rule.
// extract_head fills protocol, record, from_master, function, exception and (for IEC 104
// U-format) sub: what picks the candidates (false as extract_facts); it leaves the other fields
// as they were. extract_rest resets and fills those. Head then rest gives exactly what
// extract_facts gives. With `light` (Engine::lookup says when that is enough) only unit,
// broadcast, malformed, sub, cot and IIN are filled, and `partial` is set.
bool extract_head(const protocols::PduRecord& record, PduFacts& out);
void extract_rest(const protocols::PduRecord& record, PduFacts& out, bool light = false);

void modbus_facts(const protocols::modbus::Pdu& pdu, PduFacts& out);
void dnp3_facts(const protocols::dnp3::Pdu& pdu, PduFacts& out);
void iec104_facts(const protocols::iec104::Pdu& pdu, protocols::Side from, PduFacts& out);

}  // namespace normwatch::rules::engine
