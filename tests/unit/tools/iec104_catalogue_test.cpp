// The IEC 104 catalogue encoder against the standard's layouts: CP56Time2a and CP24Time2a fields
// (IEC 60870-5-101 §7.2.6.18-19), element sizes per type id (§7.3), the ASDU header and SQ=0/SQ=1
// object lists (§7.2.1-7.2.2), file-transfer elements and the section checksum (§7.2.6.37).
#include <gtest/gtest.h>

#include <set>

#include "capgen/iec104_catalogue.hpp"
#include "tools/tools_test_helpers.hpp"

namespace normwatch::tools::capgen::iec104cat {
namespace {

using test::hex;

constexpr std::int64_t kNewYear2026 = 1'767'225'600'000'000;  // Thursday 2026-01-01T00:00:00Z

TEST(Iec104Catalogue, Cp56OfNewYear2026) {
  // ms 0, minute 0, hour 0, day 1 with day of week 4 (Thursday) in bits 5-7, month 1, year 26.
  EXPECT_EQ(cp56(kNewYear2026), hex("00 00 00 00 81 01 1a"));
}

TEST(Iec104Catalogue, Cp56OfALeapDayWithFlags) {
  // 2024-02-29T13:45:30.250Z, a Thursday; IV in the minute octet, SU in the hour octet.
  const std::int64_t t = 1'709'214'330'250'000;
  EXPECT_EQ(cp56(t, true, true), hex("2a 76 ad 8d 9d 02 18"));
}

TEST(Iec104Catalogue, Cp24AndCp16) {
  const std::int64_t t = kNewYear2026 + 61'500'000;  // 00:01:01.500
  EXPECT_EQ(cp24(t), hex("dc 05 01"));
  EXPECT_EQ(cp24(t, true), hex("dc 05 81"));
  EXPECT_EQ(cp16(480), hex("e0 01"));
}

TEST(Iec104Catalogue, EveryTypeRowWritesItsElementSize) {
  std::set<unsigned> ids;
  for (const TypeRow& row : type_rows()) {
    EXPECT_TRUE(ids.insert(row.id).second) << "type " << unsigned{row.id} << " listed twice";
    for (unsigned i = 0; i < 8; ++i) {
      const Bytes element = row.sample ? row.sample(Sample{i, kNewYear2026}) : row.command(Command{1, 0, i % 2 == 0});
      EXPECT_EQ(element.size(), row.element_size) << row.name << " object " << i;
    }
  }
  // Every type id of 101/104 used in 104 that carries process or command data, and the 101-only
  // CP24 types (system, parameter and file types are written with their own functions).
  for (unsigned id : {1, 3, 5, 7, 9, 11, 13, 15, 20, 21, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 45, 46, 47, 48,
                      49, 50, 51, 58, 59, 60, 61, 62, 63, 64, 2, 4, 6, 8, 10, 12, 14, 16, 17, 18, 19}) {
    EXPECT_NE(find_type(static_cast<std::uint8_t>(id)), nullptr) << id;
  }
}

TEST(Iec104Catalogue, SampleValuesAreValid) {
  for (unsigned i = 0; i < 8; ++i) {
    const Sample s{i, kNewYear2026};
    EXPECT_EQ(find_type(1)->sample(s)[0] & 0x0E, 0) << "SIQ reserved bits";
    EXPECT_EQ(find_type(3)->sample(s)[0] & 0x0C, 0) << "DIQ reserved bits";
    EXPECT_EQ(find_type(13)->sample(s)[4] & 0x0E, 0) << "QDS reserved bits";
    EXPECT_EQ(find_type(39)->sample(s)[0] & 0xC0, 0) << "SPE reserved bits";
    EXPECT_EQ(find_type(40)->sample(s)[0] & 0xF0, 0) << "OCI reserved bits";
  }
  // Set-points keep QL 0 and put S/E in bit 8; SCO keeps bit 2 clear.
  EXPECT_EQ(find_type(48)->command(Command{0, 0, true, 0.5}), hex("00 40 80"));
  EXPECT_EQ(find_type(45)->command(Command{1, 1, true}), hex("85"));  // ON, short pulse, select
  EXPECT_EQ(find_type(46)->command(Command{2, 3, false}), hex("0e"));  // ON, persistent, execute
}

TEST(Iec104Catalogue, AsduHeaderAndObjectLists) {
  AsduBuilder::Header h{13, kSpontaneous, 0x0201, 3, true, true, false};
  AsduBuilder sq0(h);
  sq0.object(0x010203, hex("00 00 80 3f 00")).object(0x010206, hex("00 00 00 40 10"));
  // type 13, VSQ 2, COT 3 | P/N | T, OA 3, CA 0x0201, then IOA + element per object.
  EXPECT_EQ(sq0.bytes(), hex("0d 02 c3 03 01 02 03 02 01 00 00 80 3f 00 06 02 01 00 00 00 40 10"));
  h.sq = true;
  h.negative = h.test = false;
  AsduBuilder sq1(h);
  sq1.object(100, hex("01")).object(101, hex("00")).object(102, hex("01"));
  EXPECT_EQ(sq1.count(), 3);
  EXPECT_EQ(sq1.bytes(), hex("0d 83 03 03 01 02 64 00 00 01 00 01"));
}

TEST(Iec104Catalogue, FileTransferElements) {
  EXPECT_EQ(file_ready(2, 60), hex("02 00 3c 00 00 00"));
  EXPECT_EQ(file_ready(5, 0, true), hex("05 00 00 00 00 80"));
  EXPECT_EQ(section_ready(2, 1, 60), hex("02 00 01 3c 00 00 00"));
  EXPECT_EQ(call_select(2, 1, 6), hex("02 00 01 06"));
  EXPECT_EQ(last_section(2, 1, 3, 0xAB), hex("02 00 01 03 ab"));
  EXPECT_EQ(ack_file(2, 0, 1), hex("02 00 00 01"));
  EXPECT_EQ(segment(2, 1, hex("41 42 43")), hex("02 00 01 03 41 42 43"));
  EXPECT_EQ(directory_entry(3, 4096, 0x20, kNewYear2026).size(), 13u);
  EXPECT_EQ(query_log(5, kNewYear2026, kNewYear2026).size(), 16u);
  EXPECT_EQ(checksum(hex("ff 02 01")), 2u);  // (255 + 2 + 1) mod 256
}

TEST(Iec104Catalogue, SystemAndParameterElements) {
  EXPECT_EQ(coi(1, true), hex("81"));
  EXPECT_EQ(qcc(5, 1), hex("45"));
  EXPECT_EQ(fbp(), hex("aa 55"));
  EXPECT_EQ(tsc(0x1234, kNewYear2026), hex("34 12 00 00 00 00 81 01 1a"));
  EXPECT_EQ(parameter(111, -500, 3), hex("0c fe 03"));
  EXPECT_EQ(parameter(112, 1500.0, 4, true), hex("00 80 bb 44 44"));
  EXPECT_EQ(parameter(110, 0.5, 2, false, true), hex("00 40 82"));
}

}  // namespace
}  // namespace normwatch::tools::capgen::iec104cat
