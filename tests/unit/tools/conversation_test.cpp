// TcpSession and UdpFlow: sequence and acknowledgement numbers (RFC 793 §3.3), and the imperfect
// streams built from Pieces, checked by reassembling them in the test.
#include "capgen/conversation.hpp"

#include <gtest/gtest.h>

#include <array>
#include <map>

#include "tools/tools_test_helpers.hpp"

namespace normwatch::tools::capgen {
namespace {

constexpr std::uint32_t kClientIsn = 1000;
constexpr std::uint32_t kServerIsn = 0xFFFFFFF0;  // wraps during the tests

class TcpSessionTest : public ::testing::Test {
 protected:
  Endpoints ends() {
    return Endpoints{Host{host_mac(1), ipv4(10, 0, 0, 1)}, Host{host_mac(2), ipv4(10, 0, 0, 2)}, 40000, 502, {}};
  }
  test::ParsedFrame frame(std::size_t i) {
    auto p = test::parse_frame(sink_.frames.at(i).bytes);
    EXPECT_TRUE(p);
    return p.value_or(test::ParsedFrame{});
  }
  test::MemorySink sink_;
  Emitter out_{sink_};
  TcpSession tcp_{out_, ends(), kClientIsn, kServerIsn};
};

TEST_F(TcpSessionTest, HandshakeNumbers) {
  tcp_.handshake();
  ASSERT_EQ(sink_.frames.size(), 3u);
  EXPECT_EQ(frame(0).flags, kSyn);
  EXPECT_EQ(frame(0).seq, kClientIsn);
  EXPECT_EQ(frame(1).flags, kSyn | kAck);
  EXPECT_EQ(frame(1).seq, kServerIsn);
  EXPECT_EQ(frame(1).ack, kClientIsn + 1);
  EXPECT_EQ(frame(2).flags, kAck);
  EXPECT_EQ(frame(2).seq, kClientIsn + 1);
  EXPECT_EQ(frame(2).ack, kServerIsn + 1);
}

TEST_F(TcpSessionTest, DataAdvancesSequenceAndIsAcknowledged) {
  tcp_.handshake();
  tcp_.send(Side::client, test::hex("01 02 03 04 05"));
  tcp_.send(Side::server, test::hex("aa bb"));
  tcp_.ack(Side::client);
  EXPECT_EQ(frame(3).seq, kClientIsn + 1);
  EXPECT_EQ(frame(3).flags, kPsh | kAck);
  EXPECT_EQ(frame(4).seq, kServerIsn + 1);
  EXPECT_EQ(frame(4).ack, kClientIsn + 6);
  EXPECT_EQ(frame(5).seq, kClientIsn + 6);
  EXPECT_EQ(frame(5).ack, kServerIsn + 3);  // wrapped past 2^32
  EXPECT_TRUE(frame(5).payload.empty());
}

TEST_F(TcpSessionTest, ReorderedDuplicatedAndOverlappingPiecesReassemble) {
  tcp_.handshake();
  const Bytes payload = test::hex("00 01 00 00 00 06 01 03 00 00 00 0a 00 02 00 00 00 06 01 03");
  const std::array<std::size_t, 1> sizes{6};
  const auto pieces = split_by_sizes(payload.size(), sizes);
  ASSERT_EQ(pieces.size(), 4u);
  EXPECT_EQ(pieces.back().length, 2u);
  const std::array<std::size_t, 6> order{3, 1, 1, 0, 2, 0};
  std::vector<Piece> plan = pick(pieces, order);
  plan.push_back(Piece{4, 10});  // overlaps pieces 0-2 with the same bytes
  tcp_.send_pieces(Side::client, payload, plan);
  tcp_.send(Side::client, test::hex("ff"));

  std::map<std::uint32_t, std::uint8_t> stream;  // relative offset -> byte; first copy kept
  for (std::size_t i = 3; i < 3 + plan.size(); ++i) {
    const auto p = frame(i);
    for (std::size_t k = 0; k < p.payload.size(); ++k) stream.emplace(p.seq - (kClientIsn + 1) + k, p.payload[k]);
  }
  ASSERT_EQ(stream.size(), payload.size());
  for (std::size_t k = 0; k < payload.size(); ++k) EXPECT_EQ(stream[static_cast<std::uint32_t>(k)], payload[k]);
  EXPECT_EQ(frame(3 + plan.size()).seq, kClientIsn + 1 + payload.size());
}

TEST_F(TcpSessionTest, ConflictingOverlapSendsReplacementBytes) {
  tcp_.handshake();
  const Bytes payload = test::hex("10 11 12 13 14 15");
  const std::array<std::uint8_t, 3> other{0xEE, 0xEE, 0x15};
  const std::array<Piece, 2> plan{Piece{0, 5}, Piece{3, 3, other}};
  tcp_.send_pieces(Side::client, payload, plan);
  EXPECT_EQ(frame(4).seq, kClientIsn + 1 + 3);
  EXPECT_EQ(frame(4).payload, test::hex("ee ee 15"));
}

TEST_F(TcpSessionTest, GapStillCountsAsSentAndIsAcknowledged) {
  tcp_.handshake();
  tcp_.send(Side::client, test::hex("01 02"));
  tcp_.send_pieces(Side::client, test::hex("03 04 05"), {});  // never written
  tcp_.send(Side::client, test::hex("06"));
  tcp_.ack(Side::server);
  ASSERT_EQ(sink_.frames.size(), 6u);
  EXPECT_EQ(frame(4).seq, kClientIsn + 1 + 5);
  EXPECT_EQ(frame(5).ack, kClientIsn + 1 + 6);
}

TEST_F(TcpSessionTest, FinAndRstClose) {
  tcp_.handshake();
  tcp_.close(Side::client);
  EXPECT_EQ(frame(3).flags, kFin | kAck);
  EXPECT_EQ(frame(4).flags, kFin | kAck);
  EXPECT_EQ(frame(4).ack, kClientIsn + 2);  // the FIN took one sequence number
  EXPECT_EQ(frame(5).flags, kAck);
  EXPECT_EQ(frame(5).ack, kServerIsn + 2);
  tcp_.reset(Side::server);
  EXPECT_EQ(frame(6).flags, kRst | kAck);
}

TEST_F(TcpSessionTest, MidstreamStartSendsDataWithoutHandshake) {
  tcp_.send(Side::server, test::hex("05 64"));
  ASSERT_EQ(sink_.frames.size(), 1u);
  EXPECT_EQ(frame(0).seq, kServerIsn);
  EXPECT_EQ(frame(0).ack, kClientIsn);
  EXPECT_EQ(frame(0).src_port, 502);
}

TEST(UdpFlow, PortsFollowTheSide) {
  test::MemorySink sink;
  Emitter out(sink);
  UdpFlow flow(out,
               Endpoints{Host{host_mac(1), ipv4(10, 0, 0, 1)}, Host{host_mac(2), ipv4(10, 0, 0, 2)}, 53001, 53, {}});
  flow.send(Side::client, test::hex("01"));
  flow.send(Side::server, test::hex("02"));
  const auto a = test::parse_frame(sink.frames[0].bytes);
  const auto b = test::parse_frame(sink.frames[1].bytes);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->dst_port, 53);
  EXPECT_EQ(b->src_port, 53);
  EXPECT_EQ(b->dst_port, 53001);
}

}  // namespace
}  // namespace normwatch::tools::capgen
