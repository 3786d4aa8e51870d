#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "normwatch/classify/classifier.hpp"
#include "normwatch/core/byte_reader.hpp"

namespace normwatch::classify {
namespace {

// A minimal IPv4/TCP packet (no options) carrying `payload`, as nDPI receives it (from the IP
// header on). Checksums are left zero: nDPI does not verify them.
std::vector<std::byte> ipv4_tcp(std::uint16_t sport, std::uint16_t dport, const std::string& payload) {
  std::vector<std::uint8_t> p = {0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
  const std::size_t total = 20 + 20 + payload.size();
  p[2] = static_cast<std::uint8_t>(total >> 8);
  p[3] = static_cast<std::uint8_t>(total);
  const std::uint8_t tcp[20] = {static_cast<std::uint8_t>(sport >> 8), static_cast<std::uint8_t>(sport),
                                static_cast<std::uint8_t>(dport >> 8), static_cast<std::uint8_t>(dport),
                                0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0};
  p.insert(p.end(), tcp, tcp + 20);
  p.insert(p.end(), payload.begin(), payload.end());
  std::vector<std::byte> out(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) out[i] = static_cast<std::byte>(p[i]);
  return out;
}

decode::DecodedPacket packet_over(const std::vector<std::byte>& ip) {
  decode::DecodedPacket pkt;
  pkt.ip_packet = core::Bytes(ip);
  pkt.payload = core::Bytes(ip).subspan(40);
  pkt.transport = decode::Transport::tcp;
  pkt.src_ip = core::IpAddress::v4(0x0A000001u);
  pkt.dst_ip = core::IpAddress::v4(0x0A000002u);
  pkt.ts = core::Timestamp::from_seconds(1700000000);
  return pkt;
}

TEST(Classifier, NdpiNamesHttpAndReleasesItsStateOnceDecided) {
  Classifier classifier;
  FlowClassification state;
  flow::Flow f;
  f.key.ip_proto = 6;
  f.key.port_a = 80;
  f.key.port_b = 40000;
  const auto request = ipv4_tcp(40000, 80, "GET /index.html HTTP/1.1\r\nHost: plant.example\r\nUser-Agent: t\r\n\r\n");
  classifier.on_packet(state, f, packet_over(request));
  classifier.finish(state);
  EXPECT_TRUE(state.ndpi_done());
  EXPECT_EQ(state.app_name(), "HTTP");
  EXPECT_EQ(classifier.counters().ndpi_flows, 1u);
}

TEST(Classifier, FlowWithoutPayloadCostsNoNdpiState) {
  Classifier classifier;
  FlowClassification state;
  flow::Flow f;
  auto syn = ipv4_tcp(40000, 502, "");
  auto pkt = packet_over(syn);
  pkt.payload = {};
  classifier.on_packet(state, f, pkt);
  EXPECT_EQ(classifier.counters().ndpi_flows, 0u);
  EXPECT_FALSE(state.ndpi_done());
}

TEST(Classifier, DisabledNdpiLeavesFlowsUnknown) {
  Classifier classifier(ClassifierOptions{.use_ndpi = false});
  FlowClassification state;
  flow::Flow f;
  const auto request = ipv4_tcp(40000, 80, "GET / HTTP/1.1\r\n\r\n");
  classifier.on_packet(state, f, packet_over(request));
  classifier.finish(state);
  EXPECT_EQ(state.app_name(), "unknown");
  EXPECT_EQ(classifier.ndpi_version(), "disabled");
}

}  // namespace
}  // namespace normwatch::classify
