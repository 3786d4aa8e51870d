// MBAP framing verdicts (TCP implementation guide §3.1.3): complete / need_more / invalid, the
// stricter checks while resynchronising, and the tolerated over-long lengths.
#include <gtest/gtest.h>

#include <vector>

#include "normwatch/protocols/modbus/parser.hpp"
#include "protocols/modbus/sink_helpers.hpp"

namespace normwatch::protocols::modbus {
namespace {

FrameVerdict frame(std::string_view hex_text, FramingMode mode = FramingMode::in_sync) {
  const auto bytes = testing::hex(hex_text);
  return frame_mbap(bytes, mode, FramerLimits{});
}

TEST(ModbusFramer, CompleteAdu) {
  const auto v = frame("00 01 00 00 00 06 01 03 00 00 00 0A");
  EXPECT_EQ(v.status, FrameStatus::complete);
  EXPECT_EQ(v.size, 12U);
}

TEST(ModbusFramer, FirstOfTwoAdus) {
  const auto v = frame("00 01 00 00 00 06 01 03 00 00 00 0A 00 02 00 00 00 06");
  EXPECT_EQ(v.status, FrameStatus::complete);
  EXPECT_EQ(v.size, 12U);
}

TEST(ModbusFramer, AsksForTheHeaderThenTheWholeAdu) {
  EXPECT_EQ(frame("").status, FrameStatus::need_more);
  EXPECT_EQ(frame("00 01").size, 8U);
  const auto v = frame("00 01 00 00 00 06 01 03");
  EXPECT_EQ(v.status, FrameStatus::need_more);
  EXPECT_EQ(v.size, 12U);
}

TEST(ModbusFramer, NonZeroProtocolIdIsInvalid) {
  const auto v = frame("00 01 00 10 00 06 0A 01 00 01 00 03");
  EXPECT_EQ(v.status, FrameStatus::invalid);
  EXPECT_EQ(v.reason, "modbus.bad_protocol_id");
}

TEST(ModbusFramer, ImpossibleLengthIsInvalid) {
  EXPECT_EQ(frame("00 01 00 00 00 00").reason, "modbus.bad_length");
  EXPECT_EQ(frame("00 01 00 00 00 01 01").reason, "modbus.bad_length");
  EXPECT_EQ(frame("00 01 00 00 01 05 01 03").reason, "modbus.bad_length");  // 261 > tolerated 260
}

TEST(ModbusFramer, ToleratesVendorLengthsInSyncOnly) {
  EXPECT_EQ(frame("00 07 00 00 00 FF 00 5A").status, FrameStatus::need_more);
  EXPECT_EQ(frame("00 07 00 00 00 FF 00 5A", FramingMode::resync).status, FrameStatus::invalid);
}

TEST(ModbusFramer, ResyncWantsAPlausibleFunctionAndSize) {
  // FC 0 and unassigned codes are framed in sync (function-code scans use them) but not believed
  // while resynchronising.
  EXPECT_EQ(frame("00 00 00 00 00 06 01 00 00 00 00 00").status, FrameStatus::complete);
  EXPECT_EQ(frame("00 00 00 00 00 06 01 00 00 00 00 00", FramingMode::resync).reason, "modbus.resync");
  EXPECT_EQ(frame("00 00 00 00 00 06 01 1D 00 00 00 00", FramingMode::resync).status, FrameStatus::invalid);
  // FC5 is always 5 bytes; FC3 never 2.
  EXPECT_EQ(frame("00 00 00 00 00 04 01 05 00 00", FramingMode::resync).status, FrameStatus::invalid);
  EXPECT_EQ(frame("00 00 00 00 00 06 01 05 00 00 FF 00", FramingMode::resync).status, FrameStatus::complete);
  EXPECT_EQ(frame("00 00 00 00 00 03 01 83 02", FramingMode::resync).status, FrameStatus::complete);
  EXPECT_EQ(frame("00 00 00 00 00 04 01 83 02 00", FramingMode::resync).status, FrameStatus::invalid);
}

TEST(ModbusFramer, PlausiblePduSizes) {
  EXPECT_TRUE(plausible_pdu(3, 5));   // request
  EXPECT_TRUE(plausible_pdu(3, 4));   // response with one register
  EXPECT_FALSE(plausible_pdu(3, 2));
  EXPECT_TRUE(plausible_pdu(0x83, 2));
  EXPECT_FALSE(plausible_pdu(0x80, 2));
  EXPECT_TRUE(plausible_pdu(90, 3));
  EXPECT_TRUE(plausible_pdu(65, 1));
  EXPECT_FALSE(plausible_pdu(29, 5));
}

TEST(ModbusFramer, ResyncRefusesFunctionsWithoutALayout) {
  EXPECT_FALSE(plausible_resync_pdu(65, 4));   // user-defined: any bytes would fit
  EXPECT_FALSE(plausible_resync_pdu(42, 4));   // legacy reserved
  EXPECT_TRUE(plausible_resync_pdu(90, 3));    // UMAS has a layout
  EXPECT_TRUE(plausible_resync_pdu(3, 5));
}

TEST(ModbusFramer, SegmentAlignment) {
  EXPECT_TRUE(segment_aligned(testing::hex("00 01 00 00 00 06 01 1D 00 00 00 00")));
  EXPECT_TRUE(segment_aligned(testing::hex("00 01 00 00 00 03 01 83 02 00 02 00 00 00 03 01 83 02")));
  EXPECT_FALSE(segment_aligned(testing::hex("00 01 00 00 00 06 01 1D 00 00 00")));
  EXPECT_FALSE(segment_aligned(testing::hex("00 01 00 00 00 06 01 1D 00 00 00 00 00")));
  EXPECT_FALSE(segment_aligned(testing::hex("")));
  EXPECT_FALSE(segment_aligned(testing::hex("00 01 00 05 00 06 01 03 00 00 00 01")));
}

TEST(ModbusFramer, ShapeFitTellsRequestsFromResponses) {
  const auto request = testing::adu("03 00 05 00 02");
  EXPECT_TRUE(fit_directions(request).request);
  EXPECT_FALSE(fit_directions(request).response);
  const auto response = testing::adu("03 04 00 09 00 18");
  EXPECT_FALSE(fit_directions(response).request);
  EXPECT_TRUE(fit_directions(response).response);
  const auto echo = testing::adu("06 00 05 00 0B");
  EXPECT_TRUE(fit_directions(echo).request);
  EXPECT_TRUE(fit_directions(echo).response);
  const auto exception = testing::adu("83 02");
  EXPECT_FALSE(fit_directions(exception).request);
  EXPECT_TRUE(fit_directions(exception).response);
}

// is_one_adu is the session's shortcut for "frame_mbap in sync finds one complete ADU that is
// the whole chunk": the two must agree on every input. Lengths, protocol ids and chunk sizes
// around every boundary (header size, 2..254, the tolerated 255..260 and beyond), both limits.
TEST(ModbusFramer, OneAduShortcutAgreesWithTheFramer) {
  std::vector<std::byte> bytes;
  int checked = 0;
  for (const std::uint16_t tolerated : {std::uint16_t{254}, std::uint16_t{260}}) {
    const FramerLimits limits{tolerated};
    for (const std::uint16_t protocol : {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{0x0100}}) {
      for (unsigned length = 0; length <= 270; ++length) {
        for (std::size_t size = 0; size <= 280; size += (size < 12 || (size + 8 > length && size < length + 9)) ? 1 : 7) {
          bytes.assign(size, std::byte{0x11});
          const std::uint8_t header[6] = {0x00, 0x01, static_cast<std::uint8_t>(protocol >> 8),
                                          static_cast<std::uint8_t>(protocol), static_cast<std::uint8_t>(length >> 8),
                                          static_cast<std::uint8_t>(length)};
          for (std::size_t k = 0; k < 6 && k < size; ++k) bytes[k] = std::byte{header[k]};
          const FrameVerdict v = frame_mbap(bytes, FramingMode::in_sync, limits);
          const bool framer_says = v.status == FrameStatus::complete && v.size == bytes.size();
          ASSERT_EQ(is_one_adu(bytes, limits), framer_says)
              << "tolerated " << tolerated << " protocol " << protocol << " length " << length << " size " << size;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 10000);
}

}  // namespace
}  // namespace normwatch::protocols::modbus
