// Loads `conduits:` (NORMS-AND-RULES.md §3.3): from/to zone ids, protocol, masters, allow {classes,
// units, write_ranges}, rate, windows {ticket, start, end}, reason; and compiles each into the
// form the checks use (class bit mask, sorted masters, units and ranges).
#include <algorithm>
#include <array>

#include "policy_data.hpp"
#include "protocol_names.hpp"
#include "text_parse.hpp"
#include "yaml_reader.hpp"

namespace normwatch::rules::detail {

namespace {

struct TableKey {
  std::string_view key;
  DataTable table;
};
constexpr std::array<TableKey, 8> kTables{{
    {"holding", DataTable::holding_registers}, {"holding_registers", DataTable::holding_registers},
    {"coils", DataTable::coils},
    {"input", DataTable::input_registers}, {"input_registers", DataTable::input_registers},
    {"discrete", DataTable::discrete_inputs}, {"discrete_inputs", DataTable::discrete_inputs},
    {"objects", DataTable::objects},
}};

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == ':';
  });
}

bool valid_protocol(std::string_view p) {
  if (p.empty() || p.size() > 64) return false;
  return std::all_of(p.begin(), p.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == '/' || c == '+';
  });
}

std::string class_list() {
  std::string out;
  for (std::size_t i = 0; i < static_cast<std::size_t>(FunctionClass::kCount); ++i) {
    out += (out.empty() ? "" : ", ") + std::string(name(static_cast<FunctionClass>(i)));
  }
  return out;
}

std::int32_t zone_ref(YamlReader& r, const YAML::Node& parent, std::string_view key, const PolicyData& d,
                      const std::string& conduit_id) {
  const auto n = r.member(parent, key);
  if (!n) {
    r.error(parent, "conduit '" + conduit_id + "' has no '" + std::string(key) + "' zone");
    return -1;
  }
  const auto id = r.string(*n, "conduit " + std::string(key));
  if (!id) return -1;
  const std::int32_t z = d.zone_index(*id);
  if (z < 0) r.error(*n, "conduit '" + conduit_id + "': unknown zone '" + *id + "' in '" + std::string(key) + "'");
  return z;
}

void load_allow(YamlReader& r, const YAML::Node& allow, Conduit& c, CompiledConduit& cc) {
  if (!r.check_map(allow, "allow", {"classes", "units", "write_ranges"})) return;
  if (auto n = r.member(allow, "classes")) {
    r.for_each(*n, "allow.classes", [&](const YAML::Node& item) {
      const auto text = r.string(item, "function class");
      if (!text) return;
      const auto cls = parse_function_class(*text);
      if (!cls) {
        r.error(item, "unknown function class '" + *text + "' (expected one of: " + class_list() + ")");
        return;
      }
      const std::uint32_t bit = 1u << static_cast<unsigned>(*cls);
      if ((cc.class_mask & bit) != 0) {
        r.error(item, "function class '" + *text + "' is listed twice");
        return;
      }
      cc.class_mask |= bit;
      c.classes.push_back(*cls);
    });
  }
  if (auto n = r.member(allow, "units")) {
    const std::int64_t max_unit = cc.protocol == "modbus" ? 255 : 65535;
    r.for_each(*n, "allow.units", [&](const YAML::Node& item) {
      const auto unit = r.integer(item, "unit", 0, max_unit);
      if (!unit) return;
      if (std::find(c.units.begin(), c.units.end(), *unit) != c.units.end()) {
        r.error(item, "unit " + std::to_string(*unit) + " is listed twice");
        return;
      }
      c.units.push_back(*unit);
    });
  }
  if (auto n = r.member(allow, "write_ranges")) {
    if (!r.check_map(*n, "write_ranges", {"holding", "holding_registers", "coils", "input", "input_registers",
                                          "discrete", "discrete_inputs", "objects"})) {
      return;
    }
    for (const TableKey& t : kTables) {
      const auto list = r.member(*n, t.key);
      if (!list) continue;
      const bool modbus_table = t.table != DataTable::objects;
      if ((modbus_table && (cc.protocol == "dnp3" || cc.protocol == "iec104")) ||
          (!modbus_table && cc.protocol == "modbus")) {
        r.error(*list, "write_ranges." + std::string(t.key) + " does not apply to a " + cc.protocol + " conduit");
        continue;
      }
      r.for_each(*list, "write_ranges." + std::string(t.key), [&](const YAML::Node& item) {
        const auto text = r.string(item, "address range");
        if (!text) return;
        const auto range = parse_address_range(*text, t.table);
        if (!range) {
          r.error(item, range.error());
          return;
        }
        c.write_ranges.push_back({t.table, range->first, range->last});
      });
    }
  }
}

void load_rate(YamlReader& r, const YAML::Node& rate, Conduit& c) {
  if (!r.check_map(rate, "rate", {"write_per_min", "commands_per_min"})) return;
  constexpr std::int64_t kMax = 1'000'000;
  if (auto n = r.member(rate, "write_per_min")) {
    if (const auto v = r.integer(*n, "rate.write_per_min", 1, kMax); v) c.write_per_min = static_cast<std::uint32_t>(*v);
  }
  if (auto n = r.member(rate, "commands_per_min")) {
    if (const auto v = r.integer(*n, "rate.commands_per_min", 1, kMax); v) {
      c.commands_per_min = static_cast<std::uint32_t>(*v);
    }
  }
}

void load_window(YamlReader& r, const YAML::Node& w, Conduit& c) {
  if (!r.check_map(w, "window", {"ticket", "start", "end"})) return;
  MaintenanceWindow mw;
  const auto ticket = r.member(w, "ticket");
  const auto start = r.member(w, "start");
  const auto end = r.member(w, "end");
  if (!ticket || !start || !end) {
    r.error(w, "a window needs ticket, start and end");
    return;
  }
  bool ok = true;
  if (auto t = r.string(*ticket, "window ticket"); t && !t->empty()) {
    mw.ticket = *t;
  } else {
    if (t) r.error(*ticket, "window ticket must not be empty");
    ok = false;
  }
  const auto parse_time = [&](const YAML::Node& n, core::Timestamp& out) {
    const auto text = r.string(n, "window time");
    if (!text) return false;
    const auto ts = parse_rfc3339(*text);
    if (!ts) {
      r.error(n, ts.error());
      return false;
    }
    out = *ts;
    return true;
  };
  ok = parse_time(*start, mw.start) && ok;
  ok = parse_time(*end, mw.end) && ok;
  if (!ok) return;
  if (mw.end <= mw.start) {
    r.error(*end, "window " + mw.ticket + " ends before it starts");
    return;
  }
  c.windows.push_back(std::move(mw));
}

void load_conduit(YamlReader& r, const YAML::Node& node, PolicyData& d) {
  if (!r.check_map(node, "conduit",
                   {"id", "description", "from", "to", "protocol", "masters", "allow", "rate", "windows", "reason"})) {
    return;
  }
  Conduit c;
  CompiledConduit cc;
  const auto id_node = r.member(node, "id");
  if (!id_node) {
    r.error(node, "conduit has no id");
    return;
  }
  const auto id = r.string(*id_node, "conduit id");
  if (!id) return;
  if (!valid_id(*id)) {
    r.error(*id_node, "conduit id '" + *id + "' must be 1-128 letters, digits, '_', '-', '.' or ':'");
    return;
  }
  for (const Conduit& other : d.conduits) {
    if (other.id == *id) {
      r.error(*id_node, "duplicate conduit id '" + *id + "'");
      return;
    }
  }
  c.id = *id;
  if (auto n = r.member(node, "description")) (void)r.string(*n, "conduit description");
  cc.from = zone_ref(r, node, "from", d, c.id);
  cc.to = zone_ref(r, node, "to", d, c.id);
  if (cc.from >= 0) c.from = d.zones[static_cast<std::size_t>(cc.from)].id;
  if (cc.to >= 0) c.to = d.zones[static_cast<std::size_t>(cc.to)].id;

  if (auto n = r.member(node, "protocol")) {
    if (auto p = r.string(*n, "protocol"); p) {
      if (!valid_protocol(*p)) {
        r.error(*n, "protocol '" + *p + "' must be a protocol name (modbus, dnp3, iec104, an nDPI name) or any");
      } else {
        // Canonical lower case (aliases resolved: "IEC60870" is "iec104"), so that callers can
        // compare it with protocols::name() directly.
        cc.protocol = to_lower(canonical_protocol(*p));
        c.protocol = cc.protocol;
      }
    }
  } else {
    r.error(node, "conduit '" + c.id + "' has no protocol (write 'any' to allow every protocol)");
  }

  if (auto n = r.member(node, "masters")) {
    r.for_each(*n, "masters", [&](const YAML::Node& item) {
      const auto text = r.string(item, "master");
      if (!text) return;
      const auto ip = core::IpAddress::parse(*text);
      if (!ip) {
        r.error(item, "master '" + *text + "' is not an IPv4 or IPv6 address");
        return;
      }
      if (std::find(c.masters.begin(), c.masters.end(), *ip) != c.masters.end()) {
        r.error(item, "master '" + *text + "' is listed twice");
        return;
      }
      // A master outside `from` can never match the conduit (the client's zone must be `from`).
      if (cc.from >= 0) {
        const ZoneHit hit = d.index.lookup(*ip, 0, std::nullopt);
        const bool claimable = hit.via != MatchVia::ip && d.flags[static_cast<std::size_t>(cc.from)].has_mac;
        if (hit.zone != cc.from && !claimable) {
          r.error(item, "master '" + *text + "' is in " +
                            (hit.zone >= 0 ? "zone '" + d.zones[static_cast<std::size_t>(hit.zone)].id + "'"
                                           : std::string("no zone")) +
                            ", not in the conduit's 'from' zone '" + c.from + "'");
        }
      }
      c.masters.push_back(*ip);
    });
  }
  if (auto n = r.member(node, "allow")) load_allow(r, *n, c, cc);
  if (auto n = r.member(node, "rate")) load_rate(r, *n, c);
  if (auto n = r.member(node, "windows")) {
    if (!n->IsSequence()) {
      r.error(*n, "windows must be a list");
    } else {
      for (const auto& w : *n) {
        if (r.stopped()) break;
        load_window(r, w, c);
      }
    }
  }
  if (auto n = r.member(node, "reason")) {
    if (auto reason = r.string(*n, "reason"); reason) c.reason = *reason;
  }
  if (d.meta.reason_required && c.reason.empty()) {
    r.error(node, "conduit '" + c.id + "' has no reason (policy.reason_required is true)");
  }

  cc.masters = c.masters;
  std::sort(cc.masters.begin(), cc.masters.end());
  cc.units = c.units;
  std::sort(cc.units.begin(), cc.units.end());
  cc.ranges = c.write_ranges;
  std::sort(cc.ranges.begin(), cc.ranges.end(), [](const WriteRange& a, const WriteRange& b) {
    return a.table != b.table ? a.table < b.table : a.first < b.first;
  });
  d.conduits.push_back(std::move(c));
  d.compiled.push_back(std::move(cc));
}

}  // namespace

void load_conduits(YamlReader& r, const YAML::Node& conduits, PolicyData& d) {
  if (!conduits.IsSequence()) {
    r.error(conduits, "conduits must be a list");
    return;
  }
  for (const auto& node : conduits) {
    if (r.stopped()) return;
    load_conduit(r, node, d);
  }
  for (std::size_t i = 0; i < d.compiled.size(); ++i) {
    const CompiledConduit& cc = d.compiled[i];
    if (cc.from >= 0 && cc.to >= 0) d.by_pair.push_back({cc.from, cc.to, static_cast<std::uint32_t>(i)});
  }
  std::sort(d.by_pair.begin(), d.by_pair.end());
}

}  // namespace normwatch::rules::detail
