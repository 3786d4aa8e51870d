// Responses of every public function and exception responses parse to their fields (Modbus
// Application Protocol v1.1b3 §6 examples, §7 exceptions).
#include <gtest/gtest.h>

#include "normwatch/core/hex.hpp"
#include "normwatch/protocols/modbus/parser.hpp"
#include "protocols/modbus/sink_helpers.hpp"

namespace normwatch::protocols::modbus {
namespace {

using testing::describe_text;
using testing::parse;
using testing::reason;

std::vector<std::uint16_t> registers_of(const Pdu& pdu) {
  std::vector<std::uint16_t> out;
  for (const auto r : pdu.registers()) out.push_back(r);
  return out;
}

TEST(ModbusResponse, ReadCoilsKeepsPackedBits) {
  const auto p = parse("01 03 CD 6B 05", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=1 response=true");
  EXPECT_EQ(p.pdu.byte_count, 3);
  ASSERT_EQ(p.pdu.bits().size(), 24U);  // until paired with the request's quantity
  EXPECT_TRUE(p.pdu.bits()[0]);
  EXPECT_FALSE(p.pdu.bits()[1]);
}

TEST(ModbusResponse, ReadHoldingRegistersGivesValues) {
  const auto p = parse("03 06 02 2B 00 00 00 64", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(registers_of(p.pdu), (std::vector<std::uint16_t>{555, 0, 100}));
}

TEST(ModbusResponse, WritesEchoAddressAndValueOrQuantity) {
  EXPECT_EQ(describe_text(parse("05 00 AC FF 00", Direction::response).pdu), "tid=1 unit=1 fc=5 response=true addr=172");
  EXPECT_EQ(describe_text(parse("06 00 01 00 03", Direction::response).pdu), "tid=1 unit=1 fc=6 response=true addr=1");
  EXPECT_EQ(describe_text(parse("0F 00 13 00 0A", Direction::response).pdu), "tid=1 unit=1 fc=15 response=true addr=19 qty=10");
  EXPECT_EQ(describe_text(parse("10 00 01 00 02", Direction::response).pdu), "tid=1 unit=1 fc=16 response=true addr=1 qty=2");
  EXPECT_EQ(reason(parse("16 00 04 00 F2 00 25", Direction::response).pdu), "");
  EXPECT_EQ(reason(parse("15 0D 06 00 04 00 07 00 03 06 AF 04 BE 10 0D", Direction::response).pdu), "");
}

TEST(ModbusResponse, ExceptionStatus) {
  const auto p = parse("07 6D", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(p.pdu.status, 0x6D);
}

TEST(ModbusResponse, DiagnosticCountersReturnValues) {
  const auto p = parse("08 00 0B 01 2C", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=8 response=true sub=11");
  EXPECT_EQ(core::to_hex(p.pdu.data), "012c");
  EXPECT_EQ(reason(parse("08 00 02 12 34", Direction::response).pdu), "");
  EXPECT_EQ(reason(parse("08 00 0A 00 00", Direction::response).pdu), "");
}

TEST(ModbusResponse, CommEventCounter) {
  const auto p = parse("0B FF FF 01 08", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(p.pdu.status, 0xFFFF);
  EXPECT_EQ(p.pdu.event_count, 264);
}

TEST(ModbusResponse, CommEventLog) {
  const auto p = parse("0C 08 00 00 01 08 01 21 20 00", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(p.pdu.event_count, 264);
  EXPECT_EQ(p.pdu.message_count, 289);
  EXPECT_EQ(core::to_hex(p.pdu.data), "2000");
}

TEST(ModbusResponse, ReportServerId) {
  // From suricata-verify tests/modbus/modbus.pcap frame 41.
  const auto p = parse("11 12 00 FF 57 69 6E 67 70 61 74 68 20 4C 69 6D 69 74 65 64", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(p.pdu.byte_count, 18);
  EXPECT_EQ(p.pdu.data.size(), 18U);
}

TEST(ModbusResponse, ReadFileRecordSubResponses) {
  const auto p = parse("14 0C 05 06 0D FE 00 20 05 06 33 CD 00 40", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  const FileRecordView records = p.pdu.file_records();
  ASSERT_EQ(records.count(), 2U);
  FileRecord rec;
  const auto next = records.next(0, rec);
  ASSERT_TRUE(next);
  EXPECT_EQ(rec.record_length, 2);
  EXPECT_EQ(rec.data[0], 0x0DFE);
  ASSERT_TRUE(records.next(*next, rec));
  EXPECT_EQ(rec.data[1], 0x0040);
}

TEST(ModbusResponse, ReadWriteMultipleRegistersReturnsReadValues) {
  const auto p = parse("17 0C 00 FE 0A CD 00 01 00 03 00 0D 00 FF", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(registers_of(p.pdu).size(), 6U);
}

TEST(ModbusResponse, ReadFifoQueue) {
  const auto p = parse("18 00 06 00 02 01 B8 12 84", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(p.pdu.fifo_count, 2);
  EXPECT_EQ(registers_of(p.pdu), (std::vector<std::uint16_t>{440, 4740}));
}

TEST(ModbusResponse, DeviceIdentificationObjects) {
  const auto p = parse("2B 0E 01 01 00 00 03 00 03 41 42 43 01 02 58 59 02 04 56 32 2E 31", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=43 response=true sub=14");
  EXPECT_EQ(p.pdu.read_device_id_code, 1);
  EXPECT_EQ(p.pdu.conformity_level, 1);
  EXPECT_EQ(p.pdu.more_follows, 0);
  EXPECT_EQ(p.pdu.next_object_id, 0);
  EXPECT_EQ(p.pdu.object_count, 3);
  const DeviceObjectView objects = p.pdu.device_objects();
  ASSERT_EQ(objects.count(), 3U);
  DeviceObject obj;
  std::size_t offset = 0;
  std::vector<std::string> seen;
  while (const auto next = objects.next(offset, obj)) {
    seen.push_back(std::to_string(obj.id) + ":" + std::string(reinterpret_cast<const char*>(obj.value.data()), obj.value.size()));
    offset = *next;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"0:ABC", "1:XY", "2:V2.1"}));
}

TEST(ModbusResponse, DeviceIdentificationWithMoreToFollow) {
  const auto p = parse("2B 0E 02 82 FF 05 01 05 03 56 32 2E", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(p.pdu.more_follows, 0xFF);
  EXPECT_EQ(p.pdu.next_object_id, 5);
}

TEST(ModbusResponse, UmasStatusIsNotTheSubCode) {
  const auto p = parse("5A 00 FE 01 02", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(p.pdu.status, 0xFE);
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=90 response=true");
}

TEST(ModbusResponse, ExceptionClearsTheBitAndGivesTheCode) {
  const auto p = parse("83 02", Direction::response);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_TRUE(p.pdu.is_exception());
  EXPECT_EQ(p.pdu.fc(), 3);
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=3 response=true exception=2");
}

TEST(ModbusResponse, ExceptionIsAResponseWhicheverDirectionIsAsked) {
  const auto p = parse("81 06", Direction::request);
  EXPECT_TRUE(p.pdu.is_response());
  EXPECT_EQ(p.pdu.exception_code, 6);
}

TEST(ModbusResponse, ExceptionOfVendorFunction) {
  EXPECT_EQ(describe_text(parse("DA 01", Direction::response).pdu), "tid=1 unit=1 fc=90 response=true exception=1");
}

}  // namespace
}  // namespace normwatch::protocols::modbus
