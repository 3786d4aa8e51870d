// Loads a whole policy file (NORMS-AND-RULES.md §3.3): the top-level keys, `policy`, `site`,
// `time`, `default`, `norm_rules`, then zones and conduits (load_zones.cpp, load_conduits.cpp).
// yaml-cpp reports syntax errors by exception; they are caught here and become diagnostics.
#include <array>
#include <exception>

#include <openssl/evp.h>

#include "policy_data.hpp"
#include "text_parse.hpp"
#include "yaml_reader.hpp"

namespace normwatch::rules::detail {

namespace {

struct SeverityName {
  std::string_view text;
  std::string_view canonical;
};
constexpr std::array<SeverityName, 10> kSeverities{{
    {"i", "info"}, {"info", "info"}, {"l", "low"}, {"low", "low"}, {"m", "medium"}, {"medium", "medium"},
    {"h", "high"}, {"high", "high"}, {"c", "critical"}, {"critical", "critical"},
}};
constexpr std::array<std::string_view, 6> kTimeSources{"ptp", "ntp", "gps", "pps", "local", "none"};

void load_meta(YamlReader& r, const YAML::Node& node, PolicyData& d) {
  if (!r.check_map(node, "policy", {"id", "version", "approved_by", "reason_required", "description"})) return;
  if (auto n = r.member(node, "id")) {
    if (auto s = r.string(*n, "policy.id"); s) {
      if (s->empty()) r.error(*n, "policy.id must not be empty");
      d.meta.id = *s;
    }
  } else {
    r.error(node, "policy has no id");
  }
  if (auto n = r.member(node, "version")) {
    if (auto s = r.string(*n, "policy.version"); s) d.meta.version = *s;
  }
  if (auto n = r.member(node, "approved_by")) {
    if (auto s = r.string(*n, "policy.approved_by"); s) d.meta.approved_by = *s;
  }
  if (auto n = r.member(node, "reason_required")) {
    if (auto b = r.boolean(*n, "policy.reason_required"); b) d.meta.reason_required = *b;
  }
  if (auto n = r.member(node, "description")) (void)r.string(*n, "policy.description");
}

void load_site(YamlReader& r, const YAML::Node& node, PolicyData& d) {
  if (!r.check_map(node, "site", {"sector", "tags", "name"})) return;
  if (auto n = r.member(node, "sector")) {
    if (auto s = r.string(*n, "site.sector"); s) d.meta.sector = *s;
  }
  if (auto n = r.member(node, "name")) (void)r.string(*n, "site.name");
  if (auto n = r.member(node, "tags")) {
    r.for_each(*n, "site.tags", [&](const YAML::Node& item) {
      if (auto s = r.string(item, "site tag"); s) d.meta.site_tags.push_back(*s);
    });
  }
}

void load_time(YamlReader& r, const YAML::Node& node, PolicyData& d) {
  if (!r.check_map(node, "time", {"source", "max_offset_ms"})) return;
  if (auto n = r.member(node, "source")) {
    if (auto s = r.string(*n, "time.source"); s) {
      bool known = false;
      for (const std::string_view t : kTimeSources) known = known || iequals(t, *s);
      if (!known) {
        r.error(*n, "time.source '" + *s + "' is not one of ptp, ntp, gps, pps, local, none");
      } else {
        d.meta.time.source = to_lower(*s);
      }
    }
  }
  if (auto n = r.member(node, "max_offset_ms")) {
    if (auto v = r.number(*n, "time.max_offset_ms"); v) {
      if (*v < 0) {
        r.error(*n, "time.max_offset_ms must not be negative");
      } else {
        d.meta.time.max_offset_ms = *v;
      }
    }
  }
}

void load_norm_rules(YamlReader& r, const YAML::Node& node, PolicyData& d) {
  if (!r.check_map(node, "norm_rules", {"profile", "overrides"})) return;
  if (auto n = r.member(node, "profile")) {
    if (auto s = r.string(*n, "norm_rules.profile"); s) d.norm_rules.profile = *s;
  }
  const auto overrides = r.member(node, "overrides");
  if (!overrides) return;
  if (!overrides->IsSequence()) {
    r.error(*overrides, "norm_rules.overrides must be a list");
    return;
  }
  for (const auto& o : *overrides) {
    if (r.stopped()) return;
    if (!r.check_map(o, "override", {"id", "severity"})) continue;
    const auto id = r.member(o, "id");
    const auto sev = r.member(o, "severity");
    if (!id || !sev) {
      r.error(o, "an override needs id and severity");
      continue;
    }
    SeverityOverride so;
    so.line = line_of(o.Mark());
    so.column = column_of(o.Mark());
    if (auto s = r.string(*id, "override id"); s) {
      if (s->empty()) {
        r.error(*id, "override id must not be empty");
        continue;
      }
      so.rule_id = *s;
    } else {
      continue;
    }
    const auto sev_text = r.string(*sev, "override severity");
    if (!sev_text) continue;
    for (const SeverityName& s : kSeverities) {
      if (iequals(s.text, *sev_text)) so.severity = std::string(s.canonical);
    }
    if (so.severity.empty()) {
      r.error(*sev, "severity '" + *sev_text + "' is not one of info, low, medium, high, critical (or I, L, M, H, C)");
      continue;
    }
    bool duplicate = false;
    for (const SeverityOverride& prev : d.norm_rules.overrides) duplicate = duplicate || prev.rule_id == so.rule_id;
    if (duplicate) {
      r.error(*id, "rule '" + so.rule_id + "' is overridden twice");
      continue;
    }
    d.norm_rules.overrides.push_back(std::move(so));
  }
}

void load_document(YamlReader& r, const YAML::Node& root, PolicyData& d) {
  if (!root.IsDefined() || root.IsNull()) {
    r.error(root, "the policy file is empty");
    return;
  }
  if (!r.check_map(root, "the policy file",
                   {"policy", "site", "time", "zones", "conduits", "default", "norm_rules"})) {
    return;
  }
  if (auto n = r.member(root, "policy")) {
    load_meta(r, *n, d);
  } else {
    r.error(root, "the policy file has no 'policy' section (id, version, approved_by)");
  }
  if (auto n = r.member(root, "site")) load_site(r, *n, d);
  if (auto n = r.member(root, "time")) load_time(r, *n, d);
  if (auto n = r.member(root, "default")) {
    if (auto s = r.string(*n, "default"); s) {
      if (*s == "deny") {
        d.meta.default_deny = true;
      } else if (*s == "allow") {
        d.meta.default_deny = false;
      } else {
        r.error(*n, "default must be deny or allow, not '" + *s + "'");
      }
    }
  }
  if (auto n = r.member(root, "norm_rules")) load_norm_rules(r, *n, d);
  if (auto n = r.member(root, "zones")) {
    load_zones(r, *n, d);
  } else {
    r.error(root, "the policy file has no zones");
  }
  if (auto n = r.member(root, "conduits")) load_conduits(r, *n, d);
}

}  // namespace

std::int32_t PolicyData::zone_index(std::string_view id) const {
  for (std::size_t i = 0; i < zones.size(); ++i) {
    if (zones[i].id == id) return static_cast<std::int32_t>(i);
  }
  return -1;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0x0F]);
  }
  return out;
}

bool load_policy(std::string_view text, const std::string& file, const PolicyLimits& limits, PolicyData& out,
                 std::vector<Diagnostic>& diags) {
  YamlReader r(file, diags, limits.max_diagnostics);
  out.path = file;
  out.sha256 = sha256_hex(text);
  if (text.size() > limits.max_file_bytes) {
    r.error(YAML::Mark::null_mark(), "policy file is " + std::to_string(text.size()) + " bytes, more than the " +
                                         std::to_string(limits.max_file_bytes) + "-byte limit");
    return false;
  }
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    load_document(r, root, out);
  } catch (const YAML::Exception& e) {
    // e.msg is the bare message; what() repeats the position.
    r.error(e.mark, e.msg.empty() ? std::string("invalid YAML") : "invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    r.error(YAML::Mark::null_mark(), std::string("cannot read the policy: ") + e.what());
  }
  return !r.failed();
}

}  // namespace normwatch::rules::detail
