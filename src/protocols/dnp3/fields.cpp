// describe(): the DNP3 keys of decode-jsonl.md, written through core::FieldWriter. "link" for every
// record; "app" only for application fragments, with "iin" only on responses and "start"/"stop"
// only for start/stop range qualifiers (range codes 0x0-0x5).
#include <cstdint>

#include "normwatch/protocols/dnp3/pdu.hpp"

namespace normwatch::protocols::dnp3 {

namespace {

void describe_object(const ObjectHeader& h, core::FieldWriter& out) {
  out.begin_object({});
  out.unsigned_integer("g", h.group);
  out.unsigned_integer("v", h.variation);
  out.unsigned_integer("q", h.qualifier);
  out.unsigned_integer("count", h.count);
  if (h.has_start_stop()) {
    out.unsigned_integer("start", h.start);
    out.unsigned_integer("stop", h.stop);
  }
  out.end_object();
}

}  // namespace

void describe(const Pdu& pdu, core::FieldWriter& out) {
  out.begin_object("link");
  out.unsigned_integer("src", pdu.link.source);
  out.unsigned_integer("dst", pdu.link.destination);
  out.boolean("dir", pdu.link.dir());
  out.boolean("prm", pdu.link.prm());
  out.unsigned_integer("fc", pdu.link.function());
  out.end_object();
  if (!pdu.has_app) return;

  const AppFragment& app = pdu.app;
  out.begin_object("app");
  out.unsigned_integer("fc", app.function);
  out.unsigned_integer("seq", app.control.seq);
  out.boolean("fir", app.control.fir);
  out.boolean("fin", app.control.fin);
  out.boolean("con", app.control.con);
  out.boolean("uns", app.control.uns);
  if (app.has_iin) out.unsigned_integer("iin", app.iin);
  out.begin_array("objects");
  for (const ObjectHeader& h : app.objects) describe_object(h, out);
  out.end_array();
  out.end_object();
}

}  // namespace normwatch::protocols::dnp3
