// `match:` blocks, thresholds and limits of rules/*.yaml (field reference: rules/README.md).
// Values are checked against the protocol they belong to: a DNP3 function name under
// `protocol: modbus`, an IIN bit on IEC 104 or an unknown anomaly name are load errors.
#include "match_parser.hpp"

#include "known_names.hpp"
#include "normwatch/rules/facts.hpp"
#include "vocabulary.hpp"

namespace normwatch::rules::engine::detail {

namespace {

using protocols::ProtocolId;

std::optional<std::int64_t> function_none(std::string_view w) {
  return w == "none" ? std::optional<std::int64_t>(-1) : std::nullopt;
}
std::optional<std::int64_t> modbus_function(std::string_view w) {
  if (auto v = function_none(w)) return v;
  return modbus_function_by_name(w);
}
std::optional<std::int64_t> dnp3_function(std::string_view w) {
  if (auto v = function_none(w)) return v;
  return dnp3_function_by_name(w);
}
std::optional<std::int64_t> iec104_function(std::string_view w) {
  if (auto v = function_none(w)) return v;
  return iec104_type_by_name(w);
}

NameLookup function_names(ProtocolId p) {
  switch (p) {
    case ProtocolId::modbus: return modbus_function;
    case ProtocolId::dnp3: return dnp3_function;
    case ProtocolId::iec104: return iec104_function;
    case ProtocolId::unknown: break;
  }
  return function_none;
}

bool need_protocol(YamlReader& in, const YAML::Node& at, const Match& m, ProtocolId p, std::string_view field) {
  if (m.protocol == p) return true;
  in.error(at, "'" + std::string(field) + "' needs protocol: " + std::string(protocols::name(p)));
  return false;
}

std::optional<Tri> tri(YamlReader& in, const YAML::Node& node, std::string_view what) {
  const auto b = in.boolean(node, what);
  if (!b) return std::nullopt;
  return *b ? Tri::yes : Tri::no;
}

// anomaly: names must be ones the parsers raise (or a "protocol.*" prefix of some).
bool check_anomaly_names(YamlReader& in, const YAML::Node& node, const std::vector<std::string>& names) {
  bool ok = true;
  for (const auto& n : names) {
    if (!is_known_anomaly_pattern(n)) {
      in.error(node, "unknown anomaly name '" + n + "' (see rules/README.md for the parsers' anomaly names)");
      ok = false;
    }
  }
  return ok;
}

}  // namespace

std::optional<Match> parse_match(YamlReader& in, const YAML::Node& node, std::string_view what, bool partial) {
  if (!in.check_keys(node,
                     {"protocol", "direction", "function", "sub", "u_function", "exception", "unit", "cot",
                      "qualifier", "address", "group", "variation", "broadcast", "malformed", "iin", "class", "anomaly",
                      "policy_finding", "internal", "master_listed", "master_not_role"},
                     what)) {
    return std::nullopt;
  }
  const std::size_t errors_before = in.errors();
  Match m;
  if (const auto n = node["protocol"]) {
    if (const auto t = in.text(n, "protocol")) {
      if (const auto p = protocol_by_name(*t)) {
        m.protocol = *p;
      } else {
        in.error(n, "protocol must be modbus, dnp3, iec104 or any, not '" + *t + "'");
      }
    }
  }
  if (const auto n = node["direction"]) {
    if (const auto t = in.text(n, "direction")) {
      if (const auto d = direction_by_name(*t)) {
        m.direction = *d;
      } else {
        in.error(n, "direction must be request, response or any, not '" + *t + "'");
      }
    }
  }
  if (const auto n = node["function"]) {
    if (m.protocol == ProtocolId::unknown) {
      in.error(n, "'function' needs a protocol (function codes differ between protocols)");
    } else {
      m.function = in.values(n, "function", -1, 255, function_names(m.protocol));
    }
  }
  if (const auto n = node["sub"]) {
    if (m.protocol != ProtocolId::modbus && m.protocol != ProtocolId::iec104) {
      in.error(n, "'sub' needs protocol: modbus (FC8 sub-function, FC43 MEI type, FC90 UMAS code) or iec104");
    } else {
      m.sub = in.values(n, "sub", 0, 0xFFFF, m.protocol == ProtocolId::iec104 ? iec104_u_by_name : nullptr);
    }
  }
  if (const auto n = node["u_function"]) {
    if (need_protocol(in, n, m, ProtocolId::iec104, "u_function")) {
      if (m.sub) in.error(n, "give either 'sub' or 'u_function'");
      m.sub = in.values(n, "u_function", 0, 0xFF, iec104_u_by_name);
      if (!m.function) {
        m.function.emplace();
        m.function->add(-1, -1);  // U-format frames carry no type id
      }
    }
  }
  if (const auto n = node["exception"]) {
    if (need_protocol(in, n, m, ProtocolId::modbus, "exception")) m.exception = in.values(n, "exception", 0, 255);
  }
  if (const auto n = node["unit"]) m.unit = in.values(n, "unit", 0, 0xFFFF);
  if (const auto n = node["cot"]) {
    if (need_protocol(in, n, m, ProtocolId::iec104, "cot")) m.cot = in.values(n, "cot", 0, 63);
  }
  if (const auto n = node["qualifier"]) m.qualifier = in.values(n, "qualifier", 0, 255);
  if (const auto n = node["address"]) m.address = in.values(n, "address", 0, 0xFFFFFF);
  if (const auto n = node["group"]) {
    if (need_protocol(in, n, m, ProtocolId::dnp3, "group")) m.group = in.values(n, "group", 0, 255);
  }
  if (const auto n = node["variation"]) {
    if (!node["group"]) {
      in.error(n, "'variation' needs 'group'");
    } else {
      m.variation = in.values(n, "variation", 0, 255);
    }
  }
  if (const auto n = node["broadcast"]) {
    if (const auto t = tri(in, n, "broadcast")) m.broadcast = *t;
  }
  if (const auto n = node["malformed"]) {
    if (const auto t = tri(in, n, "malformed")) m.malformed = *t;
  }
  if (const auto n = node["iin"]) {
    if (need_protocol(in, n, m, ProtocolId::dnp3, "iin")) {
      if (const auto bits = in.values(n, "iin", 0, 0xFFFF, dnp3_iin_by_name)) {
        for (const auto& r : bits->ranges()) {
          for (auto v = r.lo; v <= r.hi; ++v) m.iin_any = static_cast<std::uint16_t>(m.iin_any | v);
        }
      }
    }
  }
  if (const auto n = node["class"]) {
    if (const auto list = in.text_list(n, "class")) {
      for (const auto& c : *list) {
        if (const auto fc = parse_function_class(c); fc && *fc != FunctionClass::kCount) {
          m.classes |= 1U << static_cast<unsigned>(*fc);
        } else {
          in.error(n, "unknown function class '" + c +
                          "' (read, write, control, diagnostic, identify, time, reporting_config, file, program, mode, "
                          "config, security, other)");
        }
      }
    }
  }
  if (const auto n = node["anomaly"]) {
    if (auto list = in.text_list(n, "anomaly")) {
      if (check_anomaly_names(in, n, *list)) m.anomalies = std::move(*list);
    }
  }
  if (const auto n = node["policy_finding"]) {
    if (auto list = in.text_list(n, "policy_finding")) {
      for (const auto& id : *list) {
        if (!is_known_policy_finding(id)) in.error(n, "unknown policy finding '" + id + "' (" + policy_finding_list() + ")");
      }
      m.policy_findings = std::move(*list);
    }
  }
  if (const auto n = node["internal"]) {
    if (auto list = in.text_list(n, "internal")) {
      for (const auto& id : *list) {
        if (!is_known_internal_condition(id)) in.error(n, "unknown internal condition '" + id + "'");
      }
      m.internal = std::move(*list);
    }
  }
  if (const auto n = node["master_listed"]) {
    if (const auto t = tri(in, n, "master_listed")) m.master_listed = *t;
  }
  if (const auto n = node["master_not_role"]) {
    if (auto list = in.text_list(n, "master_not_role")) m.master_not_roles = std::move(*list);
  }

  // A clause is about a PDU, an anomaly, a policy finding or an engine condition: never a mix.
  const int kinds = (m.anomalies.empty() ? 0 : 1) + (m.policy_findings.empty() ? 0 : 1) + (m.internal.empty() ? 0 : 1);
  const bool pdu_fields = m.function || m.sub || m.exception || m.unit || m.cot || m.qualifier || m.address ||
                          m.group || m.iin_any != 0 || m.classes != 0 || m.broadcast != Tri::any ||
                          m.malformed != Tri::any || m.direction != Direction::any;
  if (kinds > 1 || (kinds == 1 && pdu_fields)) {
    in.error(node, std::string(what) +
                       ": 'anomaly', 'policy_finding' and 'internal' each stand alone (with 'protocol' at most); "
                       "PDU fields belong in another clause");
  }
  if (kinds == 1 && (m.master_listed != Tri::any || !m.master_not_roles.empty()) && m.policy_findings.empty()) {
    in.error(node, std::string(what) + ": 'master_listed' and 'master_not_role' apply to PDU clauses only");
  }
  if (!partial && kinds == 0 && m.protocol == ProtocolId::unknown) {
    in.error(node, std::string(what) + ": a PDU clause needs a protocol");
  }
  if (in.errors() != errors_before) return std::nullopt;
  return m;
}

std::optional<Threshold> parse_threshold(YamlReader& in, const YAML::Node& node) {
  if (!in.check_keys(node, {"count", "window", "by", "distinct"}, "threshold")) return std::nullopt;
  const std::size_t errors_before = in.errors();
  Threshold t;
  if (const auto n = node["count"]) {
    if (const auto v = in.integer(n, "threshold count", 1, 1'000'000)) t.count = static_cast<std::uint32_t>(*v);
  } else {
    in.error(node, "threshold needs 'count'");
  }
  if (const auto n = node["window"]) {
    if (const auto v = in.duration_ns(n, "threshold window")) t.window_ns = *v;
  } else {
    in.error(node, "threshold needs 'window' (e.g. 60s)");
  }
  if (const auto n = node["by"]) {
    if (const auto s = in.text(n, "threshold by")) {
      if (const auto k = key_by_name(*s)) {
        t.by = *k;
      } else {
        in.error(n, "threshold 'by' must be source, destination, flow, pair, master or outstation");
      }
    }
  }
  if (const auto n = node["distinct"]) {
    if (const auto s = in.text(n, "threshold distinct")) {
      if (const auto d = distinct_by_name(*s)) {
        t.distinct = *d;
        if (t.count > kMaxDistinct) {
          in.error(node["count"], "a distinct threshold counts at most " + std::to_string(kMaxDistinct) + " values");
        }
      } else {
        in.error(n, "threshold 'distinct' must be address, unit, source, destination or function");
      }
    }
  }
  if (in.errors() != errors_before) return std::nullopt;
  return t;
}

std::optional<Limit> parse_limit(YamlReader& in, const YAML::Node& node) {
  if (!in.check_keys(node, {"count", "window", "by"}, "limit")) return std::nullopt;
  const std::size_t errors_before = in.errors();
  Limit l;
  if (const auto n = node["count"]) {
    if (const auto v = in.integer(n, "limit count", 1, 1'000'000)) l.count = static_cast<std::uint32_t>(*v);
  } else {
    in.error(node, "limit needs 'count'");
  }
  if (const auto n = node["window"]) {
    if (const auto v = in.duration_ns(n, "limit window")) l.window_ns = *v;
  } else {
    in.error(node, "limit needs 'window'");
  }
  if (const auto n = node["by"]) {
    if (const auto s = in.text(n, "limit by")) {
      if (const auto k = key_by_name(*s)) {
        l.by = *k;
      } else {
        in.error(n, "limit 'by' must be source, destination, flow, pair, master or outstation");
      }
    }
  }
  if (in.errors() != errors_before) return std::nullopt;
  return l;
}

}  // namespace normwatch::rules::engine::detail
