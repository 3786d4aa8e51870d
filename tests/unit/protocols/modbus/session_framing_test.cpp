// The session's stream handling: several ADUs per segment, one ADU over many segments,
// resynchronisation after a bad protocol id, a bad length or a gap, vendor over-long lengths,
// malformed PDUs that do not stop the flow (Zeek #3211), and UDP datagrams.
#include <gtest/gtest.h>

#include "normwatch/protocols/modbus/session.hpp"
#include "protocols/modbus/sink_helpers.hpp"

namespace normwatch::protocols::modbus {
namespace {

using testing::adu;
using testing::hex;
using testing::RecordingSink;

class ModbusSessionFraming : public ::testing::Test {
 protected:
  void send(Side from, const std::vector<std::byte>& bytes, std::uint64_t frame, bool gap = false) {
    session.on_stream(from, bytes, gap, SegmentContext{frame, core::Timestamp{}});
  }
  static std::vector<std::byte> join(std::initializer_list<std::vector<std::byte>> parts) {
    std::vector<std::byte> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  }
  RecordingSink sink;
  ModbusSession session{sink};
};

TEST_F(ModbusSessionFraming, SeveralAdusInOneSegment) {
  send(Side::client, join({adu("03 00 00 00 01", 1), adu("03 00 10 00 02", 2), adu("06 00 01 00 03", 3)}), 1);
  EXPECT_EQ(sink.fields(), (std::vector<std::string>{"tid=1 unit=1 fc=3 response=false addr=0 qty=1",
                                                     "tid=2 unit=1 fc=3 response=false addr=16 qty=2",
                                                     "tid=3 unit=1 fc=6 response=false addr=1"}));
  EXPECT_TRUE(sink.anomalies.empty());
}

TEST_F(ModbusSessionFraming, OneAduAcrossManySegmentsReportsTheLastFrame) {
  const auto bytes = adu("10 00 01 00 02 04 00 0A 01 02", 7);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    send(Side::client, std::vector<std::byte>{bytes[i]}, 100 + i);
  }
  ASSERT_EQ(sink.pdus.size(), 1U);
  EXPECT_EQ(sink.pdus[0].frame_no, 100 + bytes.size() - 1);
  EXPECT_EQ(sink.pdus[0].registers, (std::vector<std::uint16_t>{10, 258}));
}

TEST_F(ModbusSessionFraming, BadProtocolIdResynchronisesOnTheNextHeader) {
  // suricata-verify modbus.pcap frame 80: protocol id 0x0010.
  send(Side::client, join({hex("00 01 00 10 00 06 0A 01 00 01 00 03"), adu("03 00 00 00 01", 2)}), 1);
  ASSERT_EQ(sink.pdus.size(), 1U);
  EXPECT_EQ(sink.pdus[0].fields, "tid=2 unit=1 fc=3 response=false addr=0 qty=1");
  ASSERT_EQ(sink.anomaly_names(), std::vector<std::string>{"modbus.bad_protocol_id"});
  EXPECT_EQ(sink.anomalies[0].detail, "skipped 12 bytes to the next plausible MBAP header");
  EXPECT_EQ(session.counters().resyncs, 1U);
  EXPECT_EQ(session.counters().bytes_skipped, 12U);
}

TEST_F(ModbusSessionFraming, BadLengthResynchronises) {
  send(Side::client, join({hex("00 00 00 00 00 00"), adu("01 00 00 00 08", 9)}), 1);
  ASSERT_EQ(sink.pdus.size(), 1U);
  EXPECT_EQ(sink.pdus[0].fields, "tid=9 unit=1 fc=1 response=false addr=0 qty=8");
  EXPECT_EQ(sink.anomaly_names(), std::vector<std::string>{"modbus.bad_length"});
}

TEST_F(ModbusSessionFraming, GarbageInsideTheStreamIsOneEpisode) {
  send(Side::client, join({adu("03 00 00 00 01", 1), hex("de ad be ef 00 11 22 33 44 55"), adu("03 00 00 00 01", 2)}), 1);
  EXPECT_EQ(sink.pdus.size(), 2U);
  EXPECT_EQ(sink.count("modbus.bad_protocol_id"), 1U);
  EXPECT_EQ(session.counters().bytes_skipped, 10U);
}

TEST_F(ModbusSessionFraming, VendorLengthIsFramedAndReportedMalformed) {
  std::string pdu = "5A 00 0A 00";
  for (int i = 0; i < 250; ++i) pdu += " 54";
  send(Side::client, join({adu(pdu, 7), adu("5A 00 02", 8)}), 1);
  ASSERT_EQ(sink.pdus.size(), 2U);
  EXPECT_EQ(sink.pdus[0].malformed, "mbap length 255 > 254");
  EXPECT_EQ(sink.pdus[0].fields, "tid=7 unit=1 fc=90 response=false sub=10");
  EXPECT_EQ(sink.pdus[1].malformed, "");
  EXPECT_EQ(sink.anomaly_names(), std::vector<std::string>{"modbus.bad_length"});
}

TEST_F(ModbusSessionFraming, GapDropsThePartialFrameAndResynchronises) {
  const auto first = adu("03 00 00 00 01", 1);
  send(Side::client, std::vector<std::byte>(first.begin(), first.begin() + 5), 1);
  // After the hole: the tail of some ADU, then a whole one.
  send(Side::client, join({hex("00 07 00 01"), adu("03 00 04 00 01", 2)}), 2, true);
  ASSERT_EQ(sink.pdus.size(), 1U);
  EXPECT_EQ(sink.pdus[0].fields, "tid=2 unit=1 fc=3 response=false addr=4 qty=1");
  ASSERT_EQ(sink.anomaly_names(), std::vector<std::string>{"modbus.gap_resync"});
  EXPECT_EQ(sink.anomalies[0].detail, "after a gap: skipped 4 bytes, dropped a partial frame of 5 bytes");
  EXPECT_EQ(session.counters().gaps, 1U);
  EXPECT_EQ(session.counters().partial_frames_dropped, 1U);
}

TEST_F(ModbusSessionFraming, GapAtAFrameBoundaryIsStillReportedOnce) {
  send(Side::client, adu("03 00 00 00 01", 1), 1);
  send(Side::client, adu("03 00 00 00 01", 5), 9, true);
  EXPECT_EQ(sink.pdus.size(), 2U);
  ASSERT_EQ(sink.anomaly_names(), std::vector<std::string>{"modbus.gap_resync"});
  EXPECT_EQ(sink.anomalies[0].frame_no, 9U);
}

TEST_F(ModbusSessionFraming, SegmentOfWholeAdusEndsResyncAtOnce) {
  // After a gap, strict resync would not believe function 29; a segment that is exactly one ADU
  // starts at a frame boundary, so it is decoded (zeek fuzz-72.pcap has such segments).
  send(Side::client, adu("03 00 00 00 01", 1), 1);
  send(Side::client, adu("1D 00 00 00 00", 2), 5, true);
  ASSERT_EQ(sink.pdus.size(), 2U);
  EXPECT_EQ(sink.pdus[1].fields, "tid=2 unit=1 fc=29 response=false");
  EXPECT_EQ(sink.count("modbus.gap_resync"), 1U);
}

TEST_F(ModbusSessionFraming, MalformedPdusNeverStopTheFlow) {
  // A function-code scan (Zeek #3211 lost all but 5): every PDU is reported.
  std::vector<std::byte> scan;
  for (int fc = 0; fc < 128; ++fc) {
    char text[32];
    std::snprintf(text, sizeof text, "%02X 00 00 00 00", fc);
    const auto one = adu(text, static_cast<std::uint16_t>(fc));
    scan.insert(scan.end(), one.begin(), one.end());
  }
  send(Side::client, scan, 1);
  EXPECT_EQ(sink.pdus.size(), 128U);
  EXPECT_EQ(session.counters().requests + session.counters().responses, 128U);
}

TEST_F(ModbusSessionFraming, MalformedPduIsBothARecordAndAnAnomaly) {
  send(Side::client, adu("03 00 00 00 00", 1), 1);
  ASSERT_EQ(sink.pdus.size(), 1U);
  EXPECT_EQ(sink.pdus[0].malformed, "qty 0 not in 1..125");
  ASSERT_EQ(sink.anomaly_names(), std::vector<std::string>{"modbus.bad_quantity"});
  EXPECT_EQ(sink.anomalies[0].detail, "qty 0 not in 1..125");
  EXPECT_EQ(session.counters().malformed, 1U);
  EXPECT_EQ(session.counters().anomaly(Anomaly::bad_quantity), 1U);
}

TEST_F(ModbusSessionFraming, UnassignedFunctionIsANote) {
  send(Side::client, adu("1D 00 00 00 00", 1), 1);
  ASSERT_EQ(sink.pdus.size(), 1U);
  EXPECT_EQ(sink.pdus[0].malformed, "");
  EXPECT_EQ(sink.anomaly_names(), std::vector<std::string>{"modbus.unassigned_function"});
}

TEST_F(ModbusSessionFraming, StreamEndingInsideAFrame) {
  const auto bytes = adu("03 00 00 00 01", 1);
  send(Side::client, std::vector<std::byte>(bytes.begin(), bytes.begin() + 9), 1);
  session.on_end(SegmentContext{2, {}});
  EXPECT_EQ(sink.count("modbus.incomplete_frame"), 1U);
  EXPECT_TRUE(sink.pdus.empty());
}

TEST_F(ModbusSessionFraming, DatagramsCarryWholeAdus) {
  const auto bytes = join({adu("03 00 00 00 01", 1), adu("03 00 05 00 01", 2)});
  session.on_datagram(Side::client, bytes, SegmentContext{1, {}});
  EXPECT_EQ(sink.pdus.size(), 2U);
  const auto cut = hex("00 03 00 00 00 06 01 03");
  session.on_datagram(Side::client, cut, SegmentContext{2, {}});
  EXPECT_EQ(sink.pdus.size(), 2U);
  EXPECT_EQ(sink.count("modbus.incomplete_frame"), 1U);
}

TEST_F(ModbusSessionFraming, BufferedBytesStayBounded) {
  // A header claiming the most the framer tolerates, never completed.
  send(Side::client, hex("00 01 00 00 01 04 01 03"), 1);
  for (int i = 0; i < 100; ++i) send(Side::client, std::vector<std::byte>(10, std::byte{0x41}), 2 + i);
  EXPECT_LE(session.counters().pdus, 10U);
}

}  // namespace
}  // namespace normwatch::protocols::modbus
