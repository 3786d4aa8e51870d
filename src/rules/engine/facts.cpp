// Dispatch from a PduRecord to the protocol's facts function (facts_extract.hpp).
#include "normwatch/protocols/dnp3/pdu.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"
#include "normwatch/protocols/modbus/pdu.hpp"
#include "normwatch/rules/engine/facts_extract.hpp"

namespace normwatch::rules::engine {

bool extract_facts(const protocols::PduRecord& record, PduFacts& out) {
  out = PduFacts{};
  out.protocol = record.protocol;
  out.record = &record;
  if (const auto* m = record.as<protocols::modbus::Pdu>()) {
    modbus_facts(*m, out);
  } else if (const auto* d = record.as<protocols::dnp3::Pdu>()) {
    dnp3_facts(*d, out);
  } else if (const auto* i = record.as<protocols::iec104::Pdu>()) {
    iec104_facts(*i, record.from, out);
  } else {
    return false;
  }
  if (!record.malformed.empty()) out.malformed = true;
  return true;
}

}  // namespace normwatch::rules::engine
