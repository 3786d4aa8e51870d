// The capture generator's encoders against vectors from the specifications and from real
// captures: Internet checksum (RFC 1071 §3), CRC-16/DNP check value, DNP3 link frames seen in
// suricata-verify's dnp3-eve capture, Modbus ADUs, IEC 104 APDUs, background payloads.
#include <gtest/gtest.h>

#include <array>

#include "capgen/background_encoder.hpp"
#include "capgen/checksum.hpp"
#include "capgen/dnp3_encoder.hpp"
#include "capgen/frame_builder.hpp"
#include "capgen/iec104_encoder.hpp"
#include "capgen/modbus_encoder.hpp"
#include "tools/tools_test_helpers.hpp"

namespace normwatch::tools::capgen {
namespace {

using test::hex;

core::IpAddress test_ip() { return ipv4(10, 10, 2, 50); }

TEST(Checksum, Rfc1071Example) {
  // RFC 1071 §3: the sum of 0001 f203 f4f5 f6f7 is ddf2, so the checksum is its complement.
  EXPECT_EQ(internet_checksum(hex("00 01 f2 03 f4 f5 f6 f7")), 0x220D);
}

TEST(Checksum, OddLengthPadsWithZero) { EXPECT_EQ(internet_checksum(hex("01")), static_cast<std::uint16_t>(~0x0100)); }

TEST(Dnp3, Crc16CheckValue) {
  const std::string_view check = "123456789";
  EXPECT_EQ(dnp3::crc16(ByteView(reinterpret_cast<const std::uint8_t*>(check.data()), check.size())), 0xEA82);
}

TEST(Dnp3, LinkFrameMatchesRealCapture) {
  // suricata-verify tests/dnp3/dnp3-eve frame 4: enable unsolicited, master 1 -> outstation 10.
  const Bytes user_data = hex("c0 c0 15 3c 02 06 3c 03 06 3c 04 06");
  EXPECT_EQ(dnp3::link_frame(dnp3::kLinkFromMaster, 10, 1, user_data),
            hex("05 64 11 c4 0a 00 01 00 06 15 c0 c0 15 3c 02 06 3c 03 06 3c 04 06 1a 55"));
  // Frame 6: the outstation's null unsolicited response with IIN1.7 (device restart).
  EXPECT_EQ(dnp3::link_frame(dnp3::kLinkFromOutstation, 1, 10, hex("c0 f0 82 80 00")),
            hex("05 64 0a 44 01 00 0a 00 6e 25 c0 f0 82 80 00 6b 7d"));
}

TEST(Dnp3, UserDataGetsACrcPerSixteenBytes) {
  const Bytes data(20, 0xAB);
  const Bytes frame = dnp3::link_frame(dnp3::kLinkFromMaster, 10, 1, data);
  ASSERT_EQ(frame.size(), 10u + 16 + 2 + 4 + 2);
  EXPECT_EQ(frame[2], 25);  // length: 5 header octets after LENGTH + 20 user data, no CRCs
  const std::uint16_t block_crc = dnp3::crc16(ByteView(frame).subspan(10, 16));
  EXPECT_EQ(frame[26], block_crc & 0xFF);
  EXPECT_EQ(frame[27], block_crc >> 8);
}

TEST(Dnp3, LongFragmentSpansTransportSegments) {
  const Bytes fragment(532, 0x11);
  std::uint8_t seq = 62;
  const auto frames = dnp3::link_frames_for(dnp3::kLinkFromOutstation, 1, 10, fragment, seq);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0][2], 255);         // 5 + transport header + 249 bytes
  EXPECT_EQ(frames[0][10], 0x40 | 62);  // FIR
  EXPECT_EQ(frames[1][10], 63);         // neither FIR nor FIN
  EXPECT_EQ(frames[2][10], 0x80 | 0);   // FIN, sequence wrapped at 64
  EXPECT_EQ(frames[2][2], 5 + 1 + (532 - 2 * 249));
  EXPECT_EQ(seq, 1);
}

TEST(Dnp3, ResponseObjects) {
  const std::array<bool, 2> inputs{true, false};
  const std::array<std::int32_t, 1> analogs{-2};
  const auto f =
      dnp3::Fragment::response(0xC3, dnp3::kResponse, 0x00, 0x00).binary_inputs(4, inputs).analog_inputs(7, analogs);
  EXPECT_EQ(f.bytes(), hex("c3 81 00 00  01 02 00 04 05 81 01  1e 01 01 07 00 07 00 01 fe ff ff ff"));
}

TEST(Modbus, ReadRequestAdu) {
  EXPECT_EQ(modbus::adu(1, 1, modbus::read_request(modbus::kReadHoldingRegisters, 0, 10)),
            hex("00 01 00 00 00 06 01 03 00 00 00 0a"));
}

TEST(Modbus, CoilsPackLsbFirst) {
  const std::array<bool, 10> coils{true, false, true, true, false, false, false, false, false, true};
  EXPECT_EQ(modbus::read_bits_response(modbus::kReadCoils, coils), hex("01 02 0d 02"));
}

TEST(Modbus, WritesAndException) {
  const std::array<std::uint16_t, 2> values{0x000A, 0x0102};
  EXPECT_EQ(modbus::write_multiple_registers_request(1, values), hex("10 00 01 00 02 04 00 0a 01 02"));
  EXPECT_EQ(modbus::write_multiple_registers_response(1, 2), hex("10 00 01 00 02"));
  EXPECT_EQ(modbus::write_single_register(1, 3), hex("06 00 01 00 03"));
  EXPECT_EQ(modbus::exception_response(3, 2), hex("83 02"));
}

TEST(Iec104, UAndSFrames) {
  EXPECT_EQ(iec104::u_frame(iec104::kStartDtAct), hex("68 04 07 00 00 00"));
  EXPECT_EQ(iec104::u_frame(iec104::kTestFrCon), hex("68 04 83 00 00 00"));
  EXPECT_EQ(iec104::s_frame(5), hex("68 04 01 00 0a 00"));
}

TEST(Iec104, GeneralInterrogationActivation) {
  const iec104::Asdu gi = iec104::Asdu(iec104::kCIcNa1, iec104::kCotActivation, 1).interrogation(0, 20);
  EXPECT_EQ(iec104::i_frame(0, 0, gi.bytes()), hex("68 0e 00 00 00 00 64 01 06 00 01 00 00 00 00 14"));
}

TEST(Iec104, SequenceNumbersAdvanceAndWrap) {
  iec104::Counters station;
  iec104::Counters rtu;
  rtu.send = 0x7FFF;
  const iec104::Asdu asdu = iec104::Asdu(iec104::kMMeNc1, iec104::kCotSpontaneous, 1).measured_float(1001, 1.0f, 0);
  const Bytes frame = iec104::next_i_frame(rtu, station, asdu.bytes());
  EXPECT_EQ(frame[2], 0xFE);  // N(S) 0x7FFF shifted left by one
  EXPECT_EQ(frame[3], 0xFF);
  EXPECT_EQ(rtu.send, 0);
  EXPECT_EQ(station.receive, 1);
  // IOA 1001 = 0x0003E9, then 1.0f = 0x3F800000 little-endian, then QDS.
  EXPECT_EQ(Bytes(frame.end() - 8, frame.end()), hex("e9 03 00 00 00 80 3f 00"));
}

TEST(Iec104, SingleCommandSelectBit) {
  const auto select = iec104::Asdu(iec104::kCScNa1, iec104::kCotActivation, 1).single_command(2002, true, true);
  EXPECT_EQ(select.bytes(), hex("2d 01 06 00 01 00 d2 07 00 81"));
  const auto negative =
      iec104::Asdu(iec104::kCScNa1, iec104::kCotActivationCon, 1, true).single_command(2002, false, false);
  EXPECT_EQ(negative.bytes()[2], 0x47);
}

TEST(Background, DnsQueryAndResponse) {
  EXPECT_EQ(background::dns_query(0x1234, "a.bc"),
            hex("12 34 01 00 00 01 00 00 00 00 00 00 01 61 02 62 63 00 00 01 00 01"));
  const Bytes response = background::dns_response(0x1234, "a.bc", test_ip(), 60);
  EXPECT_EQ(Bytes(response.end() - 16, response.end()), hex("c0 0c 00 01 00 01 00 00 00 3c 00 04 0a 0a 02 32"));
}

TEST(Background, HttpContentLengthMatchesBody) {
  const Bytes r = background::http_response("hello");
  const std::string text(r.begin(), r.end());
  EXPECT_NE(text.find("Content-Length: 5\r\n\r\nhello"), std::string::npos);
}

TEST(Background, NtpPackets) {
  const Bytes client = background::ntp_client(1'767'225'600'500'000);
  ASSERT_EQ(client.size(), 48u);
  EXPECT_EQ(client[0], 0x23);
  // 2026-01-01 is 3,976,214,400 s after 1900 (0xED003780); half a second is fraction 0x80000000.
  EXPECT_EQ(Bytes(client.end() - 8, client.end()), hex("ed 00 37 80 80 00 00 00"));
  EXPECT_EQ(background::ntp_server(0, 0, 0).size(), 48u);
}

}  // namespace
}  // namespace normwatch::tools::capgen
