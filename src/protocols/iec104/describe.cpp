// describe(): the IEC 104 keys of decode-jsonl.md (apci, tx, rx, u, asdu{...}); describe_objects():
// the decoded values of each information object, for verbose output and debugging of rules.
#include <cstdio>

#include "normwatch/protocols/iec104/pdu.hpp"

namespace normwatch::protocols::iec104 {

namespace {

using L = ElementLayout;

std::string_view format_name(ApciFormat f) {
  switch (f) {
    case ApciFormat::i: return "I";
    case ApciFormat::s: return "S";
    case ApciFormat::u: break;
  }
  return "U";
}

void write_time(std::string_view key, const TimeValue& t, core::FieldWriter& out) {
  if (!t.present()) return;
  char buf[40];
  const unsigned sec = t.milliseconds / 1000, ms = t.milliseconds % 1000;
  int n = 0;
  if (t.kind == TimeTag::cp56) {
    n = std::snprintf(buf, sizeof buf, "20%02u-%02u-%02uT%02u:%02u:%02u.%03u", unsigned{t.year} % 100, unsigned{t.month},
                      unsigned{t.day}, unsigned{t.hour}, unsigned{t.minute}, sec, ms);
  } else {
    n = std::snprintf(buf, sizeof buf, "%02u:%02u.%03u", unsigned{t.minute}, sec, ms);
  }
  if (n > 0) out.string(key, std::string_view(buf, static_cast<std::size_t>(n) < sizeof buf ? n : sizeof buf - 1));
  if (t.invalid) out.boolean("time_invalid", true);
  if (t.summer_time) out.boolean("summer_time", true);
}

void write_value(const ElementValue& v, core::FieldWriter& out) {
  switch (v.layout) {
    case L::siq:
    case L::diq: out.unsigned_integer("state", v.state); break;
    case L::vti_qds:
      out.integer("value", v.integer);
      out.boolean("transient", v.transient);
      break;
    case L::bsi_qds:
    case L::scd_qds:
    case L::bsi: out.unsigned_integer("bits", static_cast<std::uint64_t>(v.integer)); break;
    case L::nva_qds:
    case L::nva:
    case L::sva_qds:
    case L::nva_qos:
    case L::sva_qos:
    case L::nva_qpm:
    case L::sva_qpm:
      out.real("value", v.value);
      out.integer("raw", v.integer);
      break;
    case L::r32_qds:
    case L::r32_qos:
    case L::r32_qpm: out.real("value", v.value); break;
    case L::bcr:
    case L::aid_bcr:
      if (v.layout == L::aid_bcr) out.unsigned_integer("association_id", v.association_id);
      out.integer("counter", v.integer);
      out.unsigned_integer("sequence", v.counter_sequence);
      out.boolean("carry", v.carry);
      out.boolean("adjusted", v.adjusted);
      break;
    case L::sep_cp16:
    case L::spe_qdp_cp16:
    case L::oci_qdp_cp16:
      out.unsigned_integer("state", v.state);
      out.unsigned_integer("elapsed_ms", v.elapsed_ms);
      break;
    case L::sco:
    case L::dco:
    case L::rco:
      out.unsigned_integer("state", v.state);
      out.unsigned_integer("qu", v.qu());
      out.boolean("select", v.select());
      break;
    case L::fbp:
    case L::tsc: out.unsigned_integer("value", static_cast<std::uint64_t>(v.integer)); break;
    case L::cp16: out.unsigned_integer("delay_ms", v.elapsed_ms); break;
    case L::file_ready:
    case L::section_ready:
    case L::call_select:
    case L::last_section:
    case L::ack_file:
    case L::segment:
    case L::directory:
    case L::query_log:
      out.unsigned_integer("nof", v.file.nof);
      if (v.layout != L::file_ready && v.layout != L::directory && v.layout != L::query_log) {
        out.unsigned_integer("nos", v.file.nos);
      }
      if (v.layout == L::file_ready || v.layout == L::section_ready || v.layout == L::directory) {
        out.unsigned_integer("lof", v.file.lof);
      }
      if (v.layout == L::last_section) out.unsigned_integer("chs", v.file.chs);
      if (v.layout == L::segment) out.unsigned_integer("los", v.file.los);
      if (v.layout == L::directory) out.unsigned_integer("sof", v.file.sof);
      break;
    case L::opaque:
    case L::none:
    case L::time_only:
    case L::coi:
    case L::qoi:
    case L::qcc:
    case L::qrp:
    case L::qpa: break;
  }
  switch (v.layout) {  // qualifier octets and quality descriptors, raw
    case L::nva_qos:
    case L::sva_qos:
    case L::r32_qos:
      out.unsigned_integer("ql", v.ql());
      out.boolean("select", v.select());
      break;
    case L::nva_qpm:
    case L::sva_qpm:
    case L::r32_qpm:
    case L::coi:
    case L::qoi:
    case L::qcc:
    case L::qrp:
    case L::qpa:
    case L::file_ready:
    case L::section_ready:
    case L::call_select:
    case L::last_section:
    case L::ack_file: out.unsigned_integer("qualifier", v.qualifier); break;
    default:
      if (v.quality != 0) out.unsigned_integer("quality", v.quality);
      break;
  }
  write_time("time", v.time, out);
  if (v.time_end.present()) write_time("time_end", v.time_end, out);
}

}  // namespace

void describe(const Pdu& pdu, core::FieldWriter& out) {
  const Apci& apci = pdu.apci;
  out.string("apci", format_name(apci.format));
  switch (apci.format) {
    case ApciFormat::i:
      out.unsigned_integer("tx", apci.tx);
      out.unsigned_integer("rx", apci.rx);
      break;
    case ApciFormat::s: out.unsigned_integer("rx", apci.rx); break;
    case ApciFormat::u:
      if (apci.u != UFunction::none) out.string("u", name(apci.u));
      break;
  }
  if (!pdu.has_asdu) return;
  const Asdu& a = pdu.asdu;
  out.begin_object("asdu");
  out.unsigned_integer("type", a.type);
  out.boolean("sq", a.sq);
  out.unsigned_integer("num", a.num);
  out.unsigned_integer("cot", a.cot);
  out.boolean("neg", a.negative);
  out.boolean("test", a.test);
  if (a.has_oa) out.unsigned_integer("oa", a.oa);
  out.unsigned_integer("ca", a.ca);
  if (a.ioa_count > 0) {
    out.begin_array("ioa");
    for (std::size_t i = 0; i < a.ioa_count; ++i) out.unsigned_integer({}, a.ioa(i));
    out.end_array();
  }
  out.end_object();
}

void describe_objects(const Pdu& pdu, core::FieldWriter& out) {
  if (!pdu.has_asdu) return;
  const Asdu& a = pdu.asdu;
  out.begin_array("objects");
  a.for_each_object([&out](const InformationObject& o) {
    out.begin_object({});
    out.unsigned_integer("ioa", o.ioa);
    write_value(o.value(), out);
    out.end_object();
  });
  out.end_array();
}

}  // namespace normwatch::protocols::iec104
