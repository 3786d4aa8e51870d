// Function-code → function-class tables for Modbus, DNP3 and IEC 104 (NORMS-AND-RULES.md §3.2):
// the policy vocabulary that PduFacts::function_class carries. One constexpr table per protocol,
// indexed by code, plus a short list of sub-function exceptions; no switch forests.
#pragma once

#include <array>
#include <cstdint>

#include "normwatch/rules/facts.hpp"

namespace normwatch::rules {

namespace function_class_tables {

using C = FunctionClass;

struct CodeClass {
  int code;
  FunctionClass cls;
};

template <std::size_t N, std::size_t M>
constexpr std::array<FunctionClass, N> make_table(FunctionClass fallback, const std::array<CodeClass, M>& entries) {
  std::array<FunctionClass, N> t{};
  for (auto& c : t) c = fallback;
  for (const CodeClass& e : entries) t[static_cast<std::size_t>(e.code)] = e.cls;
  return t;
}

// Modbus (MODBUS Application Protocol v1.1b3 §6; legacy Modicon codes). Every code 1–127 that is
// not a public function below is a vendor or legacy function (9/13/18/40/125/126 are the old
// Modicon "program" codes, 65–72 and 100–110 the user-defined ranges): §3.2 classes those as
// `program`, the conservative reading for an unknown code sent to a controller.
inline constexpr std::array<CodeClass, 21> kModbusEntries{{
    {0, C::other},
    {1, C::read}, {2, C::read}, {3, C::read}, {4, C::read}, {7, C::read}, {24, C::read},
    {5, C::write}, {6, C::write}, {15, C::write}, {16, C::write}, {22, C::write}, {23, C::write},
    {8, C::diagnostic}, {11, C::diagnostic}, {12, C::diagnostic},
    {17, C::identify}, {43, C::identify},
    {20, C::file}, {21, C::file},
    {90, C::program},
}};
inline constexpr auto kModbus = make_table<128>(C::program, kModbusEntries);

struct SubClass {
  int fc;
  int sub;
  FunctionClass cls;
};
// Sub-function exceptions: FC 8 Restart Communications Option (0x01) and Force Listen Only
// (0x04) change the device's mode; FC 43 MEI type 14 reads the device identification, MEI 13
// (CANopen general reference) can write objects, other MEI types are vendor use; FC 90 (Schneider
// UMAS) 0x40 start / 0x41 stop PLC are mode changes, every other UMAS code is programming.
inline constexpr std::array<SubClass, 5> kModbusSubs{{
    {8, 0x01, C::mode}, {8, 0x04, C::mode},
    {43, 13, C::write},
    {90, 0x40, C::mode}, {90, 0x41, C::mode},
}};

// DNP3 application function codes (IEEE 1815-2012 Table 4-1). Unlisted codes (responses 0x81,
// 0x82, confirm 0x00, reserved codes) are `other`.
inline constexpr std::array<CodeClass, 36> kDnp3Entries{{
    {0x00, C::other},
    {0x01, C::read},
    {0x02, C::write},
    {0x03, C::control}, {0x04, C::control}, {0x05, C::control}, {0x06, C::control},
    {0x07, C::control}, {0x08, C::control}, {0x09, C::control}, {0x0A, C::control},
    {0x0B, C::control}, {0x0C, C::control},                          // freeze family
    {0x0D, C::mode}, {0x0E, C::mode},                                // cold / warm restart
    {0x0F, C::config},                                               // initialize data
    {0x10, C::mode}, {0x11, C::mode}, {0x12, C::mode},               // init / start / stop application
    {0x13, C::config},                                               // save configuration
    {0x14, C::reporting_config}, {0x15, C::reporting_config}, {0x16, C::reporting_config},
    {0x17, C::diagnostic},                                           // delay measure
    {0x18, C::time},                                                 // record current time
    {0x19, C::file}, {0x1A, C::file}, {0x1B, C::file}, {0x1C, C::file}, {0x1D, C::file}, {0x1E, C::file},
    {0x1F, C::config},                                               // activate configuration
    {0x20, C::security}, {0x21, C::security},                        // authenticate request (+no ack)
    {0x83, C::security},                                             // authentication response
    {0x81, C::other},
}};
inline constexpr auto kDnp3 = make_table<256>(C::other, kDnp3Entries);

// IEC 60870-5-104 type identifications in the control direction (IEC 60870-5-101 §7.2.1.1).
// Monitor-direction types (1–44, 70) and reserved ones are `other`.
inline constexpr std::array<CodeClass, 34> kIec104Entries{{
    {45, C::control}, {46, C::control}, {47, C::control}, {51, C::control},      // C_SC/DC/RC/BO
    {58, C::control}, {59, C::control}, {60, C::control}, {64, C::control},      // ... with time tag
    {48, C::write}, {49, C::write}, {50, C::write},                              // C_SE_NA/NB/NC
    {61, C::write}, {62, C::write}, {63, C::write},                              // ... with time tag
    {100, C::read}, {101, C::read}, {102, C::read},                              // C_IC, C_CI, C_RD
    {103, C::time}, {106, C::time},                                              // C_CS, C_CD
    {104, C::diagnostic}, {107, C::diagnostic},                                  // C_TS_NA, C_TS_TA
    {105, C::mode},                                                              // C_RP reset process
    {110, C::reporting_config}, {111, C::reporting_config},                      // P_ME_NA/NB
    {112, C::reporting_config}, {113, C::reporting_config},                      // P_ME_NC, P_AC
    {120, C::file}, {121, C::file}, {122, C::file}, {123, C::file},              // F_FR, F_SR, F_SC, F_LS
    {124, C::file}, {125, C::file}, {126, C::file}, {127, C::file},              // F_AF, F_SG, F_DR, F_SC_NB
}};
inline constexpr auto kIec104 = make_table<256>(C::other, kIec104Entries);

}  // namespace function_class_tables

// Modbus: `fc` with the exception bit cleared; `sub` the FC 8 sub-function, FC 43 MEI type or FC 90
// UMAS code (-1 when absent). Coil writes (5, 15) aimed at a point the site declares a control
// point are `control` (the caller knows; the policy does not).
constexpr FunctionClass modbus_class(int fc, int sub, bool coil_write_to_control_point = false) {
  namespace t = function_class_tables;
  if (fc <= 0 || fc >= 128) return FunctionClass::other;
  if (coil_write_to_control_point && (fc == 5 || fc == 15)) return FunctionClass::control;
  for (const t::SubClass& s : t::kModbusSubs) {
    if (s.fc == fc && s.sub == sub) return s.cls;
  }
  // FC 43 with a known-vendor or reserved MEI type (not 13/14, and readable) is vendor use.
  if (fc == 43 && sub >= 0 && sub != 14) return FunctionClass::program;
  return t::kModbus[static_cast<std::size_t>(fc)];
}

// DNP3 application function code. A WRITE (0x02) carrying g50 (time and date) sets the clock; a
// READ (0x01) of g0 device attributes identifies the device.
constexpr FunctionClass dnp3_class(int fc, bool writes_time_object = false, bool has_g0_attributes = false) {
  if (fc < 0 || fc > 255) return FunctionClass::other;
  if (fc == 0x02 && writes_time_object) return FunctionClass::time;
  if (fc == 0x01 && has_g0_attributes) return FunctionClass::identify;
  return function_class_tables::kDnp3[static_cast<std::size_t>(fc)];
}

// IEC 104: `type_id` of an I-format APDU, or -1 for S-/U-format with `u_function` the U-format
// control octet (0x07 STARTDT act, 0x0B con, 0x13 STOPDT act, 0x23 con, 0x43 TESTFR act, 0x83
// con; the function bits alone, 0x04...0x80, work too). STARTDT/STOPDT switch the outstation's
// reporting on and off (`reporting_config`); TESTFR and S-frames are link keep-alive (`other`).
constexpr FunctionClass iec104_class(int type_id, int u_function = -1) {
  if (type_id >= 0) {
    return type_id <= 255 ? function_class_tables::kIec104[static_cast<std::size_t>(type_id)] : FunctionClass::other;
  }
  if (u_function < 0) return FunctionClass::other;
  const int bits = u_function & 0xFC;
  if (bits == 0x04 || bits == 0x08 || bits == 0x10 || bits == 0x20) return FunctionClass::reporting_config;
  return FunctionClass::other;
}

}  // namespace normwatch::rules
