// Function classes (NORMS-AND-RULES.md §3.2): names, parsing, and every row of the mapping table
// for Modbus, DNP3 and IEC 104, including the sub-function exceptions.
#include <gtest/gtest.h>

#include <initializer_list>

#include "normwatch/rules/function_classes.hpp"

namespace normwatch::rules {
namespace {

using C = FunctionClass;

TEST(FunctionClassName, RoundTripsEveryClass) {
  for (std::size_t i = 0; i < static_cast<std::size_t>(C::kCount); ++i) {
    const auto c = static_cast<C>(i);
    const auto parsed = parse_function_class(name(c));
    ASSERT_TRUE(parsed.has_value()) << name(c);
    EXPECT_EQ(*parsed, c);
  }
  EXPECT_EQ(name(C::reporting_config), "reporting_config");
  EXPECT_FALSE(parse_function_class("Read").has_value());
  EXPECT_FALSE(parse_function_class("progam").has_value());
  EXPECT_FALSE(parse_function_class("").has_value());
}

void expect_modbus(std::initializer_list<int> fcs, C c) {
  for (const int fc : fcs) EXPECT_EQ(modbus_class(fc, -1), c) << "fc " << fc;
}

TEST(ModbusClass, PublicFunctions) {
  expect_modbus({1, 2, 3, 4, 7, 24}, C::read);
  expect_modbus({5, 6, 15, 16, 22, 23}, C::write);
  expect_modbus({8, 11, 12}, C::diagnostic);
  expect_modbus({17, 43}, C::identify);
  expect_modbus({20, 21}, C::file);
  expect_modbus({90}, C::program);
}

TEST(ModbusClass, SubFunctions) {
  EXPECT_EQ(modbus_class(8, 0x00), C::diagnostic);   // return query data
  EXPECT_EQ(modbus_class(8, 0x01), C::mode);         // restart communications option
  EXPECT_EQ(modbus_class(8, 0x04), C::mode);         // force listen only
  EXPECT_EQ(modbus_class(8, 0x0A), C::diagnostic);   // clear counters
  EXPECT_EQ(modbus_class(43, 14), C::identify);
  EXPECT_EQ(modbus_class(43, 13), C::write);         // CANopen general reference
  EXPECT_EQ(modbus_class(43, 99), C::program);
  for (const int umas : {0x01, 0x02, 0x10, 0x20, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x58}) {
    EXPECT_EQ(modbus_class(90, umas), C::program) << umas;
  }
  EXPECT_EQ(modbus_class(90, 0x40), C::mode);        // UMAS start PLC
  EXPECT_EQ(modbus_class(90, 0x41), C::mode);        // UMAS stop PLC
}

TEST(ModbusClass, VendorAndLegacyCodesAreProgram) {
  expect_modbus({9, 13, 18, 40, 65, 72, 91, 100, 110, 125, 126, 127}, C::program);
}

TEST(ModbusClass, ControlPointsAndOutOfRange) {
  EXPECT_EQ(modbus_class(5, -1, true), C::control);
  EXPECT_EQ(modbus_class(15, -1, true), C::control);
  EXPECT_EQ(modbus_class(6, -1, true), C::write);    // only coil writes become commands
  EXPECT_EQ(modbus_class(0, -1), C::other);
  EXPECT_EQ(modbus_class(-1, -1), C::other);
  EXPECT_EQ(modbus_class(0x83, -1), C::other);       // exception bit not cleared: not a function
  EXPECT_EQ(modbus_class(1000, -1), C::other);
}

TEST(Dnp3Class, EveryRowOfTheTable) {
  const auto expect = [](std::initializer_list<int> fcs, C c) {
    for (const int fc : fcs) EXPECT_EQ(dnp3_class(fc, false, false), c) << "fc " << fc;
  };
  expect({0x01}, C::read);
  expect({0x02}, C::write);
  expect({0x03, 0x04, 0x05, 0x06}, C::control);
  expect({0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C}, C::control);
  expect({0x0D, 0x0E, 0x10, 0x11, 0x12}, C::mode);
  expect({0x0F, 0x13, 0x1F}, C::config);
  expect({0x14, 0x15, 0x16}, C::reporting_config);
  expect({0x17}, C::diagnostic);
  expect({0x18}, C::time);
  expect({0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E}, C::file);
  expect({0x20, 0x21, 0x83}, C::security);
  expect({0x00, 0x81, 0x82, 0x22, 0x7F, 0xFF, -1, 256}, C::other);
  EXPECT_EQ(dnp3_class(0x02, true, false), C::time);      // write of g50
  EXPECT_EQ(dnp3_class(0x01, false, true), C::identify);  // read of g0 attributes
  EXPECT_EQ(dnp3_class(0x05, true, true), C::control);    // flags only refine read/write
}

TEST(Iec104Class, EveryRowOfTheTable) {
  const auto expect = [](std::initializer_list<int> types, C c) {
    for (const int t : types) EXPECT_EQ(iec104_class(t), c) << "type " << t;
  };
  expect({100, 101, 102}, C::read);
  expect({48, 49, 50, 61, 62, 63}, C::write);
  expect({45, 46, 47, 51, 58, 59, 60, 64}, C::control);
  expect({104, 107}, C::diagnostic);
  expect({103, 106}, C::time);
  expect({110, 111, 112, 113}, C::reporting_config);
  expect({120, 121, 122, 123, 124, 125, 126, 127}, C::file);
  expect({105}, C::mode);
  expect({1, 3, 9, 13, 30, 36, 44, 70, 52, 99, 108, 200, 255, 300}, C::other);
}

TEST(Iec104Class, UFormat) {
  EXPECT_EQ(iec104_class(-1, 0x07), C::reporting_config);  // STARTDT act
  EXPECT_EQ(iec104_class(-1, 0x0B), C::reporting_config);  // STARTDT con
  EXPECT_EQ(iec104_class(-1, 0x13), C::reporting_config);  // STOPDT act
  EXPECT_EQ(iec104_class(-1, 0x23), C::reporting_config);  // STOPDT con
  EXPECT_EQ(iec104_class(-1, 0x43), C::other);             // TESTFR act
  EXPECT_EQ(iec104_class(-1, 0x83), C::other);             // TESTFR con
  EXPECT_EQ(iec104_class(-1, 0x04), C::reporting_config);  // bare function bits work too
  EXPECT_EQ(iec104_class(-1, 0x0F), C::other);             // two function bits: not a function
  EXPECT_EQ(iec104_class(-1, -1), C::other);               // S-format
}

// The tables are usable at compile time (the engine may build its own tables from them).
static_assert(modbus_class(3, -1) == C::read);
static_assert(dnp3_class(0x0D) == C::mode);
static_assert(iec104_class(45) == C::control);

}  // namespace
}  // namespace normwatch::rules
