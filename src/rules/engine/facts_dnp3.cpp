// PduFacts of a DNP3 PDU (IEEE 1815-2012): application function (or -1 for a link frame without
// user data), who sent it (requests from the master, responses 0x81-0x83 from the outstation; the
// link DIR bit for link-only frames), link destination and broadcast (0xFFFD-0xFFFF, clause
// 9.2.5.3), IIN, the first object header's group and variation, and the first point commanded
// (g12 CROB control code as the qualifier, g41 analog outputs).
#include "facts_head.hpp"
#include "normwatch/protocols/dnp3/pdu.hpp"
#include "normwatch/rules/engine/facts_extract.hpp"
#include "normwatch/rules/function_classes.hpp"

namespace normwatch::rules::engine {

namespace {
constexpr std::uint16_t kFirstBroadcastAddress = 0xFFFD;
}

namespace detail {

void dnp3_rest(const protocols::dnp3::Pdu& p, PduFacts& f, bool light) {
  f.unit = p.link.destination;
  f.broadcast = f.from_master && p.link.destination >= kFirstBroadcastAddress;
  if (!p.has_app) return;
  const auto& a = p.app;
  f.malformed = a.error != protocols::dnp3::Anomaly::none;
  if (a.has_iin) {
    f.iin = a.iin;
    f.has_iin = true;
  }
  if (light) return;
  // Only a WRITE of g50 (time) or a READ of g0 (attributes) changes the function's class.
  bool time_object = false;
  bool attributes = false;
  if (a.function == 0x01 || a.function == 0x02) {
    for (const auto& o : a.objects) {
      time_object = time_object || o.group == 50;
      attributes = attributes || o.group == 0;
    }
  }
  if (!a.objects.empty()) {
    f.group = a.objects.front().group;
    f.variation = a.objects.front().variation;
    f.table = DataTable::objects;
  }
  f.function_class = dnp3_class(f.function, time_object, attributes);
  if (!a.controls.empty()) {
    f.address = a.controls.front().index;
    f.qualifier = a.controls.front().control_code;
    f.count = static_cast<std::uint32_t>(a.controls.size() + a.analog_outputs.size());
  } else if (!a.analog_outputs.empty()) {
    f.address = a.analog_outputs.front().index;
    f.count = static_cast<std::uint32_t>(a.analog_outputs.size());
  } else if (!a.objects.empty()) {
    const auto& o = a.objects.front();
    if (o.has_start_stop()) f.address = o.start;
    f.count = static_cast<std::uint32_t>(o.count);
  }
}

}  // namespace detail

void dnp3_facts(const protocols::dnp3::Pdu& p, PduFacts& f) {
  detail::dnp3_head(p, f);
  detail::dnp3_rest(p, f, false);
}

}  // namespace normwatch::rules::engine
