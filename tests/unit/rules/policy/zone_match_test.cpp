// Zone lookup: IPv4 and IPv6 longest prefix, VLAN, MAC, exact ip, the default zone, and the
// precedence ip > MAC > longest CIDR > VLAN > default.
#include <gtest/gtest.h>

#include "policy_helpers.hpp"

namespace normwatch::rules {
namespace {

using test::ip;

using Mac = std::optional<std::array<std::uint8_t, 6>>;
constexpr std::array<std::uint8_t, 6> kEwsMac{0x00, 0x80, 0xf4, 0x12, 0x34, 0x56};

class ZoneMatch : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_ = test::must_load(R"(policy: {id: zones}
zones:
  - {id: site, purdue: 4, match: {cidr: [10.0.0.0/8, "fd00::/16"]}}
  - {id: cell, purdue: 2, match: {cidr: [10.10.0.0/16, "fd00:10::/32"]}}
  - {id: line, purdue: 1, match: {cidr: [10.10.1.0/24, "fd00:10:10:1::/64", 10.10.1.128/25]}}
  - {id: ews, purdue: 3, roles: [engineering], match: {ip: [10.10.1.5, "fd00:10:10:1::5"], mac: ["00:80:f4:12:34:56"]}}
  - {id: wifi, purdue: 3, match: {vlan: [300, 301]}}
  - {id: host32, match: {cidr: [10.10.1.200/32]}}
  - {id: internet, match: {default: true}}
)");
    ASSERT_NE(policy_, nullptr);
  }
  std::string zone(std::string_view address, std::uint16_t vlan = 0, Mac mac = std::nullopt) const {
    const Zone* z = policy_->zone_of(ip(address), vlan, mac);
    return z == nullptr ? "-" : z->id;
  }
  std::unique_ptr<Policy> policy_;
};

TEST_F(ZoneMatch, Ipv4LongestPrefixWins) {
  EXPECT_EQ(zone("10.200.0.1"), "site");
  EXPECT_EQ(zone("10.10.200.1"), "cell");
  EXPECT_EQ(zone("10.10.1.1"), "line");
  EXPECT_EQ(zone("10.10.1.130"), "line");    // /25 of the same zone
  EXPECT_EQ(zone("10.10.1.200"), "host32");
  EXPECT_EQ(zone("10.10.1.201"), "line");
  EXPECT_EQ(zone("11.0.0.1"), "internet");
  EXPECT_EQ(zone("0.0.0.0"), "internet");
}

TEST_F(ZoneMatch, Ipv6LongestPrefixWins) {
  EXPECT_EQ(zone("fd00:99::1"), "site");
  EXPECT_EQ(zone("fd00:10:99::1"), "cell");
  EXPECT_EQ(zone("fd00:10:10:1::20"), "line");
  EXPECT_EQ(zone("fd00:10:10:2::20"), "cell");
  EXPECT_EQ(zone("2001:db8::1"), "internet");
  EXPECT_EQ(zone("::ffff:10.10.1.7"), "line") << "IPv4-mapped addresses are looked up as IPv4";
}

TEST_F(ZoneMatch, ExactIpBeatsEveryPrefix) {
  EXPECT_EQ(zone("10.10.1.5"), "ews");
  EXPECT_EQ(zone("fd00:10:10:1::5"), "ews");
  EXPECT_EQ(zone("10.10.1.6"), "line");
}

TEST_F(ZoneMatch, MacBeatsPrefixButNotIp) {
  EXPECT_EQ(zone("10.10.1.77", 0, kEwsMac), "ews");          // a DHCP-moved EWS
  EXPECT_EQ(zone("192.0.2.1", 0, kEwsMac), "ews");
  Mac other = kEwsMac;
  (*other)[5] = 0x57;
  EXPECT_EQ(zone("10.10.1.77", 0, other), "line");
}

TEST_F(ZoneMatch, VlanOnlyWhenNoPrefixMatches) {
  EXPECT_EQ(zone("192.168.5.5", 300), "wifi");
  EXPECT_EQ(zone("192.168.5.5", 301), "wifi");
  EXPECT_EQ(zone("192.168.5.5", 302), "internet");
  EXPECT_EQ(zone("10.10.1.9", 300), "line");                 // prefix beats VLAN
  EXPECT_EQ(zone("192.168.5.5", 0), "internet");             // untagged
}

TEST_F(ZoneMatch, PrecedenceOrder) {
  // One address that every selector could claim: ip wins, then MAC, then prefix, then VLAN.
  EXPECT_EQ(zone("10.10.1.5", 300, kEwsMac), "ews");
  EXPECT_EQ(zone("10.10.1.4", 300, kEwsMac), "ews");
  EXPECT_EQ(zone("10.10.1.4", 300), "line");
  EXPECT_EQ(zone("172.16.0.1", 300), "wifi");
  EXPECT_EQ(zone("172.16.0.1"), "internet");
}

TEST(ZoneMatchNoDefault, UnmatchedIsNoZone) {
  const auto p = test::must_load(R"(policy: {id: x}
zones: [{id: a, match: {cidr: [10.0.0.0/8]}}, {id: all6, match: {cidr: ["::/0"]}}]
)");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->zone_of(ip("192.0.2.1"), 0, std::nullopt), nullptr);
  EXPECT_EQ(p->zone_of(ip("10.1.1.1"), 0, std::nullopt)->id, "a");
  EXPECT_EQ(p->zone_of(ip("2001:db8::1"), 0, std::nullopt)->id, "all6");
  EXPECT_EQ(p->zone_of(core::IpAddress{}, 0, std::nullopt), nullptr);
}

TEST(ZoneMatchNoDefault, ZeroLengthPrefixIsACatchAllForItsFamily) {
  const auto p = test::must_load(R"(policy: {id: x}
zones: [{id: any4, match: {cidr: [0.0.0.0/0]}}, {id: ten, match: {cidr: [10.0.0.0/8]}}]
)");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->zone_of(ip("192.0.2.1"), 0, std::nullopt)->id, "any4");
  EXPECT_EQ(p->zone_of(ip("10.0.0.1"), 0, std::nullopt)->id, "ten");
  EXPECT_EQ(p->zone_of(ip("2001:db8::1"), 0, std::nullopt), nullptr);
}

}  // namespace
}  // namespace normwatch::rules
