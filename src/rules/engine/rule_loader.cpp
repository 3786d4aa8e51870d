// Rule files: parsing one file's `rules:` and `overrides:`, loading a directory of them, checking
// ids are unique across files, and applying overrides (from the rules directory or the policy's
// `norm_rules.overrides`). Start-up code: yaml-cpp's exceptions are caught here and become
// diagnostics with the parser's mark.
#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "match_parser.hpp"
#include "normwatch/rules/engine/loader.hpp"
#include "yaml_reader.hpp"

namespace normwatch::rules::engine {

namespace {

using detail::YamlReader;

constexpr std::size_t kMaxRuleFileBytes = 4 << 20;   // a rule file is text an operator reads
constexpr std::size_t kMaxRulesPerFile = 10'000;
constexpr std::size_t kMaxClauses = 64;

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
}

bool valid_attack_id(std::string_view t) {
  // ATT&CK for ICS technique ids: T0800-T0899 style, optionally with a sub-technique ".001".
  if (t.size() < 5 || t[0] != 'T') return false;
  for (std::size_t i = 1; i < 5; ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  if (t.size() == 5) return true;
  if (t.size() != 9 || t[5] != '.') return false;
  return std::all_of(t.begin() + 6, t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Norm tags of NORMS-AND-RULES.md §1: GGE 13(b), (f), (g), (h), (i), (k) and the Paris Call P1.
constexpr std::array<std::string_view, 7> kNormTags{"b", "f", "g", "h", "i", "k", "P1"};

std::optional<events::EventKind> rule_kind(std::string_view s) {
  const auto k = events::parse_event_kind(s);
  if (!k) return std::nullopt;
  if (*k != events::EventKind::norm_violation && *k != events::EventKind::segmentation &&
      *k != events::EventKind::anomaly && *k != events::EventKind::health) {
    return std::nullopt;
  }
  return k;
}

std::optional<Clause> parse_clause(YamlReader& in, const YAML::Node& node, bool with_match_key) {
  Clause c;
  c.line = YamlReader::line_of(node);
  c.column = YamlReader::column_of(node);
  const std::size_t errors_before = in.errors();
  const YAML::Node match = with_match_key ? node["match"] : node;
  if (!match) {
    in.error(node, "a clause needs 'match'");
    return std::nullopt;
  }
  if (auto m = detail::parse_match(in, match, "match")) c.match = std::move(*m);
  if (const auto t = node["threshold"]) c.threshold = detail::parse_threshold(in, t);
  if (const auto l = node["limit"]) c.limit = detail::parse_limit(in, l);
  if (in.errors() != errors_before) return std::nullopt;
  return c;
}

void parse_clauses(YamlReader& in, const YAML::Node& node, Rule& rule) {
  if (node["when"]) {
    if (node["match"] || node["threshold"] || node["limit"]) {
      in.error(node["when"], "give either 'when' (a list of clauses) or 'match' with its threshold/limit, not both");
      return;
    }
    const YAML::Node when = node["when"];
    if (!when.IsSequence() || when.size() == 0 || when.size() > kMaxClauses) {
      in.error(when, "'when' must be a list of 1.." + std::to_string(kMaxClauses) + " clauses {match, threshold, limit}");
      return;
    }
    for (const auto& item : when) {
      if (!in.check_keys(item, {"match", "threshold", "limit"}, "clause")) continue;
      if (auto c = parse_clause(in, item, true)) rule.clauses.push_back(std::move(*c));
    }
    return;
  }
  if (node["match"]) {
    if (auto c = parse_clause(in, node, true)) rule.clauses.push_back(std::move(*c));
  } else if (node["threshold"] || node["limit"]) {
    in.error(node, "'threshold' and 'limit' need a 'match'");
  }
}

void parse_escalations(YamlReader& in, const YAML::Node& node, Rule& rule) {
  if (!node.IsSequence() || node.size() > kMaxClauses) {
    in.error(node, "'escalate' must be a list of {when: {...}, severity: ...}");
    return;
  }
  for (const auto& item : node) {
    if (!in.check_keys(item, {"when", "severity"}, "escalate")) continue;
    Escalation e;
    bool ok = true;
    if (const auto w = item["when"]) {
      if (auto m = detail::parse_match(in, w, "escalate when", true)) {
        e.when = std::move(*m);
      } else {
        ok = false;
      }
    } else {
      in.error(item, "escalate needs 'when'");
      ok = false;
    }
    if (const auto s = item["severity"]) {
      if (const auto v = in.severity(s, "escalate severity")) {
        e.severity = *v;
      } else {
        ok = false;
      }
    } else {
      in.error(item, "escalate needs 'severity'");
      ok = false;
    }
    if (ok) rule.escalate.push_back(std::move(e));
  }
}

std::optional<Rule> parse_rule(YamlReader& in, const YAML::Node& node) {
  if (!in.check_keys(node,
                     {"id", "version", "name", "description", "kind", "severity", "attack", "norms", "explanations",
                      "enabled", "needs", "emitted_by", "maintenance", "match", "threshold", "limit", "when",
                      "escalate"},
                     "rule")) {
    return std::nullopt;
  }
  const std::size_t errors_before = in.errors();
  Rule r;
  r.file = in.file();
  r.line = YamlReader::line_of(node);
  r.column = YamlReader::column_of(node);
  auto required = [&](const char* key) {
    const YAML::Node n = node[key];
    if (!n) in.error(node, std::string("rule needs '") + key + "'");
    return n;
  };
  if (const auto n = required("id")) {
    if (const auto t = in.text(n, "id")) {
      if (valid_id(*t)) {
        r.id = *t;
      } else {
        in.error(n, "id must be 1-32 letters, digits, '-', '_' or '.' (like MB-01), not '" + *t + "'");
      }
    }
  }
  if (const auto n = node["version"]) {
    if (const auto v = in.integer(n, "version", 1, 1'000'000)) r.version = static_cast<int>(*v);
  }
  if (const auto n = required("name")) {
    if (const auto t = in.text(n, "name")) r.name = *t;
  }
  if (const auto n = required("description")) {
    if (const auto t = in.text(n, "description")) r.description = *t;
  }
  if (const auto n = required("kind")) {
    if (const auto t = in.text(n, "kind")) {
      if (const auto k = rule_kind(*t)) {
        r.kind = *k;
      } else {
        in.error(n, "kind must be norm_violation, segmentation, anomaly or health, not '" + *t + "'");
      }
    }
  }
  if (const auto n = required("severity")) {
    if (const auto s = in.severity(n, "severity")) r.severity = *s;
  }
  if (const auto n = node["attack"]) {
    if (auto list = in.text_list(n, "attack")) {
      for (const auto& t : *list) {
        if (!valid_attack_id(t)) in.error(n, "attack: '" + t + "' is not an ATT&CK technique id like T0816");
      }
      r.attack = std::move(*list);
    }
  }
  if (const auto n = node["norms"]) {
    if (auto list = in.text_list(n, "norms")) {
      for (const auto& t : *list) {
        if (std::find(kNormTags.begin(), kNormTags.end(), t) == kNormTags.end()) {
          in.error(n, "norms: '" + t + "' is not a norm tag (b, f, g, h, i, k, P1)");
        }
      }
      r.norms = std::move(*list);
    }
  }
  if (const auto n = node["explanations"]) {
    if (auto list = in.text_list(n, "explanations")) r.explanations = std::move(*list);
  }
  if (const auto n = node["enabled"]) {
    if (const auto b = in.boolean(n, "enabled")) r.enabled = *b;
  }
  if (const auto n = node["needs"]) {
    if (const auto t = in.text(n, "needs")) r.needs = *t;
  }
  if (const auto n = node["emitted_by"]) {
    if (const auto t = in.text(n, "emitted_by")) {
      if (*t == "health") {
        r.emitted_by = *t;
      } else {
        in.error(n, "emitted_by must be 'health' (the sensor's health reporter)");
      }
    }
  }
  if (const auto n = node["maintenance"]) {
    if (const auto t = in.text(n, "maintenance")) {
      if (*t == "downgrade") {
        r.maintenance = Maintenance::downgrade;
      } else if (*t != "ignore") {
        in.error(n, "maintenance must be 'downgrade' or 'ignore'");
      }
    }
  }
  parse_clauses(in, node, r);
  if (const auto n = node["escalate"]) parse_escalations(in, n, r);

  if (in.errors() == errors_before) {
    if (!r.enabled && r.needs.empty()) in.error(node, "a rule shipped with enabled: false must say what it 'needs'");
    if (r.emitted_by.empty() && r.clauses.empty()) in.error(node, "rule " + r.id + " has no 'match' or 'when'");
    if (!r.emitted_by.empty() && !r.clauses.empty()) {
      in.error(node, "rule " + r.id + ": a rule emitted_by another part of the sensor has no clauses");
    }
    if ((r.kind == events::EventKind::norm_violation || r.kind == events::EventKind::segmentation) &&
        r.explanations.empty()) {
      in.error(node, "rule " + r.id + " needs 'explanations' (the benign alternatives an analyst should consider)");
    }
  }
  if (in.errors() != errors_before) return std::nullopt;
  return r;
}

void parse_overrides(YamlReader& in, const YAML::Node& node, std::vector<Override>& out) {
  if (!node.IsSequence() || node.size() > kMaxRulesPerFile) {
    in.error(node, "'overrides' must be a list of {id, severity, enabled}");
    return;
  }
  for (const auto& item : node) {
    if (!in.check_keys(item, {"id", "severity", "enabled"}, "override")) continue;
    Override o;
    o.file = in.file();
    o.line = YamlReader::line_of(item);
    o.column = YamlReader::column_of(item);
    const std::size_t errors_before = in.errors();
    if (const auto n = item["id"]) {
      if (const auto t = in.text(n, "override id")) o.id = *t;
    } else {
      in.error(item, "override needs 'id'");
    }
    if (const auto n = item["severity"]) o.severity = in.severity(n, "override severity");
    if (const auto n = item["enabled"]) o.enabled = in.boolean(n, "override enabled");
    if (!item["severity"] && !item["enabled"]) in.error(item, "override needs 'severity' or 'enabled'");
    if (in.errors() == errors_before) out.push_back(std::move(o));
  }
}

std::optional<YAML::Node> parse_yaml(std::string_view text, const std::string& file, Diagnostics& out) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    out.push_back(Diagnostic{file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1,
                             "not valid YAML: " + e.msg});
  }
  return std::nullopt;
}

}  // namespace

core::Result<RuleFile, Diagnostics> parse_rule_file(std::string_view text, const std::string& file) {
  Diagnostics diags;
  RuleFile result;
  try {
    const auto root = parse_yaml(text, file, diags);
    if (!root) return core::unexpected(std::move(diags));
    if (root->IsNull()) return result;  // an empty file holds no rules
    YamlReader in(file, diags);
    if (!in.check_keys(*root, {"rules", "overrides"}, "rule file")) return core::unexpected(std::move(diags));
    if (const auto rules = (*root)["rules"]) {
      if (!rules.IsSequence() || rules.size() > kMaxRulesPerFile) {
        in.error(rules, "'rules' must be a list of rules");
      } else {
        for (const auto& item : rules) {
          if (auto r = parse_rule(in, item)) result.rules.push_back(std::move(*r));
        }
      }
    }
    if (const auto overrides = (*root)["overrides"]) parse_overrides(in, overrides, result.overrides);
  } catch (const YAML::Exception& e) {
    // Reads above never throw on well-typed access; this guards yaml-cpp corner cases.
    diags.push_back(Diagnostic{file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1,
                               "cannot read: " + e.msg});
  }
  if (!diags.empty()) return core::unexpected(std::move(diags));
  return result;
}

Diagnostics apply_overrides(RulePack& pack, const std::vector<Override>& overrides) {
  Diagnostics diags;
  for (const Override& o : overrides) {
    auto it = std::find_if(pack.rules.begin(), pack.rules.end(), [&](const Rule& r) { return r.id == o.id; });
    if (it == pack.rules.end()) {
      diags.push_back(Diagnostic{o.file, o.line, o.column, "override of unknown rule id '" + o.id + "'"});
      continue;
    }
    if (o.severity) it->severity = *o.severity;
    if (o.enabled) it->enabled = *o.enabled;
  }
  return diags;
}

core::Result<RulePack, Diagnostics> load_rule_pack(const std::string& directory) {
  namespace fs = std::filesystem;
  Diagnostics diags;
  RulePack pack;
  pack.directory = directory;
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    diags.push_back(Diagnostic{directory, 0, 0, "not a directory of rule files"});
    return core::unexpected(std::move(diags));
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const auto ext = entry.path().extension();
    if ((ext == ".yaml" || ext == ".yml") && entry.is_regular_file(ec)) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    diags.push_back(Diagnostic{directory, 0, 0, "no rule files (*.yaml) in this directory"});
    return core::unexpected(std::move(diags));
  }
  std::vector<Override> overrides;
  std::map<std::string, const Rule*, std::less<>> first_seen;
  std::vector<Rule> all;
  for (const auto& path : files) {
    const std::string name = path.string();
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) {
      diags.push_back(Diagnostic{name, 0, 0, "cannot read"});
      continue;
    }
    const std::string bytes = text.str();
    if (bytes.size() > kMaxRuleFileBytes) {
      diags.push_back(Diagnostic{name, 0, 0, "larger than " + std::to_string(kMaxRuleFileBytes >> 20) + " MiB"});
      continue;
    }
    pack.files.push_back(name);
    auto parsed = parse_rule_file(bytes, name);
    if (!parsed) {
      diags.insert(diags.end(), parsed.error().begin(), parsed.error().end());
      continue;
    }
    for (auto& r : parsed->rules) all.push_back(std::move(r));
    overrides.insert(overrides.end(), parsed->overrides.begin(), parsed->overrides.end());
  }
  for (const Rule& r : all) {
    const auto [it, inserted] = first_seen.emplace(r.id, &r);
    if (!inserted) {
      diags.push_back(Diagnostic{r.file, r.line, r.column,
                                 "duplicate rule id '" + r.id + "' (first defined at " + it->second->file + ":" +
                                     std::to_string(it->second->line) + ")"});
    }
  }
  pack.rules = std::move(all);
  const Diagnostics override_diags = apply_overrides(pack, overrides);
  diags.insert(diags.end(), override_diags.begin(), override_diags.end());
  if (!diags.empty()) return core::unexpected(std::move(diags));
  return pack;
}

Diagnostics apply_policy_overrides(RulePack& pack, const Policy& policy) {
  std::vector<Override> overrides;
  Diagnostics diags;
  for (const SeverityOverride& o : policy.norm_rules().overrides) {
    Override ov;
    ov.id = o.rule_id;
    ov.file = policy.path();
    ov.line = o.line;
    ov.column = o.column;
    ov.severity = events::parse_severity(o.severity);
    if (!ov.severity) {
      diags.push_back(Diagnostic{ov.file, ov.line, ov.column, "override severity '" + o.severity + "' is not a severity"});
      continue;
    }
    overrides.push_back(std::move(ov));
  }
  const Diagnostics more = apply_overrides(pack, overrides);
  diags.insert(diags.end(), more.begin(), more.end());
  return diags;
}

}  // namespace normwatch::rules::engine
