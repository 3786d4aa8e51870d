// Loads `zones:` (NORMS-AND-RULES.md §3.3): id, purdue, sl_t, tags, roles, match {cidr, vlan, mac,
// ip, default}, and compiles the matches into the ZoneIndex. Ambiguity is an error: the same
// prefix, address, MAC or VLAN in two zones, or two default zones. Nested prefixes are fine
// (longest wins).
#include <algorithm>
#include <array>

#include "policy_data.hpp"
#include "text_parse.hpp"
#include "yaml_reader.hpp"

namespace normwatch::rules::detail {

namespace {

constexpr std::array<double, 7> kPurdueLevels{0, 1, 2, 3, 3.5, 4, 5};
constexpr std::array<std::string_view, 3> kOutsideNames{"external", "it", "internet"};

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == ':';
  });
}

void read_names(YamlReader& r, const YAML::Node& node, std::string_view what, std::vector<std::string>& out) {
  r.for_each(node, what, [&](const YAML::Node& item) {
    if (auto s = r.string(item, what); s) {
      if (s->empty()) {
        r.error(item, std::string(what) + " entries must not be empty");
      } else if (std::find(out.begin(), out.end(), *s) != out.end()) {
        r.error(item, "'" + *s + "' is listed twice in " + std::string(what));
      } else {
        out.push_back(*s);
      }
    }
  });
}

std::string other_zone(const PolicyData& d, std::int32_t z) {
  return "zone '" + d.zones[static_cast<std::size_t>(z)].id + "'";
}

void load_match(YamlReader& r, const YAML::Node& match, std::int32_t zi, PolicyData& d, std::int32_t& default_zone) {
  if (!r.check_map(match, "match", {"cidr", "vlan", "mac", "ip", "default"})) return;
  bool selects = false;  // some entry was given (valid or not)
  Zone& zone = d.zones[static_cast<std::size_t>(zi)];
  ZoneFlags& flags = d.flags[static_cast<std::size_t>(zi)];
  if (auto n = r.member(match, "cidr")) {
    r.for_each(*n, "match.cidr", [&](const YAML::Node& item) {
      selects = true;
      const auto text = r.string(item, "match.cidr entry");
      if (!text) return;
      const auto cidr = parse_cidr(*text);
      if (!cidr) {
        r.error(item, cidr.error());
        return;
      }
      const std::int32_t prev = d.index.add_cidr(cidr->network, cidr->prefix, zi);
      if (prev == zi) {
        r.error(item, "prefix '" + *text + "' is listed twice in zone '" + zone.id + "'");
      } else if (prev >= 0) {
        r.error(item, "prefix '" + *text + "' is also in " + other_zone(d, prev) +
                          ": an address there would match both zones (nested prefixes are fine, identical ones are not)");
      }
    });
  }
  if (auto n = r.member(match, "ip")) {
    r.for_each(*n, "match.ip", [&](const YAML::Node& item) {
      selects = true;
      const auto text = r.string(item, "match.ip entry");
      if (!text) return;
      const auto ip = core::IpAddress::parse(*text);
      if (!ip) {
        r.error(item, "'" + *text + "' is not an IPv4 or IPv6 address");
        return;
      }
      const std::int32_t prev = d.index.add_ip(*ip, zi);
      if (prev == zi) {
        r.error(item, "address '" + *text + "' is listed twice in zone '" + zone.id + "'");
      } else if (prev >= 0) {
        r.error(item, "address '" + *text + "' is also in " + other_zone(d, prev));
      }
    });
  }
  if (auto n = r.member(match, "mac")) {
    r.for_each(*n, "match.mac", [&](const YAML::Node& item) {
      selects = true;
      const auto text = r.string(item, "match.mac entry");
      if (!text) return;
      const auto mac = parse_mac(*text);
      if (!mac) {
        r.error(item, "'" + *text + "' is not a MAC address (six hex pairs separated by ':' or '-')");
        return;
      }
      flags.has_mac = true;
      const std::int32_t prev = d.index.add_mac(*mac, zi);
      if (prev == zi) {
        r.error(item, "MAC '" + *text + "' is listed twice in zone '" + zone.id + "'");
      } else if (prev >= 0) {
        r.error(item, "MAC '" + *text + "' is also in " + other_zone(d, prev));
      }
    });
  }
  if (auto n = r.member(match, "vlan")) {
    r.for_each(*n, "match.vlan", [&](const YAML::Node& item) {
      selects = true;
      const auto vid = r.integer(item, "match.vlan entry", 1, 4094);
      if (!vid) return;
      const std::int32_t prev = d.index.add_vlan(static_cast<std::uint16_t>(*vid), zi);
      if (prev == zi) {
        r.error(item, "VLAN " + std::to_string(*vid) + " is listed twice in zone '" + zone.id + "'");
      } else if (prev >= 0) {
        r.error(item, "VLAN " + std::to_string(*vid) + " is also in " + other_zone(d, prev));
      }
    });
  }
  if (auto n = r.member(match, "default")) {
    const auto b = r.boolean(*n, "match.default");
    if (!b) selects = true;
    if (b && *b) {
      selects = true;
      zone.is_default = true;
      if (default_zone >= 0) {
        r.error(*n, "zone '" + zone.id + "' is a second default zone (" + other_zone(d, default_zone) +
                        " is already the default)");
      } else {
        default_zone = zi;
        d.index.set_default(zi);
      }
    }
  }
  if (!selects) r.error(match, "match of zone '" + zone.id + "' selects nothing");
}

void load_zone(YamlReader& r, const YAML::Node& node, PolicyData& d, std::int32_t& default_zone) {
  if (!r.check_map(node, "zone", {"id", "description", "purdue", "sl_t", "tags", "roles", "match"})) return;
  Zone zone;
  const auto id_node = r.member(node, "id");
  if (!id_node) {
    r.error(node, "zone has no id");
    return;
  }
  const auto id = r.string(*id_node, "zone id");
  if (!id) return;
  if (!valid_id(*id)) {
    r.error(*id_node, "zone id '" + *id + "' must be 1-128 letters, digits, '_', '-', '.' or ':'");
    return;
  }
  if (const std::int32_t prev = d.zone_index(*id); prev >= 0) {
    r.error(*id_node, "duplicate zone id '" + *id + "'");
    return;
  }
  zone.id = *id;
  if (auto n = r.member(node, "description")) (void)r.string(*n, "zone description");
  if (auto n = r.member(node, "purdue")) {
    if (const auto level = r.number(*n, "purdue"); level) {
      if (std::find(kPurdueLevels.begin(), kPurdueLevels.end(), *level) == kPurdueLevels.end()) {
        r.error(*n, "purdue must be one of 0, 1, 2, 3, 3.5, 4, 5");
      } else {
        zone.purdue = *level;
      }
    }
  }
  if (auto n = r.member(node, "sl_t")) {
    if (const auto sl = r.integer(*n, "sl_t", 0, 4); sl) zone.sl_t = static_cast<int>(*sl);
  }
  if (auto n = r.member(node, "tags")) read_names(r, *n, "tags", zone.tags);
  if (auto n = r.member(node, "roles")) read_names(r, *n, "roles", zone.roles);

  const auto zi = static_cast<std::int32_t>(d.zones.size());
  d.zones.push_back(std::move(zone));
  d.flags.emplace_back();
  if (auto m = r.member(node, "match")) {
    load_match(r, *m, zi, d, default_zone);
  } else {
    r.error(node, "zone '" + d.zones.back().id + "' has no match");
  }

  const Zone& z = d.zones[static_cast<std::size_t>(zi)];
  ZoneFlags& f = d.flags[static_cast<std::size_t>(zi)];
  f.control = z.purdue && *z.purdue <= 2;
  f.outside = z.is_default || (z.purdue && *z.purdue >= 4);
  for (const std::string_view name : kOutsideNames) f.outside = f.outside || z.has_tag(name) || iequals(z.id, name);
  f.engineering = z.has_role("engineering");
}

}  // namespace

void load_zones(YamlReader& r, const YAML::Node& zones, PolicyData& d) {
  std::int32_t default_zone = -1;
  if (!zones.IsSequence() || zones.size() == 0) {
    r.error(zones, "zones must be a non-empty list");
    return;
  }
  for (const auto& node : zones) {
    if (r.stopped()) return;
    load_zone(r, node, d, default_zone);
  }
}

}  // namespace normwatch::rules::detail
