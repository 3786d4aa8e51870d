// The compiled form of a policy file, shared by the loader (load_*.cpp) and the checks
// (policy.cpp, check_pdu.cpp): the declared zones and conduits as written, plus the lookup
// structures built from them at load time.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/rules/policy.hpp"
#include "rate_table.hpp"
#include "zone_index.hpp"

namespace YAML {
class Node;
}

namespace normwatch::rules::detail {

// What the checks need to know about a zone, precomputed.
struct ZoneFlags {
  bool control = false;      // Purdue 0-2: a control zone (SG-02, SG-05, SG-06 targets)
  bool outside = false;      // default zone, Purdue >= 4, or tagged/named external, it, internet
  bool engineering = false;  // role engineering (SG-03)
  bool has_mac = false;      // selects hosts by MAC (a master's address can then be claimed)
};

struct CompiledConduit {
  std::int32_t from = -1;
  std::int32_t to = -1;
  std::string protocol;                  // canonical lower case ("modbus", "ssh", "any")
  std::uint32_t class_mask = 0;          // bit per FunctionClass; 0: every class
  std::vector<core::IpAddress> masters;  // sorted; empty: any host of `from`
  std::vector<std::int64_t> units;       // sorted; empty: every unit
  std::vector<WriteRange> ranges;        // sorted by (table, first); empty: no restriction
};

struct ConduitKey {
  std::int32_t from = -1;
  std::int32_t to = -1;
  std::uint32_t conduit = 0;
  auto operator<=>(const ConduitKey&) const = default;
};

struct PolicyData {
  std::string path;
  std::string sha256;
  PolicyMeta meta;
  NormRuleSettings norm_rules;
  std::vector<Zone> zones;
  std::vector<ZoneFlags> flags;          // parallel to zones
  std::vector<Conduit> conduits;
  std::vector<CompiledConduit> compiled; // parallel to conduits
  std::vector<ConduitKey> by_pair;       // sorted: conduits of a (from, to) zone pair
  ZoneIndex index;

  std::int32_t zone_index(std::string_view id) const;
};

class YamlReader;

// Parses, validates and compiles a policy. Returns false (with every problem in diags) when the
// file is not a valid policy. Never throws.
bool load_policy(std::string_view text, const std::string& file, const PolicyLimits& limits, PolicyData& out,
                 std::vector<Diagnostic>& diags);

// Pieces of load_policy (one file each).
void load_zones(YamlReader& r, const YAML::Node& zones, PolicyData& out);
void load_conduits(YamlReader& r, const YAML::Node& conduits, PolicyData& out);

// Lower-case hex SHA-256 of bytes (OpenSSL EVP).
std::string sha256_hex(std::string_view bytes);

}  // namespace normwatch::rules::detail

namespace normwatch::rules {

struct Policy::Impl {
  explicit Impl(std::size_t rate_states) : rates(rate_states) {}
  detail::PolicyData data;
  detail::RateTable rates;
};

}  // namespace normwatch::rules
