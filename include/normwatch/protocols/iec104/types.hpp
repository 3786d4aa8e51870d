// The facts of every ASDU type identification (IEC 60870-5-101 §7.2.1 and §7.3, IEC 60870-5-104
// §8, security types of IEC 60870-5-7): name, element layout and size, time tag, which variable
// structure qualifiers and causes of transmission it allows, whether it may be broadcast. One
// constexpr table indexed by type id; parsers and checks do one lookup, never a switch.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace normwatch::protocols::iec104 {

// How the information element of a type is laid out (before any time tag).
enum class ElementLayout : std::uint8_t {
  opaque,        // unknown, reserved, private or security type: bytes are kept, not interpreted
  siq,           // single-point information with quality
  diq,           // double-point information with quality
  vti_qds,       // step position + quality
  bsi_qds,       // bitstring of 32 bits + quality
  nva_qds,       // normalised value + quality
  sva_qds,       // scaled value + quality
  r32_qds,       // short float + quality
  bcr,           // binary counter reading
  sep_cp16,      // single event of protection equipment + elapsed time
  spe_qdp_cp16,  // start events of protection equipment + quality + relay duration
  oci_qdp_cp16,  // output circuit information + quality + relay operating time
  scd_qds,       // status and status change detection + quality
  nva,           // normalised value without quality
  aid_bcr,       // association id + binary counter reading (security statistics)
  sco,           // single command
  dco,           // double command
  rco,           // regulating step command
  nva_qos,       // set-point normalised + qualifier of set-point
  sva_qos,       // set-point scaled + QOS
  r32_qos,       // set-point float + QOS
  bsi,           // bitstring command
  coi,           // cause of initialisation
  qoi,           // qualifier of interrogation
  qcc,           // qualifier of counter interrogation
  none,          // no element (read command: IOA only)
  time_only,     // the element is the time tag (clock synchronisation)
  fbp,           // fixed test bit pattern
  qrp,           // qualifier of reset process
  cp16,          // delay acquisition
  tsc,           // test sequence counter (+ time tag)
  nva_qpm,       // parameter normalised + qualifier of parameter of measured values
  sva_qpm,
  r32_qpm,
  qpa,           // qualifier of parameter activation
  file_ready,    // NOF LOF FRQ
  section_ready, // NOF NOS LOF SRQ
  call_select,   // NOF NOS SCQ
  last_section,  // NOF NOS LSQ CHS
  ack_file,      // NOF NOS AFQ
  segment,       // NOF NOS LOS segment (variable)
  directory,     // NOF LOF SOF CP56 creation time
  query_log,     // NOF, range start CP56, range stop CP56
};

enum class TimeTag : std::uint8_t { none, cp24, cp56 };

enum class TypeClass : std::uint8_t {
  reserved,        // not defined
  private_use,     // 136..255
  monitor,         // process information in monitor direction (controlled station sends)
  control,         // process information in control direction (commands, mirrored in confirmations)
  system_monitor,  // end of initialisation
  system_control,  // interrogation, read, clock sync, test, reset, delay
  parameter,       // parameters in control direction
  file,            // file transfer (either direction)
  security,        // IEC 60870-5-7 authentication
};

enum class VsqRule : std::uint8_t {
  any,     // SQ=0 or SQ=1, any number of objects
  sq0,     // SQ=0 only, several objects allowed
  single,  // SQ=0 and exactly one object
};

struct TypeInfo {
  std::string_view name;            // "M_ME_NC_1"; empty when the id is not defined
  TypeClass cls = TypeClass::reserved;
  ElementLayout layout = ElementLayout::opaque;
  TimeTag time = TimeTag::none;
  std::uint8_t element_size = 0;    // bytes per object after the IOA, time tag included; 0: variable
  VsqRule vsq = VsqRule::any;
  bool in_104 = false;              // false for IEC 101-only types
  bool broadcast = false;           // may be sent to the global common address
  std::uint64_t allowed_cot = ~0ull;  // bit n set: cause n allowed (all set: not checked)

  constexpr bool defined() const { return !name.empty(); }
  constexpr bool variable_size() const { return element_size == 0 && layout != ElementLayout::none; }
  constexpr bool cot_allowed(unsigned cot) const { return cot < 64 && ((allowed_cot >> cot) & 1u) != 0; }
};

namespace detail {

constexpr std::uint64_t cots(std::initializer_list<unsigned> list) {
  std::uint64_t mask = 0;
  for (unsigned c : list) mask |= 1ull << c;
  return mask;
}
constexpr std::uint64_t cot_range(unsigned lo, unsigned hi) {
  std::uint64_t mask = 0;
  for (unsigned c = lo; c <= hi; ++c) mask |= 1ull << c;
  return mask;
}
// 101 §7.2.3 cause groups.
inline constexpr std::uint64_t kInterrogated = cot_range(20, 36);       // inrogen, inro1..16
inline constexpr std::uint64_t kCounterRequested = cot_range(37, 41);   // reqcogen, reqco1..4
inline constexpr std::uint64_t kUnknownReplies = cot_range(44, 47);     // unknown type/COT/CA/IOA
inline constexpr std::uint64_t kCommandCots = cots({6, 7, 8, 9, 10}) | kUnknownReplies;
inline constexpr std::uint64_t kStatusCots = cots({2, 3, 5, 11, 12}) | kInterrogated;
inline constexpr std::uint64_t kMeasuredCots = cots({1, 2, 3, 5}) | kInterrogated;
inline constexpr std::uint64_t kEventCots = cots({3, 5, 11, 12});
inline constexpr std::uint64_t kFileCots = cots({13}) | kUnknownReplies;

struct Row {
  std::uint8_t id;
  std::string_view name;
  TypeClass cls;
  ElementLayout layout;
  TimeTag time;
  std::uint8_t size;
  VsqRule vsq;
  bool in_104;
  bool broadcast;
  std::uint64_t cot;
};

using L = ElementLayout;
inline constexpr TypeClass kMon = TypeClass::monitor, kCtl = TypeClass::control, kSysM = TypeClass::system_monitor,
                           kSysC = TypeClass::system_control, kPar = TypeClass::parameter, kFile = TypeClass::file,
                           kSec = TypeClass::security;
inline constexpr TimeTag kNo = TimeTag::none, k24 = TimeTag::cp24, k56 = TimeTag::cp56;
inline constexpr VsqRule kAny = VsqRule::any, kSq0 = VsqRule::sq0, kOne = VsqRule::single;

inline constexpr Row kRows[] = {
    {1, "M_SP_NA_1", kMon, L::siq, kNo, 1, kAny, true, false, kStatusCots},
    {2, "M_SP_TA_1", kMon, L::siq, k24, 4, kSq0, false, false, kEventCots},
    {3, "M_DP_NA_1", kMon, L::diq, kNo, 1, kAny, true, false, kStatusCots},
    {4, "M_DP_TA_1", kMon, L::diq, k24, 4, kSq0, false, false, kEventCots},
    {5, "M_ST_NA_1", kMon, L::vti_qds, kNo, 2, kAny, true, false, kStatusCots},
    {6, "M_ST_TA_1", kMon, L::vti_qds, k24, 5, kSq0, false, false, kEventCots},
    {7, "M_BO_NA_1", kMon, L::bsi_qds, kNo, 5, kAny, true, false, cots({2, 3, 5}) | kInterrogated},
    {8, "M_BO_TA_1", kMon, L::bsi_qds, k24, 8, kSq0, false, false, cots({3, 5})},
    {9, "M_ME_NA_1", kMon, L::nva_qds, kNo, 3, kAny, true, false, kMeasuredCots},
    {10, "M_ME_TA_1", kMon, L::nva_qds, k24, 6, kSq0, false, false, cots({3, 5})},
    {11, "M_ME_NB_1", kMon, L::sva_qds, kNo, 3, kAny, true, false, kMeasuredCots},
    {12, "M_ME_TB_1", kMon, L::sva_qds, k24, 6, kSq0, false, false, cots({3, 5})},
    {13, "M_ME_NC_1", kMon, L::r32_qds, kNo, 5, kAny, true, false, kMeasuredCots},
    {14, "M_ME_TC_1", kMon, L::r32_qds, k24, 8, kSq0, false, false, cots({3, 5})},
    {15, "M_IT_NA_1", kMon, L::bcr, kNo, 5, kAny, true, false, cots({3}) | kCounterRequested},
    {16, "M_IT_TA_1", kMon, L::bcr, k24, 8, kSq0, false, false, cots({3}) | kCounterRequested},
    {17, "M_EP_TA_1", kMon, L::sep_cp16, k24, 6, kSq0, false, false, cots({3})},
    {18, "M_EP_TB_1", kMon, L::spe_qdp_cp16, k24, 7, kOne, false, false, cots({3})},
    {19, "M_EP_TC_1", kMon, L::oci_qdp_cp16, k24, 7, kOne, false, false, cots({3})},
    {20, "M_PS_NA_1", kMon, L::scd_qds, kNo, 5, kAny, true, false, kStatusCots},
    {21, "M_ME_ND_1", kMon, L::nva, kNo, 2, kAny, true, false, kMeasuredCots},
    {30, "M_SP_TB_1", kMon, L::siq, k56, 8, kSq0, true, false, kEventCots},
    {31, "M_DP_TB_1", kMon, L::diq, k56, 8, kSq0, true, false, kEventCots},
    {32, "M_ST_TB_1", kMon, L::vti_qds, k56, 9, kSq0, true, false, kEventCots},
    {33, "M_BO_TB_1", kMon, L::bsi_qds, k56, 12, kSq0, true, false, cots({3, 5})},
    {34, "M_ME_TD_1", kMon, L::nva_qds, k56, 10, kSq0, true, false, cots({3, 5})},
    {35, "M_ME_TE_1", kMon, L::sva_qds, k56, 10, kSq0, true, false, cots({3, 5})},
    {36, "M_ME_TF_1", kMon, L::r32_qds, k56, 12, kSq0, true, false, cots({3, 5})},
    {37, "M_IT_TB_1", kMon, L::bcr, k56, 12, kSq0, true, false, cots({3}) | kCounterRequested},
    {38, "M_EP_TD_1", kMon, L::sep_cp16, k56, 10, kSq0, true, false, cots({3})},
    {39, "M_EP_TE_1", kMon, L::spe_qdp_cp16, k56, 11, kOne, true, false, cots({3})},
    {40, "M_EP_TF_1", kMon, L::oci_qdp_cp16, k56, 11, kOne, true, false, cots({3})},
    {41, "S_IT_TC_1", kSec, L::aid_bcr, k56, 14, kAny, true, false, ~0ull},
    {45, "C_SC_NA_1", kCtl, L::sco, kNo, 1, kOne, true, false, kCommandCots},
    {46, "C_DC_NA_1", kCtl, L::dco, kNo, 1, kOne, true, false, kCommandCots},
    {47, "C_RC_NA_1", kCtl, L::rco, kNo, 1, kOne, true, false, kCommandCots},
    {48, "C_SE_NA_1", kCtl, L::nva_qos, kNo, 3, kOne, true, false, kCommandCots},
    {49, "C_SE_NB_1", kCtl, L::sva_qos, kNo, 3, kOne, true, false, kCommandCots},
    {50, "C_SE_NC_1", kCtl, L::r32_qos, kNo, 5, kOne, true, false, kCommandCots},
    {51, "C_BO_NA_1", kCtl, L::bsi, kNo, 4, kOne, true, false, kCommandCots},
    {58, "C_SC_TA_1", kCtl, L::sco, k56, 8, kOne, true, false, kCommandCots},
    {59, "C_DC_TA_1", kCtl, L::dco, k56, 8, kOne, true, false, kCommandCots},
    {60, "C_RC_TA_1", kCtl, L::rco, k56, 8, kOne, true, false, kCommandCots},
    {61, "C_SE_TA_1", kCtl, L::nva_qos, k56, 10, kOne, true, false, kCommandCots},
    {62, "C_SE_TB_1", kCtl, L::sva_qos, k56, 10, kOne, true, false, kCommandCots},
    {63, "C_SE_TC_1", kCtl, L::r32_qos, k56, 12, kOne, true, false, kCommandCots},
    {64, "C_BO_TA_1", kCtl, L::bsi, k56, 11, kOne, true, false, kCommandCots},
    {70, "M_EI_NA_1", kSysM, L::coi, kNo, 1, kOne, true, false, cots({4})},
    {81, "S_CH_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {82, "S_RP_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {83, "S_AR_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {84, "S_KR_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {85, "S_KS_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {86, "S_KC_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {87, "S_ER_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {90, "S_US_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {91, "S_UQ_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {92, "S_UR_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {93, "S_UK_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {94, "S_UA_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {95, "S_UC_NA_1", kSec, L::opaque, kNo, 0, kAny, true, false, ~0ull},
    {100, "C_IC_NA_1", kSysC, L::qoi, kNo, 1, kOne, true, true, kCommandCots},
    {101, "C_CI_NA_1", kSysC, L::qcc, kNo, 1, kOne, true, true, kCommandCots},
    {102, "C_RD_NA_1", kSysC, L::none, kNo, 0, kOne, true, false, cots({5}) | kUnknownReplies},
    {103, "C_CS_NA_1", kSysC, L::time_only, k56, 7, kOne, true, true, cots({3, 6, 7}) | kUnknownReplies},
    {104, "C_TS_NA_1", kSysC, L::fbp, kNo, 2, kOne, false, false, cots({6, 7}) | kUnknownReplies},
    {105, "C_RP_NA_1", kSysC, L::qrp, kNo, 1, kOne, true, true, cots({6, 7}) | kUnknownReplies},
    {106, "C_CD_NA_1", kSysC, L::cp16, kNo, 2, kOne, false, false, cots({3, 6, 7}) | kUnknownReplies},
    {107, "C_TS_TA_1", kSysC, L::tsc, k56, 9, kOne, true, false, cots({6, 7}) | kUnknownReplies},
    {110, "P_ME_NA_1", kPar, L::nva_qpm, kNo, 3, kOne, true, false, cots({6, 7}) | kInterrogated | kUnknownReplies},
    {111, "P_ME_NB_1", kPar, L::sva_qpm, kNo, 3, kOne, true, false, cots({6, 7}) | kInterrogated | kUnknownReplies},
    {112, "P_ME_NC_1", kPar, L::r32_qpm, kNo, 5, kOne, true, false, cots({6, 7}) | kInterrogated | kUnknownReplies},
    {113, "P_AC_NA_1", kPar, L::qpa, kNo, 1, kOne, true, false, cots({6, 7, 8, 9}) | kUnknownReplies},
    {120, "F_FR_NA_1", kFile, L::file_ready, kNo, 6, kOne, true, false, kFileCots},
    {121, "F_SR_NA_1", kFile, L::section_ready, kNo, 7, kOne, true, false, kFileCots},
    {122, "F_SC_NA_1", kFile, L::call_select, kNo, 4, kOne, true, false, cots({5}) | kFileCots},
    {123, "F_LS_NA_1", kFile, L::last_section, kNo, 5, kOne, true, false, kFileCots},
    {124, "F_AF_NA_1", kFile, L::ack_file, kNo, 4, kOne, true, false, kFileCots},
    {125, "F_SG_NA_1", kFile, L::segment, kNo, 0, kOne, true, false, kFileCots},
    {126, "F_DR_TA_1", kFile, L::directory, k56, 13, kAny, true, false, cots({3, 5, 13})},
    {127, "F_SC_NB_1", kFile, L::query_log, kNo, 16, kOne, true, false, kFileCots},
};

constexpr std::array<TypeInfo, 256> make_type_table() {
  std::array<TypeInfo, 256> table{};
  for (unsigned id = 136; id < 256; ++id) table[id].cls = TypeClass::private_use;
  for (const Row& r : kRows) {
    table[r.id] = TypeInfo{r.name, r.cls, r.layout, r.time, r.size, r.vsq, r.in_104, r.broadcast, r.cot};
  }
  return table;
}

}  // namespace detail

inline constexpr std::array<TypeInfo, 256> kTypeTable = detail::make_type_table();

constexpr const TypeInfo& type_info(std::uint8_t type_id) { return kTypeTable[type_id]; }

// Causes of transmission (101 §7.2.3); reserved values and the private range are anomalies.
enum class CotClass : std::uint8_t { defined, reserved, private_use };
constexpr CotClass cot_class(unsigned cot) {
  if (cot == 0 || (cot >= 17 && cot <= 19) || cot == 42 || cot == 43) return CotClass::reserved;
  if (cot >= 48) return CotClass::private_use;
  return CotClass::defined;
}
// "spont", "act", "inro3"...; empty for reserved and private values.
std::string_view cot_name(unsigned cot);

}  // namespace normwatch::protocols::iec104
