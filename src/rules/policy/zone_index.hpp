// Compiled zone lookup (NORMS-AND-RULES.md §3.3 `match`): binary tries for IPv4 and IPv6 prefixes
// (longest prefix wins), sorted tables for exact addresses, MACs and VLANs, and the default zone.
// Built once at load; a lookup walks at most 32/128 trie nodes and never allocates.
#pragma once

#include <array>
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
  ZoneIndex();

  // Each add returns the zone that already held exactly that key, or -1 (the key is then taken).
  std::int32_t add_cidr(const core::IpAddress& network, int prefix, std::int32_t zone);
  std::int32_t add_ip(const core::IpAddress& ip, std::int32_t zone);
  std::int32_t add_mac(const std::array<std::uint8_t, 6>& mac, std::int32_t zone);
  std::int32_t add_vlan(std::uint16_t vlan, std::int32_t zone);
  void set_default(std::int32_t zone) { default_zone_ = zone; }
  void finish();  // sorts the exact tables; call once after the last add

  // Precedence: exact ip > MAC > longest CIDR > VLAN > default. IPv4-mapped IPv6 addresses
  // (::ffff:a.b.c.d) are looked up as IPv4.
  ZoneHit lookup(const core::IpAddress& ip, std::uint16_t vlan,
                 const std::optional<std::array<std::uint8_t, 6>>& mac) const;
  // The longest-prefix match alone (-1 when none).
  std::int32_t lookup_cidr(const core::IpAddress& ip) const;

 private:
  struct Node {
    std::int32_t child[2] = {-1, -1};
    std::int32_t zone = -1;
  };
  static std::int32_t insert(std::vector<Node>& trie, const std::uint8_t* bytes, int prefix, std::int32_t zone);
  static std::int32_t walk(const std::vector<Node>& trie, const std::uint8_t* bytes, int bits);

  std::vector<Node> v4_;
  std::vector<Node> v6_;
  std::vector<std::pair<core::IpAddress, std::int32_t>> ips_;
  std::vector<std::pair<std::array<std::uint8_t, 6>, std::int32_t>> macs_;
  std::vector<std::pair<std::uint16_t, std::int32_t>> vlans_;
  std::int32_t default_zone_ = -1;
};

}  // namespace normwatch::rules::detail
