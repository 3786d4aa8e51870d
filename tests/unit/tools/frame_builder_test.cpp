// Frames from frame_builder read back by the tests' own parser: header fields, VLAN tags, padding
// to the Ethernet minimum, and checksums verified over the pseudo-header (RFC 793, 768, 8200).
#include "capgen/frame_builder.hpp"

#include <gtest/gtest.h>

#include <array>

#include "capgen/emitter.hpp"
#include "tools/tools_test_helpers.hpp"

namespace normwatch::tools::capgen {
namespace {

using test::parse_frame;

Path v4_path(std::span<const VlanTag> tags = {}) {
  return Path{Host{host_mac(1), ipv4(10, 10, 2, 10)}, Host{host_mac(2), ipv4(10, 10, 1, 20)}, tags};
}

TEST(FrameBuilder, TcpOverIpv4) {
  Bytes frame;
  const Bytes payload = test::hex("00 01 00 00 00 06 01 03 00 00 00 0a");
  TcpHeader tcp{49200, 502, 1000, 2000, kPsh | kAck, 64240};
  build_tcp_frame(frame, v4_path(), tcp, payload, 7);
  ASSERT_EQ(frame.size(), 14u + 20 + 20 + 12);
  const auto p = parse_frame(frame);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ethertype, 0x0800);
  EXPECT_EQ(p->ip_total, 52);
  EXPECT_EQ(p->frag_field, 0x4000);  // DF
  EXPECT_EQ(p->src_port, 49200);
  EXPECT_EQ(p->dst_port, 502);
  EXPECT_EQ(p->seq, 1000u);
  EXPECT_EQ(p->ack, 2000u);
  EXPECT_EQ(p->flags, kPsh | kAck);
  EXPECT_EQ(p->payload, payload);
  EXPECT_TRUE(test::ip_header_checksum_ok(frame, *p));
  EXPECT_TRUE(test::l4_checksum_ok(frame, *p));
}

TEST(FrameBuilder, ShortFramesArePaddedButIpLengthIsExact) {
  Bytes frame;
  build_tcp_frame(frame, v4_path(), TcpHeader{1, 2, 3, 0, kSyn, 1024}, {}, 1);
  EXPECT_EQ(frame.size(), 60u);
  const auto p = parse_frame(frame);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ip_total, 40);
  EXPECT_TRUE(p->payload.empty());
  EXPECT_TRUE(test::l4_checksum_ok(frame, *p));
}

TEST(FrameBuilder, QinQTagsOutermostFirst) {
  const std::array<VlanTag, 2> tags{VlanTag{kTpidDot1ad, 200, 0}, VlanTag{kTpidDot1Q, 10, 5}};
  Bytes frame;
  build_tcp_frame(frame, v4_path(tags), TcpHeader{1, 2404, 3, 4, kAck, 100}, test::hex("68 04 43 00 00 00"), 1);
  EXPECT_EQ(Bytes(frame.begin() + 12, frame.begin() + 22), test::hex("88 a8 00 c8 81 00 a0 0a 08 00"));
  const auto p = parse_frame(frame);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->vids, (std::vector<std::uint16_t>{200, 10}));
  EXPECT_TRUE(test::l4_checksum_ok(frame, *p));
}

TEST(FrameBuilder, TcpAndUdpOverIpv6) {
  const Path path{Host{host_mac(1), ip("fd00:10:10:2::10")}, Host{host_mac(2), ip("fd00:10:10:1::20")}, {}};
  Bytes frame;
  build_tcp_frame(frame, path, TcpHeader{5, 502, 1, 1, kAck, 10}, test::hex("01 02 03"), 0);
  auto p = parse_frame(frame);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ethertype, 0x86DD);
  EXPECT_EQ(p->protocol, kIpProtoTcp);
  EXPECT_EQ(p->ip_total, 40 + 20 + 3);
  EXPECT_TRUE(test::l4_checksum_ok(frame, *p));

  build_udp_frame(frame, path, 20000, 20000, test::hex("05 64"), 0);
  p = parse_frame(frame);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->protocol, kIpProtoUdp);
  EXPECT_EQ(p->payload, test::hex("05 64"));
  EXPECT_TRUE(test::l4_checksum_ok(frame, *p));
}

TEST(FrameBuilder, UdpChecksumOverIpv4) {
  Bytes frame;
  build_udp_frame(frame, v4_path(), 53001, 53, test::hex("12 34 01 00 00 01"), 9);
  const auto p = parse_frame(frame);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->frag_field, 0);
  EXPECT_TRUE(test::ip_header_checksum_ok(frame, *p));
  EXPECT_TRUE(test::l4_checksum_ok(frame, *p));
}

TEST(FrameBuilder, Ipv4FragmentsReassembleToTheDatagram) {
  test::MemorySink sink;
  Emitter out(sink);
  const Path path = v4_path();
  Bytes payload(1000);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  const std::array<std::size_t, 3> order{2, 0, 1};
  out.udp_fragmented(path, 20000, 20000, payload, 400, order);
  ASSERT_EQ(sink.frames.size(), 3u);  // 1008 datagram bytes in pieces of 400
  const Bytes datagram = udp_datagram(path, 20000, 20000, payload);
  Bytes rebuilt(datagram.size());
  std::uint16_t id = 0;
  for (std::size_t n = 0; n < sink.frames.size(); ++n) {
    const Bytes& f = sink.frames[n].bytes;
    const auto p = parse_frame(f);
    ASSERT_TRUE(p);
    EXPECT_TRUE(test::ip_header_checksum_ok(f, *p));
    const std::size_t offset = (p->frag_field & 0x1FFF) * 8u;
    const bool more = (p->frag_field & 0x2000) != 0;
    EXPECT_EQ(offset, order[n] * 400);
    EXPECT_EQ(more, order[n] != 2);
    const std::uint16_t this_id = static_cast<std::uint16_t>((f[p->l3 + 4] << 8) | f[p->l3 + 5]);
    if (n > 0) {
      EXPECT_EQ(this_id, id);
    }
    id = this_id;
    std::copy(f.begin() + static_cast<std::ptrdiff_t>(p->l4),
              f.begin() + static_cast<std::ptrdiff_t>(p->l3 + p->ip_total),
              rebuilt.begin() + static_cast<std::ptrdiff_t>(offset));
  }
  EXPECT_EQ(rebuilt, datagram);
}

TEST(Emitter, ClockStartsAt2026AndSteps) {
  test::MemorySink sink;
  Emitter out(sink);
  out.set_step_us(10);
  out.udp(v4_path(), 1, 2, {});
  out.advance_us(1000);
  out.udp(v4_path(), 1, 2, {});
  ASSERT_EQ(sink.frames.size(), 2u);
  EXPECT_EQ(sink.frames[0].ts_us, 1'767'225'600'000'000);
  EXPECT_EQ(sink.frames[1].ts_us, 1'767'225'600'001'010);
  EXPECT_EQ(out.frames(), 2u);
}

}  // namespace
}  // namespace normwatch::tools::capgen
