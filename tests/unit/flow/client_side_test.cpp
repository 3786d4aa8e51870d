// Which side is the client: from the handshake when seen, else guessed from ports (well-known
// server ports, then the lower port), else the first packet's sender; the basis is recorded.
#include <gtest/gtest.h>

#include "flow/flow_test_helpers.hpp"

namespace normwatch::flow::testing {
namespace {

struct ClientCase {
  const char* name;
  PacketSpec first;
  bool sender_is_client;
  ClientBasis basis;
};

TEST(ClientSide, DecidedFromTheFirstPacket) {
  const std::vector<ClientCase> cases = {
      {"SYN: sender", {.sport = 502, .dport = 50000, .flags = tf::kSyn}, true, ClientBasis::handshake},
      {"SYN+ACK: receiver", {.sport = 50000, .dport = 502, .flags = tf::kSyn | tf::kAck}, false, ClientBasis::handshake},
      {"to Modbus", {.sport = 50000, .dport = 502}, true, ClientBasis::port_heuristic},
      {"from Modbus", {.sport = 502, .dport = 50000}, false, ClientBasis::port_heuristic},
      {"to DNP3 20000", {.sport = 50000, .dport = 20000}, true, ClientBasis::port_heuristic},
      {"from IEC 104", {.sport = 2404, .dport = 1500}, false, ClientBasis::port_heuristic},
      {"from EtherNet/IP", {.sport = 44818, .dport = 3000}, false, ClientBasis::port_heuristic},
      {"to OPC UA", {.sport = 3000, .dport = 4840}, true, ClientBasis::port_heuristic},
      {"below 1024", {.sport = 30000, .dport = 873}, true, ClientBasis::port_heuristic},
      {"both high: lower is server", {.sport = 40000, .dport = 50000}, false, ClientBasis::port_heuristic},
      {"both high, other way", {.sport = 50000, .dport = 40000}, true, ClientBasis::port_heuristic},
      {"both well known: lower", {.sport = 20000, .dport = 502}, true, ClientBasis::port_heuristic},
      {"equal ports", {.sport = 20000, .dport = 20000}, true, ClientBasis::first_packet},
      {"UDP to DNP3", {.sport = 50000, .dport = 20000, .proto = 17}, true, ClientBasis::port_heuristic},
      {"no ports (ICMP)", {.proto = 1}, true, ClientBasis::first_packet},
  };
  for (const ClientCase& c : cases) {
    SCOPED_TRACE(c.name);
    FlowTable table;
    const FlowLookup l = table.track(make_packet(c.first));
    ASSERT_NE(l.flow, nullptr);
    EXPECT_EQ(l.flow->from_client(l.direction), c.sender_is_client);
    EXPECT_EQ(l.flow->client_basis, c.basis);
  }
}

TEST(ClientSide, HandshakeDecisionHoldsForLaterPackets) {
  FlowTable table;
  const FlowLookup syn = table.track(make_packet({.sport = 502, .dport = 50000, .flags = tf::kSyn}));
  const FlowLookup reply = table.track(make_packet({.src = "10.0.0.2", .sport = 50000, .dst = "10.0.0.1", .dport = 502,
                                                    .flags = tf::kSyn | tf::kAck}));
  EXPECT_TRUE(syn.flow->from_client(syn.direction));
  EXPECT_FALSE(reply.flow->from_client(reply.direction));
}

}  // namespace
}  // namespace normwatch::flow::testing
