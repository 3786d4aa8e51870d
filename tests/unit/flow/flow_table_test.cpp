// FlowTable: lookups, per-direction counters, TCP state, timeouts by state, eviction at the cap
// (with handler calls), port reuse, flush, and the SYN sweep staying at the cap.
#include "normwatch/flow/flow_table.hpp"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

#include "flow/flow_test_helpers.hpp"

namespace normwatch::flow::testing {
namespace {

constexpr std::uint8_t kSynAck = tf::kSyn | tf::kAck;
constexpr std::uint8_t kFinAck = tf::kFin | tf::kAck;

PacketSpec from_client(std::uint8_t flags, std::int64_t ts = 0, std::size_t payload = 0) {
  return PacketSpec{.flags = flags, .ts_s = ts, .payload = payload};
}
PacketSpec from_server(std::uint8_t flags, std::int64_t ts = 0, std::size_t payload = 0) {
  return PacketSpec{.src = "10.0.0.2", .sport = 502, .dst = "10.0.0.1", .dport = 50000, .flags = flags, .ts_s = ts, .payload = payload};
}

struct Marker : FlowExtension {};

TEST(FlowTable, FindsTheSameFlowForBothDirectionsAndCountsPerDirection) {
  FlowTable table;
  auto p1 = make_packet({.flags = tf::kSyn, .ts_s = 100, .frame = 7});
  const FlowLookup a = table.track(p1);
  ASSERT_NE(a.flow, nullptr);
  EXPECT_TRUE(a.created);
  const FlowLookup b = table.track(make_packet({.src = "10.0.0.2", .sport = 502, .dst = "10.0.0.1", .dport = 50000,
                                                .flags = kSynAck, .ts_s = 101, .frame = 8}));
  EXPECT_EQ(b.flow, a.flow);
  EXPECT_FALSE(b.created);
  EXPECT_NE(b.direction, a.direction);
  std::array<std::byte, 80> ip{};
  auto p3 = make_packet({.flags = tf::kAck, .ts_s = 103, .frame = 9, .payload = 12});
  p3.ip_packet = core::Bytes(ip.data(), ip.size());
  table.track(p3);

  const Flow& f = *a.flow;
  EXPECT_EQ(f.id, 1u);
  EXPECT_EQ(f.first_frame_no, 7u);
  EXPECT_EQ(f.first_seen, core::Timestamp::from_seconds(100));
  EXPECT_EQ(f.last_seen, core::Timestamp::from_seconds(103));
  EXPECT_EQ(f.side(a.direction).packets, 2u);
  EXPECT_EQ(f.side(a.direction).payload_bytes, 12u);
  EXPECT_EQ(f.side(a.direction).bytes, 54u + 80u);  // wire length without ip_packet, then IP bytes
  EXPECT_EQ(f.side(b.direction).packets, 1u);
  EXPECT_EQ(f.tcp_state, TcpState::established);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.counters().created, 1u);
  EXPECT_EQ(table.counters().tcp_flows, 1u);
}

TEST(FlowTable, FlowIdsFollowCreationOrder) {
  FlowTable table;
  for (std::uint16_t i = 0; i < 5; ++i) {
    EXPECT_EQ(table.track(make_packet({.sport = static_cast<std::uint16_t>(40000 + i)})).flow->id, i + 1u);
  }
}

TEST(FlowTable, NonIpPacketsHaveNoFlow) {
  FlowTable table;
  decode::DecodedPacket arp;
  EXPECT_EQ(table.track(arp).flow, nullptr);
  EXPECT_EQ(table.size(), 0u);
}

TEST(FlowTable, VlanSeparatesOtherwiseEqualFlows) {
  FlowTable table;
  const auto* f10 = table.track(make_packet({.vlan = 10})).flow;
  const auto* f20 = table.track(make_packet({.vlan = 20})).flow;
  EXPECT_NE(f10, f20);
  EXPECT_EQ(table.size(), 2u);
}

TEST(FlowTable, TcpStateFollowsTheFlags) {
  FlowTable table;
  Flow* f = table.track(make_packet(from_client(tf::kSyn))).flow;
  EXPECT_EQ(f->tcp_state, TcpState::syn_sent);
  table.track(make_packet(from_server(kSynAck)));
  EXPECT_EQ(f->tcp_state, TcpState::syn_sent) << "half open until the handshake's last ACK";
  table.track(make_packet(from_client(tf::kAck)));
  EXPECT_EQ(f->tcp_state, TcpState::established);
  table.track(make_packet(from_client(kFinAck)));
  EXPECT_EQ(f->tcp_state, TcpState::closing);
  table.track(make_packet(from_server(kFinAck)));
  EXPECT_EQ(f->tcp_state, TcpState::closed);

  Flow* g = table.track(make_packet({.sport = 40001, .flags = tf::kAck})).flow;
  EXPECT_EQ(g->tcp_state, TcpState::established) << "mid-stream pick-up";
  table.track(make_packet({.sport = 40001, .flags = tf::kRst}));
  EXPECT_EQ(g->tcp_state, TcpState::closed);
}

struct TimeoutCase {
  const char* name;
  std::vector<PacketSpec> packets;  // all at t = 0
  std::int64_t timeout_s;
  FlowEndReason reason;
};

TEST(FlowTable, IdleTimeoutsDependOnTheState) {
  FlowTableLimits limits;
  limits.tcp_half_open_timeout_ns = 5 * core::kNsPerSecond;
  limits.tcp_established_timeout_ns = 50 * core::kNsPerSecond;
  limits.tcp_closing_timeout_ns = 20 * core::kNsPerSecond;
  limits.tcp_closed_timeout_ns = 2 * core::kNsPerSecond;
  limits.udp_timeout_ns = 30 * core::kNsPerSecond;
  limits.other_timeout_ns = 10 * core::kNsPerSecond;
  const std::vector<TimeoutCase> cases = {
      {"half open", {from_client(tf::kSyn)}, 5, FlowEndReason::idle_timeout},
      {"established", {from_client(tf::kSyn), from_server(kSynAck), from_client(tf::kAck)}, 50, FlowEndReason::idle_timeout},
      {"closing", {from_client(tf::kAck), from_client(kFinAck)}, 20, FlowEndReason::idle_timeout},
      {"closed", {from_client(tf::kAck), from_server(tf::kRst)}, 2, FlowEndReason::closed},
      {"udp", {PacketSpec{.sport = 20000, .dport = 20000, .proto = 17}}, 30, FlowEndReason::idle_timeout},
      {"other", {PacketSpec{.proto = 1}}, 10, FlowEndReason::idle_timeout},
  };
  for (const TimeoutCase& c : cases) {
    SCOPED_TRACE(c.name);
    EndRecorder ends;
    FlowTable table(limits, &ends);
    for (const PacketSpec& p : c.packets) table.track(make_packet(p));
    table.expire(core::Timestamp::from_seconds(c.timeout_s));
    EXPECT_EQ(table.size(), 1u) << "exactly at the timeout the flow stays";
    table.expire(core::Timestamp::from_seconds(c.timeout_s + 1));
    EXPECT_EQ(table.size(), 0u);
    ASSERT_EQ(ends.ended.size(), 1u);
    EXPECT_EQ(ends.ended[0].reason, c.reason);
    EXPECT_EQ(table.counters().expired + table.counters().closed, 1u);
  }
}

TEST(FlowTable, StateChangeMovesTheFlowToItsNewTimeout) {
  FlowTableLimits limits;
  limits.tcp_half_open_timeout_ns = 5 * core::kNsPerSecond;
  FlowTable table(limits);
  table.track(make_packet(from_client(tf::kSyn, 0)));
  table.track(make_packet(from_server(kSynAck, 1)));
  table.track(make_packet(from_client(tf::kAck, 1)));
  table.expire(core::Timestamp::from_seconds(100));
  EXPECT_EQ(table.size(), 1u) << "established flows use the established timeout";
}

TEST(FlowTable, ActivityKeepsAFlowAlive) {
  FlowTableLimits limits;
  limits.udp_timeout_ns = 10 * core::kNsPerSecond;
  FlowTable table(limits);
  table.track(make_packet({.sport = 1, .proto = 17, .ts_s = 0}));  // never seen again
  for (int t = 0; t <= 100; t += 5) {
    table.track(make_packet({.proto = 17, .ts_s = t}));
    table.expire(core::Timestamp::from_seconds(t));
  }
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.counters().expired, 1u);
}

TEST(FlowTable, EvictsTheLongestIdleFlowAtTheCapAndTellsTheHandlerFirst) {
  FlowTableLimits limits;
  limits.max_flows = 3;
  EndRecorder ends;
  FlowTable table(limits, &ends);
  for (std::uint16_t i = 0; i < 3; ++i) {
    FlowLookup l = table.track(make_packet({.sport = static_cast<std::uint16_t>(40000 + i), .flags = tf::kAck, .ts_s = i}));
    l.flow->extension = std::make_unique<Marker>();
  }
  table.track(make_packet({.sport = 40000, .flags = tf::kAck, .ts_s = 10}));  // 40000 is fresh again
  const FlowLookup fourth = table.track(make_packet({.sport = 40003, .flags = tf::kAck, .ts_s = 11}));
  EXPECT_TRUE(fourth.created);
  EXPECT_EQ(fourth.flow->extension, nullptr) << "a reused record starts clean";
  EXPECT_EQ(table.size(), 3u);
  ASSERT_EQ(ends.ended.size(), 1u);
  EXPECT_EQ(ends.ended[0].reason, FlowEndReason::evicted);
  EXPECT_EQ(ends.ended[0].key.port_a == 40001 || ends.ended[0].key.port_b == 40001, true);
  EXPECT_TRUE(ends.ended[0].had_extension) << "the handler sees the record before it is reset";
  EXPECT_EQ(table.counters().evicted, 1u);
  EXPECT_FALSE(table.track(make_packet({.sport = 40000, .ts_s = 12})).created);
  EXPECT_TRUE(table.track(make_packet({.sport = 40001, .ts_s = 13})).created);
}

TEST(FlowTable, EvictionPrefersClosedThenHalfOpenFlows) {
  FlowTableLimits limits;
  limits.max_flows = 3;
  EndRecorder ends;
  FlowTable table(limits, &ends);
  table.track(make_packet({.sport = 40000, .flags = tf::kAck, .ts_s = 0}));   // established, oldest
  table.track(make_packet({.sport = 40001, .flags = tf::kSyn, .ts_s = 5}));   // half open
  table.track(make_packet({.sport = 40002, .flags = tf::kAck, .ts_s = 6}));
  table.track(make_packet({.sport = 40002, .flags = tf::kRst, .ts_s = 7}));   // closed, newest
  table.track(make_packet({.sport = 40003, .flags = tf::kSyn, .ts_s = 8}));
  table.track(make_packet({.sport = 40004, .flags = tf::kSyn, .ts_s = 9}));
  ASSERT_EQ(ends.ended.size(), 2u);
  EXPECT_EQ(ends.ended[0].key.port_a, 40002) << "closed first";
  EXPECT_EQ(ends.ended[1].key.port_a, 40001) << "then the oldest half-open";
  EXPECT_FALSE(table.track(make_packet({.sport = 40000, .ts_s = 10})).created) << "the established flow survives";
}

TEST(FlowTable, SynSweepStaysAtTheCap) {
  FlowTableLimits limits;
  limits.max_flows = 1000;
  FlowTable table(limits);
  FlowLookup ics = table.track(make_packet({.src = "10.9.9.9", .flags = tf::kAck}));  // an established session
  const std::uint64_t ics_id = ics.flow->id;
  constexpr std::uint32_t kSweep = 1'000'000;
  for (std::uint32_t i = 0; i < kSweep; ++i) {
    decode::DecodedPacket p = make_packet({.flags = tf::kSyn, .ts_s = 1 + i / 1000});
    p.src_ip = core::IpAddress::v4(0x0A000000u + (i >> 8));
    p.src_port = static_cast<std::uint16_t>(1024 + (i & 0xFF));
    table.track(p);
    ASSERT_LE(table.size(), 1000u);
  }
  EXPECT_EQ(table.size(), 1000u);
  EXPECT_EQ(table.counters().created, kSweep + 1);
  EXPECT_EQ(table.counters().evicted, kSweep + 1 - 1000);
  EXPECT_EQ(table.counters().peak_active, 1000u);
  const FlowLookup again = table.track(make_packet({.src = "10.9.9.9", .flags = tf::kAck}));
  EXPECT_FALSE(again.created) << "half-open flows were evicted first";
  EXPECT_EQ(again.flow->id, ics_id);
}

TEST(FlowTable, NewSynOnAClosedFlowStartsANewFlow) {
  EndRecorder ends;
  FlowTable table({}, &ends);
  const std::uint64_t first = table.track(make_packet(from_client(tf::kSyn))).flow->id;
  table.track(make_packet(from_server(tf::kRst | tf::kAck)));
  auto new_syn = make_packet(from_client(tf::kSyn, 1));
  new_syn.tcp.seq = 1000;  // a new initial sequence number: a new connection
  const FlowLookup again = table.track(new_syn);
  EXPECT_TRUE(again.created);
  EXPECT_NE(again.flow->id, first);
  ASSERT_EQ(ends.ended.size(), 1u);
  EXPECT_EQ(ends.ended[0].reason, FlowEndReason::closed);
  EXPECT_EQ(table.size(), 1u);
}

TEST(FlowTable, RetransmittedSynAfterRstStaysInTheSameFlow) {
  // A client retrying a closed port sends the same SYN again: Wireshark keeps one TCP stream.
  EndRecorder ends;
  FlowTable table({}, &ends);
  auto syn = make_packet(from_client(tf::kSyn));
  syn.tcp.seq = 77;
  const std::uint64_t first = table.track(syn).flow->id;
  table.track(make_packet(from_server(tf::kRst | tf::kAck)));
  auto retry = make_packet(from_client(tf::kSyn, 3));
  retry.tcp.seq = 77;
  const FlowLookup again = table.track(retry);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.flow->id, first);
  EXPECT_TRUE(ends.ended.empty());
}

TEST(FlowTable, FlushEndsEveryFlowInCreationOrder) {
  EndRecorder ends;
  FlowTable table({}, &ends);
  table.track(make_packet({.sport = 1, .flags = tf::kSyn}));
  table.track(make_packet({.sport = 2, .proto = 17}));
  table.track(make_packet({.sport = 3, .flags = tf::kAck}));
  table.track(make_packet({.sport = 4, .proto = 1}));
  table.track(make_packet({.sport = 1, .flags = tf::kAck}));
  table.flush();
  ASSERT_EQ(ends.ended.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(ends.ended[i].id, i + 1);
    EXPECT_EQ(ends.ended[i].reason, FlowEndReason::end_of_capture);
  }
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.counters().active, 0u);
  EXPECT_TRUE(table.track(make_packet({.sport = 1})).created);
}

TEST(FlowTable, ManyFlowsSurviveIndexGrowthAndRemoval) {
  FlowTableLimits limits;
  limits.max_flows = 20000;
  limits.other_timeout_ns = 10 * core::kNsPerSecond;
  FlowTable table(limits);
  for (std::uint32_t pass = 0; pass < 2; ++pass) {  // even flows at t=0, then odd ones at t=100
    for (std::uint32_t i = pass; i < 20000; i += 2) {
      decode::DecodedPacket p = make_packet({.proto = 1, .ts_s = pass == 0 ? 0 : 100});
      p.src_ip = core::IpAddress::v4(0x0A000000u + i);
      table.track(p);
    }
  }
  table.expire(core::Timestamp::from_seconds(50));  // the even half goes
  EXPECT_EQ(table.size(), 10000u);
  for (std::uint32_t i = 0; i < 20000; ++i) {
    decode::DecodedPacket p = make_packet({.proto = 1, .ts_s = 101});
    p.src_ip = core::IpAddress::v4(0x0A000000u + i);
    EXPECT_EQ(table.track(p).created, (i % 2) == 0) << i;
  }
}

TEST(FlowTable, FirstFrameOfAReassembledDatagramIsItsFirstFragment) {
  FlowTable table;
  decode::DecodedPacket p = make_packet({.proto = 17, .frame = 9});
  p.reassembled = true;
  p.first_frame_no = 4;
  EXPECT_EQ(table.track(p).flow->first_frame_no, 4u);
}

// The idle lists are ordered lazily (a busy flow moves at most once a second): a flow must never
// end before its timeout, and must end within one second after it.
TEST(FlowTable, IdleExpiryIsNeverEarlyAndAtMostOneSecondLate) {
  FlowTableLimits limits;
  limits.udp_timeout_ns = 10 * core::kNsPerSecond;
  struct Checker : FlowEndHandler {
    std::int64_t now = 0;
    int early = 0;
    void on_flow_end(Flow& flow, FlowEndReason) override {
      if (now - flow.last_seen.ns <= 10 * core::kNsPerSecond) ++early;
    }
  } checker;
  FlowTable table(limits, &checker);
  std::unordered_map<std::uint16_t, std::int64_t> last_seen;
  std::mt19937 rng(7);
  std::int64_t now = 0;
  for (int step = 0; step < 20000; ++step) {
    now += static_cast<std::int64_t>(rng() % 50'000'000);  // up to 50 ms per packet
    const auto port = static_cast<std::uint16_t>(1 + rng() % 300);
    decode::DecodedPacket p = make_packet({.sport = port, .proto = 17});
    p.ts.ns = now;
    table.track(p);
    last_seen[port] = now;
    checker.now = now;
    table.expire(core::Timestamp{now});
    if (step % 500 == 0) {
      std::size_t stale = 0;
      for (const auto& [port_seen, ts] : last_seen) {
        if (now - ts > 11 * core::kNsPerSecond) ++stale;
      }
      EXPECT_LE(table.size(), last_seen.size() - stale) << "a flow idle over timeout + 1 s is still there";
    }
  }
  EXPECT_EQ(checker.early, 0);
  EXPECT_GT(table.counters().expired, 0u);
}

}  // namespace
}  // namespace normwatch::flow::testing
