// YamlReader: typed, validating reads from yaml-cpp nodes for the rule loader. Every problem is
// recorded as a Diagnostic "file:line:column: message" (yaml-cpp marks are 0-based; ours 1-based)
// and reading goes on, so that one `rules check` run lists every problem of a file.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/rules/engine/rule.hpp"
#include "normwatch/rules/policy.hpp"

namespace normwatch::rules::engine::detail {

// Turns a word ("COLD_RESTART", "stopdt_act") into a number for a value list; nullopt: unknown.
using NameLookup = std::optional<std::int64_t> (*)(std::string_view word);

// Caps on what a rule file may hold: a loader fed hostile files stays bounded.
inline constexpr std::size_t kMaxListItems = 4096;
inline constexpr std::size_t kMaxStringBytes = 4096;

class YamlReader {
 public:
  YamlReader(std::string file, std::vector<Diagnostic>& out) : file_(std::move(file)), out_(out) {}

  const std::string& file() const { return file_; }
  void error(const YAML::Node& at, std::string message);
  void error_at(int line, int column, std::string message);
  std::size_t errors() const { return errors_; }

  // Each key of `map` must be one of `allowed`; returns false (after reporting) when one is not.
  bool check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed, std::string_view what);
  bool is_map(const YAML::Node& node, std::string_view what);

  std::optional<std::string> text(const YAML::Node& node, std::string_view what);
  std::optional<std::int64_t> integer(const YAML::Node& node, std::string_view what, std::int64_t lo, std::int64_t hi);
  std::optional<bool> boolean(const YAML::Node& node, std::string_view what);
  std::optional<std::int64_t> duration_ns(const YAML::Node& node, std::string_view what);
  std::optional<events::Severity> severity(const YAML::Node& node, std::string_view what);
  // A scalar or a list of scalars.
  std::optional<std::vector<std::string>> text_list(const YAML::Node& node, std::string_view what);
  // A value, a range "a-b" (or "a..b"), a name known to `names`, or a list of those, within [lo, hi].
  std::optional<ValueSet> values(const YAML::Node& node, std::string_view what, std::int64_t lo, std::int64_t hi,
                                 NameLookup names = nullptr);

  static int line_of(const YAML::Node& node) { return node.Mark().is_null() ? 0 : node.Mark().line + 1; }
  static int column_of(const YAML::Node& node) { return node.Mark().is_null() ? 0 : node.Mark().column + 1; }

 private:
  bool value_item(const YAML::Node& item, std::string_view what, std::int64_t lo, std::int64_t hi, NameLookup names,
                  ValueSet& out);

  std::string file_;
  std::vector<Diagnostic>& out_;
  std::size_t errors_ = 0;
};

// Strict integer text: decimal or 0x-hex, optional leading '-', nothing else.
std::optional<std::int64_t> parse_integer(std::string_view text);

}  // namespace normwatch::rules::engine::detail
