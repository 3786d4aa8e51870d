// ZoneIndex: prefix tries and sorted exact-match tables for zone lookup (see zone_index.hpp).
#include "zone_index.hpp"

#include <algorithm>

namespace normwatch::rules::detail {

namespace {

template <class Key>
std::int32_t find_exact(const std::vector<std::pair<Key, std::int32_t>>& table, const Key& key) {
  const auto it = std::lower_bound(table.begin(), table.end(), key,
                                   [](const auto& entry, const Key& k) { return entry.first < k; });
  return it != table.end() && it->first == key ? it->second : -1;
}

// Linear search is fine while loading (the loader also keeps its own maps for messages).
template <class Key>
std::int32_t add_exact(std::vector<std::pair<Key, std::int32_t>>& table, const Key& key, std::int32_t zone) {
  for (const auto& [k, z] : table) {
    if (k == key) return z;
  }
  table.emplace_back(key, zone);
  return -1;
}

bool is_v4_mapped(const core::IpAddress& ip) {
  if (!ip.is_v6()) return false;
  for (std::size_t i = 0; i < 10; ++i) {
    if (ip.bytes[i] != 0) return false;
  }
  return ip.bytes[10] == 0xFF && ip.bytes[11] == 0xFF;
}

core::IpAddress unmap(const core::IpAddress& ip) {
  if (!is_v4_mapped(ip)) return ip;
  core::IpAddress v4;
  v4.family = core::IpFamily::v4;
  for (std::size_t i = 0; i < 4; ++i) v4.bytes[i] = ip.bytes[12 + i];
  return v4;
}

}  // namespace

ZoneIndex::ZoneIndex() : v4_(1), v6_(1) {}

std::int32_t ZoneIndex::insert(std::vector<Node>& trie, const std::uint8_t* bytes, int prefix, std::int32_t zone) {
  std::int32_t at = 0;
  for (int bit = 0; bit < prefix; ++bit) {
    const int b = (bytes[bit / 8] >> (7 - bit % 8)) & 1;
    if (trie[static_cast<std::size_t>(at)].child[b] < 0) {
      trie[static_cast<std::size_t>(at)].child[b] = static_cast<std::int32_t>(trie.size());
      trie.emplace_back();
    }
    at = trie[static_cast<std::size_t>(at)].child[b];
  }
  Node& node = trie[static_cast<std::size_t>(at)];
  if (node.zone >= 0) return node.zone;
  node.zone = zone;
  return -1;
}

std::int32_t ZoneIndex::walk(const std::vector<Node>& trie, const std::uint8_t* bytes, int bits) {
  std::int32_t at = 0;
  std::int32_t best = trie[0].zone;
  for (int bit = 0; bit < bits; ++bit) {
    const int b = (bytes[bit / 8] >> (7 - bit % 8)) & 1;
    at = trie[static_cast<std::size_t>(at)].child[b];
    if (at < 0) break;
    if (trie[static_cast<std::size_t>(at)].zone >= 0) best = trie[static_cast<std::size_t>(at)].zone;
  }
  return best;
}

std::int32_t ZoneIndex::add_cidr(const core::IpAddress& network, int prefix, std::int32_t zone) {
  const core::IpAddress net = unmap(network);
  if (net.is_v4()) {
    // An IPv4-mapped prefix counts as IPv4 only when it covers the mapping's 96 leading bits.
    const int p = network.is_v6() ? prefix - 96 : prefix;
    return insert(v4_, net.bytes.data(), p < 0 ? 0 : p, zone);
  }
  return insert(v6_, net.bytes.data(), prefix, zone);
}

std::int32_t ZoneIndex::add_ip(const core::IpAddress& ip, std::int32_t zone) { return add_exact(ips_, unmap(ip), zone); }

std::int32_t ZoneIndex::add_mac(const std::array<std::uint8_t, 6>& mac, std::int32_t zone) {
  return add_exact(macs_, mac, zone);
}

std::int32_t ZoneIndex::add_vlan(std::uint16_t vlan, std::int32_t zone) { return add_exact(vlans_, vlan, zone); }

void ZoneIndex::finish() {
  std::sort(ips_.begin(), ips_.end());
  std::sort(macs_.begin(), macs_.end());
  std::sort(vlans_.begin(), vlans_.end());
}

std::int32_t ZoneIndex::lookup_cidr(const core::IpAddress& ip) const {
  const core::IpAddress a = unmap(ip);
  if (a.is_v4()) return walk(v4_, a.bytes.data(), 32);
  if (a.is_v6()) return walk(v6_, a.bytes.data(), 128);
  return -1;
}

ZoneHit ZoneIndex::lookup(const core::IpAddress& ip, std::uint16_t vlan,
                          const std::optional<std::array<std::uint8_t, 6>>& mac) const {
  if (!ips_.empty()) {
    if (const std::int32_t z = find_exact(ips_, unmap(ip)); z >= 0) return {z, MatchVia::ip};
  }
  if (mac && !macs_.empty()) {
    if (const std::int32_t z = find_exact(macs_, *mac); z >= 0) return {z, MatchVia::mac};
  }
  if (const std::int32_t z = lookup_cidr(ip); z >= 0) return {z, MatchVia::cidr};
  if (vlan != 0 && !vlans_.empty()) {
    if (const std::int32_t z = find_exact(vlans_, vlan); z >= 0) return {z, MatchVia::vlan};
  }
  if (default_zone_ >= 0) return {default_zone_, MatchVia::fallback};
  return {};
}

}  // namespace normwatch::rules::detail
