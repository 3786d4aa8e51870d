// Shared helpers for the policy tests: load a policy from text (failing the test with its
// diagnostics), build flows and PDUs by hand, and look for findings.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/rules/policy.hpp"

namespace normwatch::rules::test {

// Loads YAML text; on failure the test fails with every diagnostic and nullptr is returned.
std::unique_ptr<Policy> must_load(std::string_view yaml);
// Loads a file of the source tree (path relative to NORMWATCH_SOURCE_DIR).
std::unique_ptr<Policy> must_load_file(const std::string& relative_path);
// The diagnostics of a policy that must not load.
std::vector<Diagnostic> must_fail(std::string_view yaml);

core::IpAddress ip(std::string_view text);
core::Timestamp at(std::string_view rfc3339);  // e.g. "2025-12-01T23:00:00Z"

FlowFacts flow(std::string_view client, std::uint16_t client_port, std::string_view server, std::uint16_t server_port,
               protocols::ProtocolId ics = protocols::ProtocolId::unknown, std::string_view app = {});

PduFacts pdu(protocols::ProtocolId proto, std::int32_t function, FunctionClass cls, std::int64_t unit = -1);
PduFacts modbus_write(std::int32_t fc, std::int64_t unit, DataTable table, std::int64_t address, std::uint32_t count);

std::vector<std::string> rule_ids(const std::vector<PolicyFinding>& findings);
const PolicyFinding* find(const std::vector<PolicyFinding>& findings, std::string_view rule_id);
std::string dump(const std::vector<PolicyFinding>& findings);
std::string dump(const std::vector<Diagnostic>& diags);
// True when some diagnostic is at line:column and its message contains `text`.
bool has_diag(const std::vector<Diagnostic>& diags, int line, int column, std::string_view text);

}  // namespace normwatch::rules::test
