// Requests of every public function parse to their fields (vectors from the examples of the
// Modbus Application Protocol v1.1b3 §6), and unknown or vendor functions keep their raw bytes.
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

std::vector<bool> bits_of(const Pdu& pdu) {
  std::vector<bool> out;
  const BitView bits = pdu.bits();
  for (std::size_t i = 0; i < bits.size(); ++i) out.push_back(bits[i]);
  return out;
}

TEST(ModbusRequest, MbapHeaderFields) {
  const auto p = parse("03 00 6B 00 03", Direction::request, 0x1234, 0x11);
  EXPECT_EQ(p.pdu.mbap.transaction_id, 0x1234);
  EXPECT_EQ(p.pdu.mbap.protocol_id, 0);
  EXPECT_EQ(p.pdu.mbap.length, 6);
  EXPECT_EQ(p.pdu.mbap.unit_id, 0x11);
}

TEST(ModbusRequest, ReadsGiveAddressAndQuantity) {
  EXPECT_EQ(describe_text(parse("01 00 13 00 13", Direction::request).pdu), "tid=1 unit=1 fc=1 response=false addr=19 qty=19");
  EXPECT_EQ(describe_text(parse("02 00 C4 00 16", Direction::request).pdu), "tid=1 unit=1 fc=2 response=false addr=196 qty=22");
  EXPECT_EQ(describe_text(parse("03 00 6B 00 03", Direction::request).pdu), "tid=1 unit=1 fc=3 response=false addr=107 qty=3");
  EXPECT_EQ(describe_text(parse("04 00 08 00 01", Direction::request).pdu), "tid=1 unit=1 fc=4 response=false addr=8 qty=1");
}

TEST(ModbusRequest, WriteSingleCoilIsOneBit) {
  const auto p = parse("05 00 AC FF 00", Direction::request);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=5 response=false addr=172");
  EXPECT_EQ(p.pdu.value, 0xFF00);
  EXPECT_EQ(bits_of(p.pdu), std::vector<bool>{true});
  EXPECT_TRUE(p.pdu.is_write());
  EXPECT_EQ(bits_of(parse("05 00 AC 00 00", Direction::request).pdu), std::vector<bool>{false});
}

TEST(ModbusRequest, WriteSingleRegisterIsOneRegister) {
  const auto p = parse("06 00 01 00 03", Direction::request);
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=6 response=false addr=1");
  EXPECT_EQ(registers_of(p.pdu), std::vector<std::uint16_t>{3});
}

TEST(ModbusRequest, FunctionsWithoutData) {
  for (const char* pdu : {"07", "0B", "0C", "11"}) {
    const auto p = parse(pdu, Direction::request);
    EXPECT_EQ(reason(p.pdu), "") << pdu;
    EXPECT_TRUE(p.pdu.body.empty());
  }
}

TEST(ModbusRequest, WriteMultipleCoilsExposesEveryBit) {
  const auto p = parse("0F 00 13 00 0A 02 CD 01", Direction::request);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=15 response=false addr=19 qty=10");
  EXPECT_EQ(bits_of(p.pdu), (std::vector<bool>{true, false, true, true, false, false, true, true, true, false}));
}

TEST(ModbusRequest, WriteMultipleRegistersExposesEveryRegister) {
  const auto p = parse("10 00 01 00 02 04 00 0A 01 02", Direction::request);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=16 response=false addr=1 qty=2");
  EXPECT_EQ(registers_of(p.pdu), (std::vector<std::uint16_t>{10, 258}));
}

TEST(ModbusRequest, ReadFileRecordListsSubRequests) {
  const auto p = parse("14 0E 06 00 04 00 01 00 02 06 00 03 00 09 00 02", Direction::request);
  EXPECT_EQ(reason(p.pdu), "");
  const FileRecordView records = p.pdu.file_records();
  ASSERT_EQ(records.count(), 2U);
  FileRecord rec;
  const auto next = records.next(0, rec);
  ASSERT_TRUE(next);
  EXPECT_EQ(rec.reference_type, 6);
  EXPECT_EQ(rec.file_number, 4);
  EXPECT_EQ(rec.record_number, 1);
  EXPECT_EQ(rec.record_length, 2);
  ASSERT_TRUE(records.next(*next, rec));
  EXPECT_EQ(rec.file_number, 3);
  EXPECT_EQ(rec.record_number, 9);
}

TEST(ModbusRequest, WriteFileRecordCarriesRecordData) {
  const auto p = parse("15 0D 06 00 04 00 07 00 03 06 AF 04 BE 10 0D", Direction::request);
  EXPECT_EQ(reason(p.pdu), "");
  FileRecord rec;
  ASSERT_TRUE(p.pdu.file_records().next(0, rec));
  EXPECT_EQ(rec.file_number, 4);
  EXPECT_EQ(rec.record_number, 7);
  ASSERT_EQ(rec.data.size(), 3U);
  EXPECT_EQ(rec.data[0], 0x06AF);
  EXPECT_EQ(rec.data[2], 0x100D);
}

TEST(ModbusRequest, MaskWriteRegister) {
  const auto p = parse("16 00 04 00 F2 00 25", Direction::request);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=22 response=false addr=4");
  EXPECT_EQ(p.pdu.and_mask, 0x00F2);
  EXPECT_EQ(p.pdu.or_mask, 0x0025);
}

TEST(ModbusRequest, ReadWriteMultipleRegistersGivesBothRanges) {
  const auto p = parse("17 00 03 00 06 00 0E 00 03 06 00 FF 00 FF 00 FF", Direction::request);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=23 response=false addr=3 qty=6 waddr=14 wqty=3");
  EXPECT_EQ(registers_of(p.pdu), (std::vector<std::uint16_t>{255, 255, 255}));
}

TEST(ModbusRequest, ReadFifoQueue) {
  const auto p = parse("18 04 DE", Direction::request);
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=24 response=false addr=1246");
}

TEST(ModbusRequest, ReadDeviceIdentification) {
  const auto p = parse("2B 0E 03 01", Direction::request);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=43 response=false sub=14");
  EXPECT_EQ(p.pdu.read_device_id_code, 3);
  EXPECT_EQ(p.pdu.object_id, 1);
}

TEST(ModbusRequest, CanopenGeneralReferenceKeepsData) {
  const auto p = parse("2B 0D 00 01 02", Direction::request);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(p.pdu.sub, 13);
  EXPECT_EQ(core::to_hex(p.pdu.data), "000102");
  EXPECT_EQ(p.pdu.note, Anomaly::kCount);
}

TEST(ModbusRequest, ReservedMeiTypeIsANote) {
  const auto p = parse("2B 05 01", Direction::request);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(p.pdu.note, Anomaly::reserved_sub_function);
}

TEST(ModbusRequest, EveryDiagnosticSubFunctionParses) {
  for (int sub = 0; sub <= 0x14; ++sub) {
    if (sub >= 0x05 && sub <= 0x09) continue;
    if (sub == 0x13) continue;
    char text[32];
    std::snprintf(text, sizeof text, "08 00 %02X %s", sub, sub == 0x03 ? "3A 00" : "00 00");
    const auto p = parse(text, Direction::request);
    EXPECT_EQ(reason(p.pdu), "") << "sub " << sub;
    EXPECT_EQ(p.pdu.note, Anomaly::kCount) << "sub " << sub;
    EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=8 response=false sub=" + std::to_string(sub));
  }
}

TEST(ModbusRequest, DiagnosticReturnQueryDataTakesAnyData) {
  const auto p = parse("08 00 00 A5 37 01 02", Direction::request);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(core::to_hex(p.pdu.data), "a5370102");
}

TEST(ModbusRequest, DiagnosticRestartMayClearTheLog) {
  EXPECT_EQ(reason(parse("08 00 01 FF 00", Direction::request).pdu), "");
}

TEST(ModbusRequest, ReservedDiagnosticSubFunctionIsANoteNotMalformed) {
  for (const char* pdu : {"08 00 05 00 00", "08 00 13 00 00", "08 01 00"}) {
    const auto p = parse(pdu, Direction::request);
    EXPECT_EQ(reason(p.pdu), "") << pdu;
    EXPECT_EQ(p.pdu.note, Anomaly::reserved_sub_function) << pdu;
  }
}

TEST(ModbusRequest, UmasKeepsSessionAndSubCode) {
  const auto p = parse("5A 00 02", Direction::request);
  EXPECT_EQ(reason(p.pdu), "");
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=90 response=false sub=2");
  EXPECT_EQ(p.pdu.umas_session, 0);
  EXPECT_EQ(p.pdu.shape().category, FunctionCategory::program);
  const auto stop = parse("5A 12 41 FF 00", Direction::request);
  EXPECT_EQ(stop.pdu.sub, 0x41);
  EXPECT_EQ(stop.pdu.umas_session, 0x12);
  EXPECT_EQ(core::to_hex(stop.pdu.data), "ff00");
}

TEST(ModbusRequest, VendorAndUnknownFunctionsKeepRawCodeAndData) {
  for (const char* pdu : {"41 01 02 03", "5B 01 02 03", "64 01 02 03", "7E 01 02 03"}) {
    const auto p = parse(pdu, Direction::request);
    EXPECT_EQ(reason(p.pdu), "") << pdu;
    EXPECT_EQ(core::to_hex(p.pdu.data), "010203") << pdu;
    EXPECT_EQ(p.pdu.note, Anomaly::kCount) << pdu;
  }
  const auto p = parse("1D 00 00 00 00", Direction::request);
  EXPECT_EQ(p.pdu.fc(), 29);
  EXPECT_EQ(p.pdu.note, Anomaly::unassigned_function);
  EXPECT_EQ(describe_text(p.pdu), "tid=1 unit=1 fc=29 response=false");
  EXPECT_EQ(parse("00", Direction::request).pdu.note, Anomaly::unassigned_function);
}

TEST(ModbusFunctionTable, ClassesFollowTheSpec) {
  EXPECT_EQ(function_shape(3).cls, FunctionClass::public_code);
  EXPECT_EQ(function_shape(0x83).name, "read_holding_registers");
  EXPECT_EQ(function_shape(65).cls, FunctionClass::user_defined);
  EXPECT_EQ(function_shape(110).cls, FunctionClass::user_defined);
  EXPECT_EQ(function_shape(90).cls, FunctionClass::reserved);
  EXPECT_EQ(function_shape(91).cls, FunctionClass::reserved);
  EXPECT_EQ(function_shape(0).cls, FunctionClass::unassigned);
  EXPECT_EQ(function_shape(29).cls, FunctionClass::unassigned);
  EXPECT_EQ(function_shape(16).max_quantity, 123);
  EXPECT_EQ(function_shape(23).max_write_quantity, 121);
}

}  // namespace
}  // namespace normwatch::protocols::modbus
