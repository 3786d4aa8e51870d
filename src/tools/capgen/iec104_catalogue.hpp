// The IEC 60870-5-104 catalogue encoder: information elements of every standard type
// (IEC 60870-5-101 §7.2.6 and §7.3, time tags CP16/CP24/CP56Time2a of §7.2.6.18-20), an ASDU
// builder for SQ=0 and SQ=1 (§7.2.2) in the 104 profile (COT 2 octets with the originator
// address, CA 2, IOA 3), and the per-type facts the iec104-catalogue scenario walks through.
// Written from the standard apart from the parser, so that the capture checks the parser.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "capgen/bytes.hpp"

namespace normwatch::tools::capgen::iec104cat {

// Causes of transmission used by name (101 §7.2.3).
enum Cot : std::uint8_t {
  kPeriodic = 1,
  kBackground = 2,
  kSpontaneous = 3,
  kInitialised = 4,
  kRequest = 5,
  kActivation = 6,
  kActivationCon = 7,
  kDeactivation = 8,
  kDeactivationCon = 9,
  kActivationTerm = 10,
  kReturnRemote = 11,
  kReturnLocal = 12,
  kFile = 13,
  kInterrogatedStation = 20,  // 21..36: group 1..16
  kCounterGeneral = 37,       // 38..41: counter group 1..4
  kUnknownType = 44,
  kUnknownCause = 45,
  kUnknownCommonAddress = 46,
  kUnknownObjectAddress = 47,
};

// Time tags. `unix_us` is the event time; the calendar fields are UTC.
Bytes cp56(std::int64_t unix_us, bool invalid = false, bool summer = false);  // 7 octets
Bytes cp24(std::int64_t unix_us, bool invalid = false);                        // 3 octets
Bytes cp16(unsigned milliseconds);                                             // 2 octets, < 60000

// The data unit identifier and its objects. For SQ=1 the first object's address is written once
// and the others follow at consecutive addresses.
class AsduBuilder {
 public:
  struct Header {
    std::uint8_t type = 0;
    std::uint8_t cot = 0;
    std::uint16_t ca = 1;
    std::uint8_t oa = 0;
    bool negative = false;
    bool test = false;
    bool sq = false;
  };
  explicit AsduBuilder(const Header& h);

  AsduBuilder& object(std::uint32_t ioa, ByteView element);  // SQ=0: address + element; SQ=1: see above
  std::uint8_t count() const { return static_cast<std::uint8_t>(bytes_[1] & 0x7F); }
  const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
};

// Sample values that vary with the object index, so that neighbouring objects differ.
struct Sample {
  unsigned index = 0;
  std::int64_t time_us = 0;
};

// Command qualifiers: S/E and QU (SCO, DCO, RCO: 101 §7.2.6.15-17) or QL (QOS, §7.2.6.39).
struct Command {
  unsigned state = 1;     // SCS 0/1; DCS and RCS 1/2
  unsigned qualifier = 0; // QU 0..31 or QL 0..127
  bool select = false;
  double value = 0;       // set-points: normalised (-1..1), scaled or float
  std::uint32_t bits = 0; // bitstring commands
  std::int64_t time_us = 0;
};

// One row per type id the catalogue writes: element size after the IOA (time tag included),
// whether SQ=1 is allowed, and the encoder of a sample (monitor) or command element.
struct TypeRow {
  std::uint8_t id;
  std::string_view name;
  std::uint8_t element_size;
  bool sq1;
  bool in_104;  // false: IEC 101-only type, carried here to exercise CP24Time2a and 101 commands
  Bytes (*sample)(const Sample&);
  Bytes (*command)(const Command&);
};

std::span<const TypeRow> type_rows();
const TypeRow* find_type(std::uint8_t id);

// Elements of the system, parameter and file-transfer types (101 §7.3.4-7.3.6).
Bytes coi(unsigned cause, bool after_parameter_change = false);           // M_EI_NA_1
Bytes qoi(unsigned qualifier);                                              // C_IC_NA_1: 20 station, 21..36 groups
Bytes qcc(unsigned request, unsigned freeze);                               // C_CI_NA_1: RQT 1..5, FRZ 0..3
Bytes fbp();                                                                // C_TS_NA_1: 0x55AA
Bytes qrp(unsigned qualifier);                                              // C_RP_NA_1: 1 general, 2 event buffer
Bytes tsc(unsigned counter, std::int64_t time_us);                          // C_TS_TA_1: TSC + CP56
Bytes parameter(std::uint8_t type, double value, unsigned kpa, bool lpc = false, bool pop = false);  // 110..112
Bytes qpa(unsigned qualifier);                                              // P_AC_NA_1
Bytes file_ready(unsigned nof, std::uint32_t lof, bool negative = false);  // F_FR_NA_1
Bytes section_ready(unsigned nof, unsigned nos, std::uint32_t lof, bool not_ready = false);  // F_SR_NA_1
Bytes call_select(unsigned nof, unsigned nos, unsigned scq);                 // F_SC_NA_1
Bytes last_section(unsigned nof, unsigned nos, unsigned lsq, unsigned chs);  // F_LS_NA_1
Bytes ack_file(unsigned nof, unsigned nos, unsigned afq);                    // F_AF_NA_1
Bytes segment(unsigned nof, unsigned nos, ByteView data);                    // F_SG_NA_1 (LOS = data size)
Bytes directory_entry(unsigned nof, std::uint32_t lof, unsigned sof, std::int64_t created_us);  // F_DR_TA_1
Bytes query_log(unsigned nof, std::int64_t from_us, std::int64_t to_us);     // F_SC_NB_1

// Sum modulo 256 of the octets (101 §7.2.6.37 CHS).
unsigned checksum(ByteView data);

}  // namespace normwatch::tools::capgen::iec104cat
