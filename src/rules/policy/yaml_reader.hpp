// Strict reading of YAML nodes for the policy loader: every problem becomes a Diagnostic at the
// node's 1-based line and column, unknown and duplicate keys are reported at the key, and a node
// budget bounds the work any file can cause (aliases can make a small file expand).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "normwatch/rules/policy.hpp"

namespace normwatch::rules::detail {

class YamlReader {
 public:
  static constexpr std::size_t kMaxNodes = 1'000'000;

  YamlReader(std::string file, std::vector<Diagnostic>& out, std::size_t max_diagnostics);

  void error(const YAML::Mark& mark, std::string message);
  void error(const YAML::Node& at, std::string message) { error(at.Mark(), std::move(message)); }
  bool failed() const { return failed_; }
  bool stopped() const { return stopped_; }   // too many errors or nodes: stop reading
  const std::string& file() const { return file_; }

  // `node` must be a map whose keys are all in `allowed`; reports unknown and duplicate keys.
  bool check_map(const YAML::Node& node, std::string_view what, std::initializer_list<std::string_view> allowed);
  // The value under `key` of a map checked above (nullopt when absent).
  std::optional<YAML::Node> member(const YAML::Node& map, std::string_view key);

  // Scalars. Each reports and returns nullopt when `node` is not what is asked.
  std::optional<std::string> string(const YAML::Node& node, std::string_view what);
  std::optional<std::int64_t> integer(const YAML::Node& node, std::string_view what, std::int64_t min, std::int64_t max);
  std::optional<double> number(const YAML::Node& node, std::string_view what);
  std::optional<bool> boolean(const YAML::Node& node, std::string_view what);
  // Calls f(item) for each element of a sequence; a single scalar counts as a one-element list.
  void for_each(const YAML::Node& node, std::string_view what, const std::function<void(const YAML::Node&)>& f);
  // Counts one node against kMaxNodes; false (once reported) when the budget is spent.
  bool tick(const YAML::Node& at);

 private:
  std::string file_;
  std::vector<Diagnostic>& out_;
  std::size_t max_diagnostics_;
  std::size_t nodes_ = 0;
  bool failed_ = false;
  bool stopped_ = false;
};

// 1-based line and column of a node (0 when yaml-cpp has no mark).
int line_of(const YAML::Mark& m);
int column_of(const YAML::Mark& m);

}  // namespace normwatch::rules::detail
