// YamlReader: typed, located access to policy YAML (yaml_reader.hpp).
#include "yaml_reader.hpp"

#include <charconv>
#include <cmath>

#include "text_parse.hpp"

namespace normwatch::rules::detail {

int line_of(const YAML::Mark& m) { return m.is_null() || m.line < 0 ? 0 : m.line + 1; }
int column_of(const YAML::Mark& m) { return m.is_null() || m.column < 0 ? 0 : m.column + 1; }

YamlReader::YamlReader(std::string file, std::vector<Diagnostic>& out, std::size_t max_diagnostics)
    : file_(std::move(file)), out_(out), max_diagnostics_(max_diagnostics == 0 ? 1 : max_diagnostics) {}

void YamlReader::error(const YAML::Mark& mark, std::string message) {
  failed_ = true;
  if (stopped_) return;
  if (out_.size() + 1 >= max_diagnostics_) {
    out_.push_back({file_, line_of(mark), column_of(mark), "too many errors; stopping here"});
    stopped_ = true;
    return;
  }
  out_.push_back({file_, line_of(mark), column_of(mark), std::move(message)});
}

bool YamlReader::tick(const YAML::Node& at) {
  if (stopped_) return false;
  if (++nodes_ > kMaxNodes) {
    error(at, "policy too large: more than " + std::to_string(kMaxNodes) + " nodes (after aliases)");
    stopped_ = true;
    return false;
  }
  return true;
}

bool YamlReader::check_map(const YAML::Node& node, std::string_view what,
                           std::initializer_list<std::string_view> allowed) {
  if (!tick(node)) return false;
  if (!node.IsMap()) {
    error(node, std::string(what) + " must be a map");
    return false;
  }
  std::vector<std::string_view> seen;
  for (const auto& kv : node) {
    if (!tick(kv.first)) return false;
    if (!kv.first.IsScalar()) {
      error(kv.first, "a key of " + std::string(what) + " must be a plain name");
      continue;
    }
    const std::string& key = kv.first.Scalar();
    bool known = false;
    for (const std::string_view a : allowed) known = known || a == key;
    if (!known) {
      std::string list;
      for (const std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      error(kv.first, "unknown key '" + key + "' in " + std::string(what) + " (expected one of: " + list + ")");
      continue;
    }
    for (const std::string_view s : seen) {
      if (s == key) error(kv.first, "duplicate key '" + key + "' in " + std::string(what));
    }
    for (const std::string_view a : allowed) {
      if (a == key) seen.push_back(a);
    }
  }
  return true;
}

std::optional<YAML::Node> YamlReader::member(const YAML::Node& map, std::string_view key) {
  if (map.IsMap()) {
    for (const auto& kv : map) {
      if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
    }
  }
  return std::nullopt;
}

std::optional<std::string> YamlReader::string(const YAML::Node& node, std::string_view what) {
  if (!tick(node)) return std::nullopt;
  if (!node.IsScalar()) {
    error(node, std::string(what) + " must be a string");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& node, std::string_view what, std::int64_t min,
                                                std::int64_t max) {
  const auto text = string(node, what);
  if (!text) return std::nullopt;
  std::int64_t v = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc() || ptr != end || text->empty()) {
    error(node, std::string(what) + " must be an integer, not '" + *text + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    error(node, std::string(what) + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", not " + *text);
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlReader::number(const YAML::Node& node, std::string_view what) {
  const auto text = string(node, what);
  if (!text) return std::nullopt;
  double v = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc() || ptr != end || text->empty() || !std::isfinite(v)) {
    error(node, std::string(what) + " must be a number, not '" + *text + "'");
    return std::nullopt;
  }
  return v;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, std::string_view what) {
  const auto text = string(node, what);
  if (!text) return std::nullopt;
  if (iequals(*text, "true")) return true;
  if (iequals(*text, "false")) return false;
  error(node, std::string(what) + " must be true or false, not '" + *text + "'");
  return std::nullopt;
}

void YamlReader::for_each(const YAML::Node& node, std::string_view what,
                          const std::function<void(const YAML::Node&)>& f) {
  if (!tick(node)) return;
  if (node.IsScalar()) {
    f(node);
    return;
  }
  if (!node.IsSequence()) {
    error(node, std::string(what) + " must be a list");
    return;
  }
  for (const auto& item : node) {
    if (stopped_) return;
    f(item);
  }
}

}  // namespace normwatch::rules::detail
