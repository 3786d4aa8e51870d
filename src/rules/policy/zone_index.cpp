// ZoneIndex: per-length sorted prefix tables and sorted exact-match tables (zone_index.hpp).
#include "zone_index.hpp"

#include <algorithm>

namespace normwatch::rules::detail {

namespace {

using Key6 = ZoneIndex::Key6;

// An address as an integer key: IPv4 (also IPv4-mapped IPv6) as 32 bits, IPv6 as 128.
struct AddressKey {
  bool v4 = false;
  bool v6 = false;
  std::uint32_t k4 = 0;
  Key6 k6;
};

AddressKey key_of(const core::IpAddress& ip) {
  AddressKey k;
  const auto& b = ip.bytes;
  if (ip.is_v6()) {
    bool mapped = b[10] == 0xFF && b[11] == 0xFF;
    for (std::size_t i = 0; i < 10 && mapped; ++i) mapped = b[i] == 0;
    if (!mapped) {
      k.v6 = true;
      for (std::size_t i = 0; i < 8; ++i) k.k6.hi = (k.k6.hi << 8) | b[i];
      for (std::size_t i = 8; i < 16; ++i) k.k6.lo = (k.k6.lo << 8) | b[i];
      return k;
    }
    k.v4 = true;
    k.k4 = static_cast<std::uint32_t>(b[12]) << 24 | static_cast<std::uint32_t>(b[13]) << 16 |
           static_cast<std::uint32_t>(b[14]) << 8 | b[15];
    return k;
  }
  if (ip.is_v4()) {
    k.v4 = true;
    k.k4 = static_cast<std::uint32_t>(b[0]) << 24 | static_cast<std::uint32_t>(b[1]) << 16 |
           static_cast<std::uint32_t>(b[2]) << 8 | b[3];
  }
  return k;
}

std::uint32_t mask4(std::uint32_t k, int prefix) {
  return prefix <= 0 ? 0 : prefix >= 32 ? k : k & (~0u << (32 - prefix));
}

Key6 mask6(Key6 k, int prefix) {
  if (prefix <= 0) return {};
  if (prefix <= 64) return {prefix == 64 ? k.hi : k.hi & (~0ULL << (64 - prefix)), 0};
  return {k.hi, prefix >= 128 ? k.lo : k.lo & (~0ULL << (128 - prefix))};
}

template <class K>
std::int32_t find(const std::vector<std::pair<K, std::int32_t>>& table, const K& key) {
  const auto it = std::lower_bound(table.begin(), table.end(), key,
                                   [](const std::pair<K, std::int32_t>& e, const K& k) { return e.first < k; });
  return it != table.end() && it->first == key ? it->second : -1;
}

// Sorted insert; returns the zone already holding the key, or -1.
template <class K>
std::int32_t insert(std::vector<std::pair<K, std::int32_t>>& table, const K& key, std::int32_t zone) {
  const auto it = std::lower_bound(table.begin(), table.end(), key,
                                   [](const std::pair<K, std::int32_t>& e, const K& k) { return e.first < k; });
  if (it != table.end() && it->first == key) return it->second;
  table.insert(it, {key, zone});
  return -1;
}

template <class K>
auto& table_for(std::vector<K>& tables, int prefix) {
  auto it = std::find_if(tables.begin(), tables.end(), [prefix](const K& t) { return t.prefix <= prefix; });
  if (it == tables.end() || it->prefix != prefix) {
    it = tables.insert(it, K{});
    it->prefix = prefix;
  }
  return it->entries;
}

}  // namespace

std::int32_t ZoneIndex::add_cidr(const core::IpAddress& network, int prefix, std::int32_t zone) {
  const AddressKey k = key_of(network);
  if (k.v4) {
    // An IPv4-mapped prefix (::ffff:a.b.c.d/96+) is the IPv4 prefix of its last 32 bits.
    const int p = network.is_v6() ? std::max(prefix - 96, 0) : prefix;
    return insert(table_for(v4_, p), mask4(k.k4, p), zone);
  }
  if (k.v6) return insert(table_for(v6_, prefix), mask6(k.k6, prefix), zone);
  return -1;
}

std::int32_t ZoneIndex::add_ip(const core::IpAddress& ip, std::int32_t zone) {
  const AddressKey k = key_of(ip);
  if (k.v4) return insert(ip4_, k.k4, zone);
  if (k.v6) return insert(ip6_, k.k6, zone);
  return -1;
}

std::int32_t ZoneIndex::add_mac(const std::array<std::uint8_t, 6>& mac, std::int32_t zone) {
  std::uint64_t k = 0;
  for (const std::uint8_t b : mac) k = (k << 8) | b;
  return insert(macs_, k, zone);
}

std::int32_t ZoneIndex::add_vlan(std::uint16_t vlan, std::int32_t zone) { return insert(vlans_, vlan, zone); }

std::int32_t ZoneIndex::lookup_cidr(const core::IpAddress& ip) const {
  const AddressKey k = key_of(ip);
  if (k.v4) {
    for (const auto& t : v4_) {
      if (const std::int32_t z = find(t.entries, mask4(k.k4, t.prefix)); z >= 0) return z;
    }
  } else if (k.v6) {
    for (const auto& t : v6_) {
      if (const std::int32_t z = find(t.entries, mask6(k.k6, t.prefix)); z >= 0) return z;
    }
  }
  return -1;
}

ZoneHit ZoneIndex::lookup(const core::IpAddress& ip, std::uint16_t vlan,
                          const std::optional<std::array<std::uint8_t, 6>>& mac) const {
  const AddressKey k = key_of(ip);
  if (k.v4 && !ip4_.empty()) {
    if (const std::int32_t z = find(ip4_, k.k4); z >= 0) return {z, MatchVia::ip};
  } else if (k.v6 && !ip6_.empty()) {
    if (const std::int32_t z = find(ip6_, k.k6); z >= 0) return {z, MatchVia::ip};
  }
  if (mac && !macs_.empty()) {
    std::uint64_t m = 0;
    for (const std::uint8_t b : *mac) m = (m << 8) | b;
    if (const std::int32_t z = find(macs_, m); z >= 0) return {z, MatchVia::mac};
  }
  if (const std::int32_t z = lookup_cidr(ip); z >= 0) return {z, MatchVia::cidr};
  if (vlan != 0 && !vlans_.empty()) {
    if (const std::int32_t z = find(vlans_, vlan); z >= 0) return {z, MatchVia::vlan};
  }
  if (default_zone_ >= 0) return {default_zone_, MatchVia::fallback};
  return {};
}

}  // namespace normwatch::rules::detail
