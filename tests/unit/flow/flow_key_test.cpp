// FlowKey: canonical for both directions, VLAN part of the key, hashes (seeded, symmetric).
#include "normwatch/flow/flow_key.hpp"

#include <gtest/gtest.h>

#include <unordered_set>

#include "flow/flow_test_helpers.hpp"

namespace normwatch::flow::testing {
namespace {

TEST(FlowKey, BothDirectionsGiveTheSameKeyAndOppositeDirections) {
  const auto fwd = make_flow_key(make_packet({.src = "10.0.0.9", .sport = 50000, .dst = "10.0.0.2", .dport = 502}));
  const auto rev = make_flow_key(make_packet({.src = "10.0.0.2", .sport = 502, .dst = "10.0.0.9", .dport = 50000}));
  EXPECT_EQ(fwd.key, rev.key);
  EXPECT_NE(fwd.direction, rev.direction);
  // a is the lower (address, port) endpoint.
  EXPECT_EQ(fwd.key.addr_a.to_string(), "10.0.0.2");
  EXPECT_EQ(fwd.key.port_a, 502);
  EXPECT_EQ(fwd.direction, Direction::b_to_a);
  EXPECT_EQ(fwd.key.ip_proto, 6);
}

TEST(FlowKey, SameAddressComparesPorts) {
  const auto k1 = make_flow_key(make_packet({.src = "10.0.0.1", .sport = 9000, .dst = "10.0.0.1", .dport = 80}));
  const auto k2 = make_flow_key(make_packet({.src = "10.0.0.1", .sport = 80, .dst = "10.0.0.1", .dport = 9000}));
  EXPECT_EQ(k1.key, k2.key);
  EXPECT_EQ(k1.key.port_a, 80);
  EXPECT_EQ(k1.direction, Direction::b_to_a);
  EXPECT_EQ(k2.direction, Direction::a_to_b);
}

TEST(FlowKey, Ipv6IsCanonicalToo) {
  const auto fwd = make_flow_key(make_packet({.src = "2001:db8::5", .sport = 40000, .dst = "2001:db8::1", .dport = 20000}));
  const auto rev = make_flow_key(make_packet({.src = "2001:db8::1", .sport = 20000, .dst = "2001:db8::5", .dport = 40000}));
  EXPECT_EQ(fwd.key, rev.key);
  EXPECT_EQ(fwd.key.hash(), rev.key.hash());
  EXPECT_EQ(fwd.key.symmetric_hash(), rev.key.symmetric_hash());
}

TEST(FlowKey, VlanDistinguishesFlows) {
  const auto v10 = make_flow_key(make_packet({.vlan = 10}));
  const auto v20 = make_flow_key(make_packet({.vlan = 20}));
  EXPECT_NE(v10.key, v20.key);
  EXPECT_EQ(v10.key.vlan, 10);
  EXPECT_NE(v10.key.hash(), v20.key.hash());
}

TEST(FlowKey, TransportDistinguishesFlows) {
  EXPECT_NE(make_flow_key(make_packet({.proto = 6})).key, make_flow_key(make_packet({.proto = 17})).key);
}

TEST(FlowKey, HashesAreSeededAndTheShardHashIsSymmetric) {
  const auto fwd = make_flow_key(make_packet({}));
  const auto rev = make_flow_key(make_packet({.src = "10.0.0.2", .sport = 502, .dst = "10.0.0.1", .dport = 50000}));
  EXPECT_EQ(fwd.key.hash(), rev.key.hash());
  EXPECT_NE(fwd.key.hash(1), fwd.key.hash(2));
  EXPECT_NE(fwd.key.hash(), fwd.key.symmetric_hash());
  EXPECT_EQ(symmetric_hash(make_packet({})), symmetric_hash(make_packet({.src = "10.0.0.2", .sport = 502, .dst = "10.0.0.1", .dport = 50000})));
}

TEST(FlowKey, NearbyKeysDoNotCollideAndSpreadOverLowBits) {
  // 65,536 keys that differ only in client port and last address byte: the kind a scan makes.
  std::unordered_set<std::size_t> hashes;
  std::array<int, 256> buckets{};
  for (int host = 0; host < 16; ++host) {
    for (int port = 0; port < 4096; ++port) {
      auto p = make_packet({.src = "10.0.0." + std::to_string(host + 1), .sport = static_cast<std::uint16_t>(40000 + port)});
      const std::size_t h = make_flow_key(p).key.hash();
      hashes.insert(h);
      ++buckets[h & 0xFF];
    }
  }
  EXPECT_EQ(hashes.size(), 65536u);
  for (int count : buckets) {
    EXPECT_GT(count, 256 / 2);  // expected 256 per bucket
    EXPECT_LT(count, 256 * 3 / 2);
  }
}

}  // namespace
}  // namespace normwatch::flow::testing
