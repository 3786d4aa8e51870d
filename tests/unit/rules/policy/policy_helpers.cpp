// Helpers for the policy tests (policy_helpers.hpp).
#include "policy_helpers.hpp"

#include <gtest/gtest.h>

#include "normwatch/rules/function_classes.hpp"

namespace normwatch::rules::test {

std::unique_ptr<Policy> must_load(std::string_view yaml) {
  auto r = Policy::load_text(yaml, "test.yaml");
  if (!r) {
    ADD_FAILURE() << "policy did not load:\n" << dump(r.error());
    return nullptr;
  }
  return std::move(*r);
}

std::unique_ptr<Policy> must_load_file(const std::string& relative_path) {
  auto r = Policy::load(std::string(NORMWATCH_SOURCE_DIR) + "/" + relative_path);
  if (!r) {
    ADD_FAILURE() << relative_path << " did not load:\n" << dump(r.error());
    return nullptr;
  }
  return std::move(*r);
}

std::vector<Diagnostic> must_fail(std::string_view yaml) {
  auto r = Policy::load_text(yaml, "test.yaml");
  if (r) {
    ADD_FAILURE() << "policy loaded but should not have";
    return {};
  }
  return r.error();
}

core::IpAddress ip(std::string_view text) {
  const auto a = core::IpAddress::parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(core::IpAddress{});
}

core::Timestamp at(std::string_view rfc3339) {
  // Only the shape the tests use: YYYY-MM-DDTHH:MM:SSZ (checked against the loader's parser by
  // the window tests, which compare with windows written in the policy).
  auto yaml = std::string("policy: {id: t}\nzones: [{id: a, match: {default: true}}]\n"
                          "conduits: [{id: c, from: a, to: a, protocol: any, windows: [{ticket: T, start: \"") +
              std::string(rfc3339) + "\", end: \"2261-01-01T00:00:00Z\"}]}]\n";
  auto r = Policy::load_text(yaml, "at.yaml");
  if (!r) {
    ADD_FAILURE() << "bad time " << rfc3339 << ": " << dump(r.error());
    return {};
  }
  return (*r)->conduits().at(0).windows.at(0).start;
}

FlowFacts flow(std::string_view client, std::uint16_t client_port, std::string_view server, std::uint16_t server_port,
               protocols::ProtocolId ics, std::string_view app) {
  FlowFacts f;
  f.client_ip = ip(client);
  f.client_port = client_port;
  f.server_ip = ip(server);
  f.server_port = server_port;
  f.ip_proto = 6;
  f.ics = ics;
  f.app_name = app;
  return f;
}

PduFacts pdu(protocols::ProtocolId proto, std::int32_t function, FunctionClass cls, std::int64_t unit) {
  PduFacts p;
  p.protocol = proto;
  p.function = function;
  p.function_class = cls;
  p.unit = unit;
  p.from_master = true;
  return p;
}

PduFacts modbus_write(std::int32_t fc, std::int64_t unit, DataTable table, std::int64_t address, std::uint32_t count) {
  PduFacts p = pdu(protocols::ProtocolId::modbus, fc, modbus_class(fc, -1), unit);
  p.table = table;
  p.address = address;
  p.count = count;
  return p;
}

std::vector<std::string> rule_ids(const std::vector<PolicyFinding>& findings) {
  std::vector<std::string> ids;
  for (const PolicyFinding& f : findings) ids.push_back(f.rule_id);
  return ids;
}

const PolicyFinding* find(const std::vector<PolicyFinding>& findings, std::string_view rule_id) {
  for (const PolicyFinding& f : findings) {
    if (f.rule_id == rule_id) return &f;
  }
  return nullptr;
}

std::string dump(const std::vector<PolicyFinding>& findings) {
  std::string out;
  for (const PolicyFinding& f : findings) out += f.rule_id + " [" + f.clause + "] " + f.message + "\n";
  return out;
}

std::string dump(const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const Diagnostic& d : diags) out += d.to_string() + "\n";
  return out;
}

bool has_diag(const std::vector<Diagnostic>& diags, int line, int column, std::string_view text) {
  for (const Diagnostic& d : diags) {
    if (d.line == line && d.column == column && d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace normwatch::rules::test
