// Compiled zone lookup (NORMS-AND-RULES.md §3.3 `match`): per address family, one sorted table of
// network keys per prefix length, searched from the longest length down (the first hit is the
// longest prefix); sorted tables of integer keys for exact addresses, MACs and VLANs; and the
// default zone. Built once at load; a lookup is a handful of binary searches over small arrays,
// with no allocation.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "normwatch/core/ip_address.hpp"

namespace normwatch::rules::detail {

enum class MatchVia : std::uint8_t { none, ip, mac, cidr, vlan, fallback };

struct ZoneHit {
  std::int32_t zone = -1;
  MatchVia via = MatchVia::none;
};

class ZoneIndex {
 public:
  // Each add returns the zone that already held exactly that key, or -1 (the key is then taken).
  std::int32_t add_cidr(const core::IpAddress& network, int prefix, std::int32_t zone);
  std::int32_t add_ip(const core::IpAddress& ip, std::int32_t zone);
  std::int32_t add_mac(const std::array<std::uint8_t, 6>& mac, std::int32_t zone);
  std::int32_t add_vlan(std::uint16_t vlan, std::int32_t zone);
  void set_default(std::int32_t zone) { default_zone_ = zone; }

  // Precedence: exact ip > MAC > longest CIDR > VLAN > default. IPv4-mapped IPv6 addresses
  // (::ffff:a.b.c.d) are looked up as IPv4.
  ZoneHit lookup(const core::IpAddress& ip, std::uint16_t vlan,
                 const std::optional<std::array<std::uint8_t, 6>>& mac) const;
  // The longest-prefix match alone (-1 when none).
  std::int32_t lookup_cidr(const core::IpAddress& ip) const;

  struct Key6 {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    auto operator<=>(const Key6&) const = default;
  };

 private:
  template <class K>
  struct LengthTable {
    int prefix = 0;
    std::vector<std::pair<K, std::int32_t>> entries;  // sorted by key
  };

  std::vector<LengthTable<std::uint32_t>> v4_;  // sorted by prefix, longest first
  std::vector<LengthTable<Key6>> v6_;
  std::vector<std::pair<std::uint32_t, std::int32_t>> ip4_;
  std::vector<std::pair<Key6, std::int32_t>> ip6_;
  std::vector<std::pair<std::uint64_t, std::int32_t>> macs_;
  std::vector<std::pair<std::uint16_t, std::int32_t>> vlans_;
  std::int32_t default_zone_ = -1;
};

}  // namespace normwatch::rules::detail
