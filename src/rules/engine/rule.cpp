// The rule model's small helpers: value sets, durations, and which rules need a policy.
#include "normwatch/rules/engine/rule.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace normwatch::rules::engine {

void ValueSet::add(std::int64_t lo, std::int64_t hi) {
  if (lo > hi) std::swap(lo, hi);
  ranges_.push_back({lo, hi});
  std::sort(ranges_.begin(), ranges_.end(), [](const Range& a, const Range& b) { return a.lo < b.lo; });
  // Merge overlapping and adjacent ranges so that printing and matching see the simplest form.
  std::vector<Range> merged;
  for (const Range& r : ranges_) {
    if (!merged.empty() && r.lo <= merged.back().hi + 1) {
      merged.back().hi = std::max(merged.back().hi, r.hi);
    } else {
      merged.push_back(r);
    }
  }
  ranges_ = std::move(merged);
}

std::string ValueSet::to_string(bool hex) const {
  std::string out;
  char buf[48];
  auto put = [&](std::int64_t v) {
    std::snprintf(buf, sizeof buf, hex && v >= 0 ? "0x%02llX" : "%lld", static_cast<long long>(v));
    out += buf;
  };
  for (const Range& r : ranges_) {
    if (!out.empty()) out += ", ";
    put(r.lo);
    if (r.hi != r.lo) {
      out += "-";
      put(r.hi);
    }
  }
  return out;
}

std::optional<std::int64_t> parse_duration_ns(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) text.remove_suffix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  double scale = 1e9;
  if (unit.empty() || unit == "s") {
    scale = 1e9;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "m" || unit == "min") {
    scale = 60e9;
  } else if (unit == "h") {
    scale = 3600e9;
  } else {
    return std::nullopt;
  }
  const double ns = value * scale;
  if (!(ns >= 0) || ns > 366.0 * 24 * 3600e9) return std::nullopt;  // a year at most; rejects NaN
  return static_cast<std::int64_t>(ns);
}

bool Rule::needs_policy() const {
  if (clauses.empty()) return false;
  return std::all_of(clauses.begin(), clauses.end(), [](const Clause& c) { return c.match.needs_policy(); });
}

bool Rule::partly_needs_policy() const {
  return std::any_of(clauses.begin(), clauses.end(), [](const Clause& c) { return c.match.needs_policy(); });
}

const Rule* RulePack::find(std::string_view id) const {
  for (const Rule& r : rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

}  // namespace normwatch::rules::engine
