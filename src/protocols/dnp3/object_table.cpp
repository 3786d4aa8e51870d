// Constexpr tables for DNP3 object layouts (IEEE 1815-2012 annex A), application function codes
// (clause 4.2.2.5, table 4-1 and SAv5 clause 7) and link function codes (clause 9.2.4.1.3).
// Sizes are checked against annex A and Wireshark's dissector (object sizes, not code).
#include "normwatch/protocols/dnp3/object_table.hpp"

#include <array>
#include <initializer_list>

namespace normwatch::protocols::dnp3 {

namespace {

constexpr std::size_t kTableGroups = 128;
constexpr std::size_t kTableVariations = 16;

struct Entry {
  std::uint8_t group;
  std::uint8_t variation;
  ObjectLayout layout;
  std::uint8_t size;
};

constexpr ObjectLayout F = ObjectLayout::fixed;
constexpr ObjectLayout N = ObjectLayout::none;
constexpr ObjectLayout P = ObjectLayout::packed;
constexpr ObjectLayout S = ObjectLayout::size_prefixed;

// Groups whose variations all have small numbers (< 16). g0 and g110-g113 are handled by rule.
constexpr Entry kEntries[] = {
    // binary inputs / events, double-bit inputs / events
    {1, 0, N, 0}, {1, 1, P, 1}, {1, 2, F, 1},
    {2, 0, N, 0}, {2, 1, F, 1}, {2, 2, F, 7}, {2, 3, F, 3},
    {3, 0, N, 0}, {3, 1, P, 2}, {3, 2, F, 1},
    {4, 0, N, 0}, {4, 1, F, 1}, {4, 2, F, 7}, {4, 3, F, 3},
    // binary outputs, output events, controls, command events
    {10, 0, N, 0}, {10, 1, P, 1}, {10, 2, F, 1},
    {11, 0, N, 0}, {11, 1, F, 1}, {11, 2, F, 7},
    {12, 0, N, 0}, {12, 1, F, 11}, {12, 2, F, 11}, {12, 3, P, 1},
    {13, 0, N, 0}, {13, 1, F, 1}, {13, 2, F, 7},
    // counters, frozen counters and their events
    {20, 0, N, 0}, {20, 1, F, 5}, {20, 2, F, 3}, {20, 3, F, 5}, {20, 4, F, 3},
    {20, 5, F, 4}, {20, 6, F, 2}, {20, 7, F, 4}, {20, 8, F, 2},
    {21, 0, N, 0}, {21, 1, F, 5}, {21, 2, F, 3}, {21, 3, F, 5}, {21, 4, F, 3}, {21, 5, F, 11},
    {21, 6, F, 9}, {21, 7, F, 11}, {21, 8, F, 9}, {21, 9, F, 4}, {21, 10, F, 2}, {21, 11, F, 4},
    {21, 12, F, 2},
    {22, 0, N, 0}, {22, 1, F, 5}, {22, 2, F, 3}, {22, 3, F, 5}, {22, 4, F, 3},
    {22, 5, F, 11}, {22, 6, F, 9}, {22, 7, F, 11}, {22, 8, F, 9},
    {23, 0, N, 0}, {23, 1, F, 5}, {23, 2, F, 3}, {23, 3, F, 5}, {23, 4, F, 3},
    {23, 5, F, 11}, {23, 6, F, 9}, {23, 7, F, 11}, {23, 8, F, 9},
    // analog inputs, frozen analogs, their events, deadbands
    {30, 0, N, 0}, {30, 1, F, 5}, {30, 2, F, 3}, {30, 3, F, 4}, {30, 4, F, 2}, {30, 5, F, 5}, {30, 6, F, 9},
    {31, 0, N, 0}, {31, 1, F, 5}, {31, 2, F, 3}, {31, 3, F, 11}, {31, 4, F, 9}, {31, 5, F, 4},
    {31, 6, F, 2}, {31, 7, F, 5}, {31, 8, F, 9},
    {32, 0, N, 0}, {32, 1, F, 5}, {32, 2, F, 3}, {32, 3, F, 11}, {32, 4, F, 9}, {32, 5, F, 5},
    {32, 6, F, 9}, {32, 7, F, 11}, {32, 8, F, 15},
    {33, 0, N, 0}, {33, 1, F, 5}, {33, 2, F, 3}, {33, 3, F, 11}, {33, 4, F, 9}, {33, 5, F, 5},
    {33, 6, F, 9}, {33, 7, F, 11}, {33, 8, F, 15},
    {34, 0, N, 0}, {34, 1, F, 2}, {34, 2, F, 4}, {34, 3, F, 4},
    // analog output status, output blocks, output events, command events
    {40, 0, N, 0}, {40, 1, F, 5}, {40, 2, F, 3}, {40, 3, F, 5}, {40, 4, F, 9},
    {41, 0, N, 0}, {41, 1, F, 5}, {41, 2, F, 3}, {41, 3, F, 5}, {41, 4, F, 9},
    {42, 0, N, 0}, {42, 1, F, 5}, {42, 2, F, 3}, {42, 3, F, 11}, {42, 4, F, 9}, {42, 5, F, 5},
    {42, 6, F, 9}, {42, 7, F, 11}, {42, 8, F, 15},
    {43, 0, N, 0}, {43, 1, F, 5}, {43, 2, F, 3}, {43, 3, F, 11}, {43, 4, F, 9}, {43, 5, F, 5},
    {43, 6, F, 9}, {43, 7, F, 11}, {43, 8, F, 15},
    // time and date, common time of occurrence, time delay
    {50, 0, N, 0}, {50, 1, F, 6}, {50, 2, F, 10}, {50, 3, F, 6}, {50, 4, F, 11},
    {51, 1, F, 6}, {51, 2, F, 6},
    {52, 1, F, 2}, {52, 2, F, 2},
    // class objects
    {60, 1, N, 0}, {60, 2, N, 0}, {60, 3, N, 0}, {60, 4, N, 0},
    // file control (all variable-size, sent with qualifier 0x5B)
    {70, 0, N, 0}, {70, 1, S, 0}, {70, 2, S, 0}, {70, 3, S, 0}, {70, 4, S, 0}, {70, 5, S, 0},
    {70, 6, S, 0}, {70, 7, S, 0}, {70, 8, S, 0},
    // internal indications, device storage, device profile, private registration, data sets
    {80, 1, P, 1},
    {81, 1, F, 3},
    {82, 1, S, 0},
    {83, 1, S, 0}, {83, 2, S, 0},
    {85, 0, N, 0}, {85, 1, S, 0},
    {86, 0, N, 0}, {86, 1, S, 0}, {86, 2, F, 1}, {86, 3, S, 0},
    {87, 0, N, 0}, {87, 1, S, 0},
    {88, 0, N, 0}, {88, 1, S, 0},
    // application identifier, status of requested operation
    {90, 1, S, 0},
    {91, 1, S, 0},
    // BCD, unsigned 8-bit integer
    {101, 0, N, 0}, {101, 1, F, 2}, {101, 2, F, 4}, {101, 3, F, 8},
    {102, 0, N, 0}, {102, 1, F, 1},
    // Secure Authentication v5 (IEEE 1815-2012 clause 7, annex A.45): variable objects use 0x5B;
    // v3 aggressive-mode request (challenge seq 4 + user 2) and v4 key status request (user 2)
    {120, 0, N, 0}, {120, 1, S, 0}, {120, 2, S, 0}, {120, 3, F, 6}, {120, 4, F, 2}, {120, 5, S, 0},
    {120, 6, S, 0}, {120, 7, S, 0}, {120, 8, S, 0}, {120, 9, S, 0}, {120, 10, S, 0}, {120, 11, S, 0},
    {120, 12, S, 0}, {120, 13, S, 0}, {120, 14, S, 0}, {120, 15, S, 0},
    {121, 0, N, 0}, {121, 1, F, 7},
    {122, 0, N, 0}, {122, 1, F, 7}, {122, 2, F, 13},
};

using ObjectTable = std::array<std::array<ObjectSpec, kTableVariations>, kTableGroups>;

constexpr ObjectTable make_object_table() {
  ObjectTable t{};
  for (const Entry& e : kEntries) t[e.group][e.variation] = ObjectSpec{e.layout, e.size};
  return t;
}

constexpr ObjectTable kObjectTable = make_object_table();

struct FunctionEntry {
  std::uint8_t code;
  FunctionInfo info;
};

// name, is_response, carries_data, expects_response
constexpr FunctionEntry kFunctions[] = {
    {0x00, {"CONFIRM", false, false, false}},
    {0x01, {"READ", false, false, true}},
    {0x02, {"WRITE", false, true, true}},
    {0x03, {"SELECT", false, true, true}},
    {0x04, {"OPERATE", false, true, true}},
    {0x05, {"DIRECT_OPERATE", false, true, true}},
    {0x06, {"DIRECT_OPERATE_NR", false, true, false}},
    {0x07, {"IMMED_FREEZE", false, false, true}},
    {0x08, {"IMMED_FREEZE_NR", false, false, false}},
    {0x09, {"FREEZE_CLEAR", false, false, true}},
    {0x0A, {"FREEZE_CLEAR_NR", false, false, false}},
    {0x0B, {"FREEZE_AT_TIME", false, true, true}},
    {0x0C, {"FREEZE_AT_TIME_NR", false, true, false}},
    {0x0D, {"COLD_RESTART", false, false, true}},
    {0x0E, {"WARM_RESTART", false, false, true}},
    {0x0F, {"INITIALIZE_DATA", false, false, true}},
    {0x10, {"INITIALIZE_APPL", false, true, true}},
    {0x11, {"START_APPL", false, true, true}},
    {0x12, {"STOP_APPL", false, true, true}},
    {0x13, {"SAVE_CONFIG", false, false, true}},
    {0x14, {"ENABLE_UNSOLICITED", false, false, true}},
    {0x15, {"DISABLE_UNSOLICITED", false, false, true}},
    {0x16, {"ASSIGN_CLASS", false, false, true}},
    {0x17, {"DELAY_MEASURE", false, false, true}},
    {0x18, {"RECORD_CURRENT_TIME", false, false, true}},
    {0x19, {"OPEN_FILE", false, true, true}},
    {0x1A, {"CLOSE_FILE", false, true, true}},
    {0x1B, {"DELETE_FILE", false, true, true}},
    {0x1C, {"GET_FILE_INFO", false, true, true}},
    {0x1D, {"AUTHENTICATE_FILE", false, true, true}},
    {0x1E, {"ABORT_FILE", false, true, true}},
    {0x1F, {"ACTIVATE_CONFIG", false, true, true}},
    {0x20, {"AUTHENTICATE_REQ", false, true, true}},
    {0x21, {"AUTHENTICATE_REQ_NR", false, true, false}},
    {0x81, {"RESPONSE", true, true, false}},
    {0x82, {"UNSOLICITED_RESPONSE", true, true, false}},
    {0x83, {"AUTHENTICATE_RESP", true, true, false}},
};

constexpr std::array<FunctionInfo, 256> make_function_table() {
  std::array<FunctionInfo, 256> t{};
  for (const FunctionEntry& e : kFunctions) t[e.code] = e.info;
  return t;
}

constexpr std::array<FunctionInfo, 256> kFunctionTable = make_function_table();

constexpr std::array<std::array<LinkFunctionInfo, 16>, 2> make_link_table() {
  std::array<std::array<LinkFunctionInfo, 16>, 2> t{};
  // [0]: secondary (PRM = 0), [1]: primary (PRM = 1)
  t[1][0] = {"RESET_LINK_STATES", false};
  t[1][1] = {"RESET_USER_PROCESS", false};
  t[1][2] = {"TEST_LINK_STATES", false};
  t[1][3] = {"CONFIRMED_USER_DATA", true};
  t[1][4] = {"UNCONFIRMED_USER_DATA", true};
  t[1][9] = {"REQUEST_LINK_STATUS", false};
  t[0][0] = {"ACK", false};
  t[0][1] = {"NACK", false};
  t[0][11] = {"LINK_STATUS", false};
  t[0][14] = {"NOT_FUNCTIONING", false};
  t[0][15] = {"NOT_SUPPORTED", false};
  return t;
}

constexpr auto kLinkTable = make_link_table();

}  // namespace

ObjectSpec object_spec(std::uint8_t group, std::uint8_t variation) {
  if (group == 0) {
    // Device attributes: 254 is the "all attributes" read request and carries no data.
    if (variation == 0) return {};
    return variation == 254 ? ObjectSpec{ObjectLayout::none, 0} : ObjectSpec{ObjectLayout::attribute, 0};
  }
  if (group >= 110 && group <= 113) {
    // Octet strings and virtual terminal blocks: the variation is the length (0: "any", no data).
    return variation == 0 ? ObjectSpec{ObjectLayout::none, 0} : ObjectSpec{ObjectLayout::octet_string, variation};
  }
  if (group >= kTableGroups || variation >= kTableVariations) return {};
  return kObjectTable[group][variation];
}

const FunctionInfo& function_info(std::uint8_t function_code) { return kFunctionTable[function_code]; }

const LinkFunctionInfo& link_function_info(bool primary, std::uint8_t function_code) {
  return kLinkTable[primary ? 1 : 0][function_code & 0x0F];
}

}  // namespace normwatch::protocols::dnp3
