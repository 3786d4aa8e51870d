// libFuzzer target for the policy loader: any bytes as a policy file must give a policy or
// diagnostics, never a crash, hang or unbounded memory. A policy that loads is then asked about a
// few flows and PDUs, so its compiled lookup structures are exercised too.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "normwatch/rules/function_classes.hpp"
#include "normwatch/rules/policy.hpp"

namespace {
using namespace normwatch;
using namespace normwatch::rules;

core::IpAddress addr(std::string_view text) { return core::IpAddress::parse(text).value_or(core::IpAddress{}); }

void exercise(Policy& p) {
  static const std::array<std::string_view, 6> kHosts{"10.10.1.20", "10.10.2.10", "192.0.2.7", "fd00::1",
                                                      "::ffff:10.10.1.5", "0.0.0.0"};
  std::vector<PolicyFinding> out;
  const core::Timestamp ts = core::Timestamp::from_seconds(1'764'630'000);
  for (const std::string_view c : kHosts) {
    for (const std::string_view s : kHosts) {
      FlowFacts f;
      f.client_ip = addr(c);
      f.server_ip = addr(s);
      f.server_port = 502;
      f.vlan = 110;
      f.client_mac = std::array<std::uint8_t, 6>{0x00, 0x80, 0xf4, 0x12, 0x34, 0x56};
      f.ics = protocols::ProtocolId::modbus;
      f.app_name = "TLS.SSH";
      p.check_flow(f, true, true, ts, out);
      PduFacts pdu;
      pdu.protocol = protocols::ProtocolId::modbus;
      pdu.function = 16;
      pdu.function_class = modbus_class(16, -1);
      pdu.unit = 1;
      pdu.table = DataTable::holding_registers;
      pdu.address = 65530;
      pdu.count = 10;
      p.check_pdu(f, pdu, ts, out);
      pdu.function = 90;
      pdu.function_class = modbus_class(90, 0x41);
      p.check_pdu(f, pdu, ts, out);
      out.clear();
    }
  }
  (void)p.counters();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = Policy::load_text(text, "fuzz.yaml");
  if (r) {
    exercise(**r);
  } else {
    for (const Diagnostic& d : r.error()) (void)d.to_string();
  }
  return 0;
}
