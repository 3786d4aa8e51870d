// Typed reads from yaml-cpp nodes with file:line:column diagnostics (see yaml_reader.hpp).
#include "yaml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace normwatch::rules::engine::detail {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 80)) out.push_back(std::isprint(static_cast<unsigned char>(c)) != 0 ? c : '?');
  if (s.size() > 80) out += "...";
  out += "'";
  return out;
}

}  // namespace

std::optional<std::int64_t> parse_integer(std::string_view text) {
  text = trim(text);
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return negative ? -value : value;
}

void YamlReader::error(const YAML::Node& at, std::string message) {
  error_at(line_of(at), column_of(at), std::move(message));
}

void YamlReader::error_at(int line, int column, std::string message) {
  ++errors_;
  out_.push_back(Diagnostic{file_, line, column, std::move(message)});
}

bool YamlReader::is_map(const YAML::Node& node, std::string_view what) {
  if (node.IsMap()) return true;
  error(node, std::string(what) + " must be a mapping (key: value)");
  return false;
}

bool YamlReader::check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                            std::string_view what) {
  if (!is_map(map, what)) return false;
  bool ok = true;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) {
      error(kv.first, std::string(what) + ": keys must be plain words");
      ok = false;
      continue;
    }
    const std::string& key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (const auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      error(kv.first, "unknown field " + quoted(key) + " in " + std::string(what) + " (allowed: " + list + ")");
      ok = false;
    }
  }
  return ok;
}

std::optional<std::string> YamlReader::text(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) {
    error(node, std::string(what) + " must be text");
    return std::nullopt;
  }
  if (node.Scalar().size() > kMaxStringBytes) {
    error(node, std::string(what) + " is longer than " + std::to_string(kMaxStringBytes) + " bytes");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& node, std::string_view what, std::int64_t lo,
                                                std::int64_t hi) {
  if (!node.IsScalar()) {
    error(node, std::string(what) + " must be a number");
    return std::nullopt;
  }
  const auto v = parse_integer(node.Scalar());
  if (!v || *v < lo || *v > hi) {
    error(node, std::string(what) + " must be a whole number in " + std::to_string(lo) + ".." + std::to_string(hi) +
                    ", not " + quoted(node.Scalar()));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  error(node, std::string(what) + " must be true or false");
  return std::nullopt;
}

std::optional<std::int64_t> YamlReader::duration_ns(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) {
    if (const auto ns = parse_duration_ns(node.Scalar()); ns && *ns > 0) return ns;
  }
  error(node, std::string(what) + " must be a positive duration such as 60s, 10s, 500ms, 5m or 1h");
  return std::nullopt;
}

std::optional<events::Severity> YamlReader::severity(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) {
    if (const auto s = events::parse_severity(node.Scalar())) return s;
  }
  error(node, std::string(what) + " must be one of info, low, medium, high, critical (or L, M, H, C)");
  return std::nullopt;
}

std::optional<std::vector<std::string>> YamlReader::text_list(const YAML::Node& node, std::string_view what) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    if (auto t = text(node, what)) out.push_back(std::move(*t));
    return out;
  }
  if (!node.IsSequence()) {
    error(node, std::string(what) + " must be text or a list of text");
    return std::nullopt;
  }
  if (node.size() > kMaxListItems) {
    error(node, std::string(what) + " has more than " + std::to_string(kMaxListItems) + " items");
    return std::nullopt;
  }
  bool ok = true;
  for (const auto& item : node) {
    if (auto t = text(item, what)) {
      out.push_back(std::move(*t));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

bool YamlReader::value_item(const YAML::Node& item, std::string_view what, std::int64_t lo, std::int64_t hi,
                            NameLookup names, ValueSet& out) {
  if (!item.IsScalar()) {
    error(item, std::string(what) + ": each item must be a number, a range like 15-16, or a name");
    return false;
  }
  const std::string_view s = trim(item.Scalar());
  auto word = [&](std::string_view w) -> std::optional<std::int64_t> {
    if (auto v = parse_integer(w)) return v;
    if (names != nullptr) return names(trim(w));
    return std::nullopt;
  };
  std::optional<std::int64_t> a;
  std::optional<std::int64_t> b;
  if (const auto dots = s.find(".."); dots != std::string_view::npos) {
    a = word(s.substr(0, dots));
    b = word(s.substr(dots + 2));
  } else if (const auto dash = s.find('-', 1); dash != std::string_view::npos && parse_integer(s.substr(0, dash))) {
    a = word(s.substr(0, dash));
    b = word(s.substr(dash + 1));
  } else {
    a = word(s);
    b = a;
  }
  if (!a || !b) {
    error(item, std::string(what) + ": " + quoted(s) + " is not a number, a range or a known name");
    return false;
  }
  if (*a > *b || *a < lo || *b > hi) {
    error(item, std::string(what) + ": " + quoted(s) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi) +
                    (*a > *b ? " or its range is reversed" : ""));
    return false;
  }
  out.add(*a, *b);
  return true;
}

std::optional<ValueSet> YamlReader::values(const YAML::Node& node, std::string_view what, std::int64_t lo,
                                           std::int64_t hi, NameLookup names) {
  ValueSet set;
  if (node.IsScalar()) {
    if (!value_item(node, what, lo, hi, names, set)) return std::nullopt;
    return set;
  }
  if (!node.IsSequence() || node.size() == 0) {
    error(node, std::string(what) + " must be a value, a range or a non-empty list of them");
    return std::nullopt;
  }
  if (node.size() > kMaxListItems) {
    error(node, std::string(what) + " has more than " + std::to_string(kMaxListItems) + " items");
    return std::nullopt;
  }
  bool ok = true;
  for (const auto& item : node) ok = value_item(item, what, lo, hi, names, set) && ok;
  if (!ok) return std::nullopt;
  return set;
}

}  // namespace normwatch::rules::engine::detail
