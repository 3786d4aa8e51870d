// Renders each PDU with the common keys of decode-jsonl.md followed by the protocol's own keys.
#include "normwatch/pipeline/decode_jsonl.hpp"

#include <string>

#include "normwatch/events/json_builder.hpp"

namespace normwatch::pipeline {

double micro_seconds(core::Timestamp ts) {
  std::int64_t micros = ts.ns / 1000;
  if (ts.ns < 0 && ts.ns % 1000 != 0) --micros;
  return static_cast<double>(micros) / 1e6;
}

void DecodeJsonl::on_pdu(const protocols::PduRecord& record, const FlowEndpoints& endpoints) {
  events::JsonBuilder json;
  json.integer("v", 1);
  json.unsigned_integer("frame", record.frame_no);
  json.real("ts", micro_seconds(record.ts));
  json.string("proto", protocols::name(record.protocol));
  json.string("src", core::format_endpoint(endpoints.src_ip, endpoints.src_port));
  json.string("dst", core::format_endpoint(endpoints.dst_ip, endpoints.dst_port));
  if (!record.malformed.empty()) json.string("malformed", record.malformed);
  record.describe(json);
  const std::string line = json.dump();
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fputc('\n', out_);
  ++lines_;
}

}  // namespace normwatch::pipeline
