// Fuzz target: the rule-file loader (rules/engine/loader.hpp) on arbitrary text, and, when a file
// is accepted, compiling it and running a few PDUs, anomalies and findings through the engine.
// Whatever the text, loading must return rules or diagnostics: no crash, no hang, bounded memory.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "normwatch/rules/engine/engine.hpp"
#include "normwatch/rules/engine/loader.hpp"
#include "normwatch/rules/engine/names.hpp"

namespace {

class NullSink final : public normwatch::events::EventSink {
 public:
  void emit(normwatch::events::Event) override {}
};

void exercise(normwatch::rules::engine::RulePack pack) {
  using namespace normwatch;
  auto engine = rules::engine::Engine::compile(std::move(pack), rules::engine::EngineLimits{16});
  NullSink sink;
  rules::engine::Endpoints w;
  w.src_ip = core::IpAddress::v4(0x0A0A0242u);
  w.dst_ip = core::IpAddress::v4(0x0A0A0114u);
  w.src_port = 51000;
  w.dst_port = 502;
  rules::engine::FlowPolicy listed;
  listed.master_listed = true;
  for (int p = 1; p <= 3; ++p) {
    for (int fc = -1; fc < 256; fc += 7) {
      rules::PduFacts f;
      f.protocol = static_cast<protocols::ProtocolId>(p);
      f.function = fc;
      f.sub = fc & 0x0F;
      f.exception = fc & 3;
      f.unit = fc;
      f.address = fc * 3;
      f.from_master = (fc & 1) != 0;
      f.has_iin = true;
      f.iin = static_cast<std::uint16_t>(fc * 257);
      engine->on_pdu(f, w, (fc & 2) != 0 ? &listed : nullptr, sink);
    }
  }
  for (const auto name : rules::engine::parser_anomaly_names()) {
    protocols::AnomalyRecord a;
    a.name = name;
    engine->on_anomaly(a, w, nullptr, sink);
  }
  for (const auto id : rules::engine::policy_finding_ids()) {
    rules::PolicyFinding finding;
    finding.rule_id = std::string(id);
    engine->on_policy_finding(finding, {}, 1, w, protocols::ProtocolId::modbus, "modbus", nullptr, nullptr, sink);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = normwatch::rules::engine::parse_rule_file(text, "fuzz.yaml");
  if (!file) return 0;
  normwatch::rules::engine::RulePack pack;
  pack.rules = std::move(file->rules);
  (void)normwatch::rules::engine::apply_overrides(pack, file->overrides);
  exercise(std::move(pack));
  return 0;
}
