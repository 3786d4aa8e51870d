// Names of the policy's function classes (NORMS-AND-RULES.md §3.2), as written in policy files
// (`allow.classes`) and in events.
#include <array>
#include <string_view>

#include "normwatch/rules/facts.hpp"

namespace normwatch::rules {

namespace {
constexpr std::array<std::string_view, static_cast<std::size_t>(FunctionClass::kCount)> kNames{
    "read", "write", "control", "diagnostic", "identify", "time", "reporting_config",
    "file", "program", "mode", "config", "security", "other"};
}  // namespace

std::string_view name(FunctionClass c) {
  const auto i = static_cast<std::size_t>(c);
  return i < kNames.size() ? kNames[i] : std::string_view("?");
}

std::optional<FunctionClass> parse_function_class(std::string_view text) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == text) return static_cast<FunctionClass>(i);
  }
  return std::nullopt;
}

}  // namespace normwatch::rules
