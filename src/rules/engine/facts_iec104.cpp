// PduFacts of an IEC 60870-5-104 APDU: the type id of an I-format ASDU (-1 for S- and U-format),
// the U-format control octet as `sub` (0x07 STARTDT act ... 0x83 TESTFR con, §5.3), cause of
// transmission, common address and broadcast (0xFFFF, 101 §7.2.4), first IOA and object count,
// and for commands, set-points, parameters and system commands the qualifier octet of the first
// object (SCO/DCO/RCO, QOS, QOI, QCC, QRP, QPM, QPA; 101 §7.2.6).
#include "facts_head.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"
#include "normwatch/rules/engine/facts_extract.hpp"
#include "normwatch/rules/function_classes.hpp"

namespace normwatch::rules::engine {

namespace {

using protocols::iec104::TypeClass;

// Types whose first element carries a qualifier octet rules may look at.
constexpr bool has_qualifier(TypeClass c) {
  return c == TypeClass::control || c == TypeClass::system_control || c == TypeClass::parameter ||
         c == TypeClass::system_monitor;
}

}  // namespace

namespace detail {

void iec104_rest(const protocols::iec104::Pdu& p, PduFacts& f, bool light) {
  using protocols::iec104::ApciFormat;
  f.malformed = p.malformed();
  if (p.apci.format == ApciFormat::u) {
    if (!light) f.function_class = iec104_class(-1, f.sub);
    return;
  }
  if (p.apci.format == ApciFormat::s || !p.has_asdu) return;
  const auto& asdu = p.asdu;
  f.cot = asdu.cot;
  f.unit = asdu.ca;
  f.broadcast = asdu.broadcast();
  if (light) return;
  f.function_class = iec104_class(asdu.type);
  f.count = asdu.num;
  f.table = DataTable::objects;
  if (asdu.ioa_count > 0) f.address = asdu.ioa(0);
  if (asdu.objects_available > 0 && has_qualifier(asdu.type_info().cls)) {
    const auto value = asdu.object(0).value();
    if (value.complete) f.qualifier = value.qualifier;
  }
}

}  // namespace detail

void iec104_facts(const protocols::iec104::Pdu& p, protocols::Side from, PduFacts& f) {
  detail::iec104_head(p, from, f);
  detail::iec104_rest(p, f, false);
}

}  // namespace normwatch::rules::engine
