// PduFacts from the typed PDUs of the three protocols (issue 6 item 1): the fields rules match on
// come out of what the parsers decode.
#include <gtest/gtest.h>

#include "normwatch/rules/engine/facts_extract.hpp"
#include "rules/engine/engine_helpers.hpp"

namespace normwatch::rules::engine {
namespace {

using test::Dnp3Pdu;
using test::Iec104Pdu;
using test::ModbusPdu;

PduFacts facts_of(const protocols::PduRecord& r) {
  PduFacts f;
  EXPECT_TRUE(extract_facts(r, f));
  return f;
}

TEST(Facts, ModbusForceListenOnly) {
  ModbusPdu p("00 01 00 00 00 06 01 08 00 04 00 00", false);
  const PduFacts f = facts_of(p.record);
  EXPECT_EQ(f.protocol, protocols::ProtocolId::modbus);
  EXPECT_EQ(f.record, &p.record);
  EXPECT_TRUE(f.from_master);
  EXPECT_EQ(f.function, 8);
  EXPECT_EQ(f.sub, 4);
  EXPECT_EQ(f.exception, -1);
  EXPECT_EQ(f.unit, 1);
  EXPECT_EQ(f.function_class, FunctionClass::mode);
  EXPECT_FALSE(f.malformed);
}

TEST(Facts, ModbusWriteMultipleRegisters) {
  ModbusPdu p("00 02 00 00 00 0b 01 10 00 0a 00 02 04 00 01 00 02", false);
  const PduFacts f = facts_of(p.record);
  EXPECT_EQ(f.function, 16);
  EXPECT_EQ(f.function_class, FunctionClass::write);
  EXPECT_EQ(f.table, DataTable::holding_registers);
  EXPECT_EQ(f.address, 10);
  EXPECT_EQ(f.count, 2u);
}

TEST(Facts, ModbusSingleCoilAndException) {
  ModbusPdu coil("00 06 00 00 00 06 01 05 00 07 ff 00", false);
  const PduFacts c = facts_of(coil.record);
  EXPECT_EQ(c.table, DataTable::coils);
  EXPECT_EQ(c.address, 7);
  EXPECT_EQ(c.count, 1u);
  ModbusPdu ex("00 03 00 00 00 03 01 83 02", true);
  const PduFacts e = facts_of(ex.record);
  EXPECT_FALSE(e.from_master);
  EXPECT_EQ(e.function, 3);
  EXPECT_EQ(e.exception, 2);
}

TEST(Facts, ModbusUmasAndDeviceId) {
  ModbusPdu stop("00 04 00 00 00 04 01 5a 00 41", false);
  const PduFacts s = facts_of(stop.record);
  EXPECT_EQ(s.function, 90);
  EXPECT_EQ(s.sub, 0x41);
  EXPECT_EQ(s.function_class, FunctionClass::mode);
  ModbusPdu id("00 05 00 00 00 05 01 2b 0e 01 00", false);
  const PduFacts i = facts_of(id.record);
  EXPECT_EQ(i.function, 43);
  EXPECT_EQ(i.sub, 14);
  EXPECT_EQ(i.function_class, FunctionClass::identify);
}

TEST(Facts, ModbusMalformedQuantity) {
  ModbusPdu p("00 07 00 00 00 06 01 03 00 00 00 00", false);  // FC3 quantity 0
  EXPECT_TRUE(facts_of(p.record).malformed);
}

TEST(Facts, Dnp3ColdRestart) {
  Dnp3Pdu p("c0 0d", 10, 1, true);
  const PduFacts f = facts_of(p.record);
  EXPECT_EQ(f.protocol, protocols::ProtocolId::dnp3);
  EXPECT_TRUE(f.from_master);
  EXPECT_EQ(f.function, 0x0D);
  EXPECT_EQ(f.unit, 10);
  EXPECT_FALSE(f.broadcast);
  EXPECT_EQ(f.function_class, FunctionClass::mode);
}

TEST(Facts, Dnp3DirectOperateCrob) {
  Dnp3Pdu p("c1 05 0c 01 17 01 03 03 01 64 00 00 00 00 00 00 00 00", 10, 1, true);
  const PduFacts f = facts_of(p.record);
  EXPECT_EQ(f.function, 0x05);
  EXPECT_EQ(f.function_class, FunctionClass::control);
  EXPECT_EQ(f.group, 12);
  EXPECT_EQ(f.variation, 1);
  EXPECT_EQ(f.address, 3);
  EXPECT_EQ(f.qualifier, 0x03);  // latch on
  EXPECT_EQ(f.count, 1u);
}

TEST(Facts, Dnp3ResponseIinAndBroadcastAndTime) {
  Dnp3Pdu r("c0 81 80 00", 1, 10, false);
  const PduFacts f = facts_of(r.record);
  EXPECT_FALSE(f.from_master);
  EXPECT_TRUE(f.has_iin);
  EXPECT_EQ(f.iin, 0x8000);
  Dnp3Pdu b("c0 08 14 00 06", 0xFFFF, 1, true);
  EXPECT_TRUE(facts_of(b.record).broadcast);
  Dnp3Pdu t("c2 02 32 01 07 01 00 d0 44 6f 94 01", 10, 1, true);
  const PduFacts tf = facts_of(t.record);
  EXPECT_EQ(tf.group, 50);
  EXPECT_EQ(tf.function_class, FunctionClass::time);
}

TEST(Facts, Iec104UFrameAndResetProcess) {
  Iec104Pdu u("68 04 07 00 00 00", true);
  const PduFacts uf = facts_of(u.record);
  EXPECT_EQ(uf.function, -1);
  EXPECT_EQ(uf.sub, 0x07);
  EXPECT_EQ(uf.function_class, FunctionClass::reporting_config);
  Iec104Pdu rp("68 0e 00 00 00 00 69 01 06 00 01 00 00 00 00 01", true);
  const PduFacts f = facts_of(rp.record);
  EXPECT_EQ(f.function, 105);
  EXPECT_EQ(f.cot, 6);
  EXPECT_EQ(f.unit, 1);
  EXPECT_EQ(f.qualifier, 1);
  EXPECT_EQ(f.address, 0);
  EXPECT_EQ(f.function_class, FunctionClass::mode);
}

TEST(Facts, Iec104BroadcastInterrogationAndSFrame) {
  Iec104Pdu gi("68 0e 00 00 00 00 64 01 06 00 ff ff 00 00 00 14", true);
  const PduFacts f = facts_of(gi.record);
  EXPECT_TRUE(f.broadcast);
  EXPECT_EQ(f.unit, 0xFFFF);
  EXPECT_EQ(f.qualifier, 20);
  Iec104Pdu s("68 04 01 00 02 00", false);
  const PduFacts sf = facts_of(s.record);
  EXPECT_EQ(sf.function, -1);
  EXPECT_EQ(sf.sub, -1);
  EXPECT_FALSE(sf.from_master);
}

}  // namespace
}  // namespace normwatch::rules::engine
