// Conformance anomalies found in well-framed ASDUs (IEC 60870-5-101 §7.2 and §7.2.6): reserved
// and private type ids and causes, causes and structure qualifiers a type does not allow, common
// addresses, and reserved or invalid element values. Each is reported once per APDU.
#include <gtest/gtest.h>

#include "session_harness.hpp"

namespace normwatch::protocols::iec104 {
namespace {

using test::Harness;
using test::i_frame;
using Names = std::vector<std::string>;

// Anomalies reported for one ASDU sent by the controlled station after a clean start.
Names from_server(std::string_view asdu, const Config& config = {}) {
  Harness h(config);
  h.start();
  h.server(i_frame(0, 0, asdu));
  return h.sink.anomaly_names();
}

// The same for the controlling station.
Names from_client(std::string_view asdu) {
  Harness h;
  h.start();
  h.client(i_frame(0, 0, asdu));
  return h.sink.anomaly_names();
}

TEST(Checks, ReservedAndPrivateTypes) {
  EXPECT_EQ(from_server("16 01 03 00 01 00 01 00 00 00"), Names{"iec104.reserved_type"});
  EXPECT_EQ(from_server("c8 01 03 00 01 00 01 00 00 00"), Names{"iec104.private_type"});
}

TEST(Checks, Iec101OnlyTypes) {
  EXPECT_EQ(from_server("02 01 03 00 01 00 01 00 00 01 10 27 05"), Names{"iec104.type_not_in_104"});
}

TEST(Checks, ReservedPrivateAndDisallowedCauses) {
  EXPECT_EQ(from_server("01 01 11 00 01 00 01 00 00 01"), Names{"iec104.reserved_cot"});
  EXPECT_EQ(from_server("01 01 30 00 01 00 01 00 00 01"), Names{"iec104.private_cot"});
  EXPECT_EQ(from_server("01 01 06 00 01 00 01 00 00 01"), Names{"iec104.cot_not_allowed"});
  Config lenient;
  lenient.check_cot_for_type = false;
  EXPECT_EQ(from_server("01 01 06 00 01 00 01 00 00 01", lenient), Names{});
}

TEST(Checks, StructureQualifierTheTypeDoesNotAllow) {
  EXPECT_EQ(from_client("2d 02 06 00 01 00 01 00 00 01 02 00 00 01"), Names{"iec104.bad_vsq_for_type"});
  EXPECT_EQ(from_server("1e 81 03 00 01 00 01 00 00 01 c8 32 39 08 1d 08 08"), Names{"iec104.bad_vsq_for_type"});
}

TEST(Checks, CommonAddresses) {
  EXPECT_EQ(from_server("01 01 03 00 00 00 01 00 00 01"), Names{"iec104.zero_common_address"});
  EXPECT_EQ(from_client("2d 01 06 00 ff ff 01 00 00 01"), Names{"iec104.broadcast_not_allowed"});
  EXPECT_EQ(from_client("64 01 06 00 ff ff 00 00 00 14"), Names{});  // interrogation may be broadcast
}

TEST(Checks, QualityReservedBits) {
  EXPECT_EQ(from_server("01 01 03 00 01 00 01 00 00 03"), Names{"iec104.reserved_siq"});
  EXPECT_EQ(from_server("03 01 03 00 01 00 01 00 00 06"), Names{"iec104.reserved_diq"});
  EXPECT_EQ(from_server("0d 01 03 00 01 00 01 00 00 00 00 80 3f 02"), Names{"iec104.reserved_qds"});
  EXPECT_EQ(from_server("26 01 03 00 01 00 01 00 00 06 00 00 c8 32 39 08 1d 08 08"), Names{"iec104.reserved_sep"});
  EXPECT_EQ(from_server("27 01 03 00 01 00 01 00 00 41 01 00 00 c8 32 39 08 1d 08 08"),
            (Names{"iec104.reserved_spe", "iec104.reserved_qdp"}));
  EXPECT_EQ(from_server("28 01 03 00 01 00 01 00 00 11 00 00 00 c8 32 39 08 1d 08 08"), Names{"iec104.reserved_oci"});
}

TEST(Checks, NonFiniteFloats) {
  EXPECT_EQ(from_server("0d 01 03 00 01 00 01 00 00 00 00 c0 7f 00"), Names{"iec104.float_not_finite"});
  EXPECT_EQ(from_client("32 01 06 00 01 00 01 00 00 00 00 80 7f 00"), Names{"iec104.float_not_finite"});
}

TEST(Checks, CommandQualifiers) {
  EXPECT_EQ(from_client("2d 01 06 00 01 00 01 00 00 03"), Names{"iec104.reserved_sco"});
  EXPECT_EQ(from_client("2e 01 06 00 01 00 01 00 00 03"), Names{"iec104.invalid_dco"});
  EXPECT_EQ(from_client("2e 01 06 00 01 00 01 00 00 00"), Names{"iec104.invalid_dco"});
  EXPECT_EQ(from_client("2f 01 06 00 01 00 01 00 00 03"), Names{"iec104.invalid_rco"});
  EXPECT_EQ(from_client("2d 01 06 00 01 00 01 00 00 11"), Names{"iec104.reserved_qoc"});
  EXPECT_EQ(from_client("30 01 06 00 01 00 01 00 00 00 20 05"), Names{"iec104.reserved_qos"});
}

TEST(Checks, SystemAndParameterQualifiers) {
  EXPECT_EQ(from_client("64 01 06 00 01 00 00 00 00 40"), Names{"iec104.reserved_qoi"});
  EXPECT_EQ(from_client("65 01 06 00 01 00 00 00 00 07"), Names{"iec104.reserved_qcc"});
  EXPECT_EQ(from_client("69 01 06 00 01 00 00 00 00 03"), Names{"iec104.reserved_qrp"});
  EXPECT_EQ(from_client("6e 01 06 00 01 00 01 00 00 00 40 05"), Names{"iec104.reserved_qpm"});
  EXPECT_EQ(from_client("71 01 06 00 01 00 01 00 00 04"), Names{"iec104.reserved_qpa"});
  EXPECT_EQ(from_server("46 01 04 00 01 00 00 00 00 05"), Names{"iec104.reserved_coi"});
}

TEST(Checks, TestPatternMustBe55AA) {
  EXPECT_EQ(from_client("68 01 06 00 01 00 00 00 00 aa 55"), Names{"iec104.type_not_in_104"});
  EXPECT_EQ(from_client("68 01 06 00 01 00 00 00 00 55 aa"), (Names{"iec104.type_not_in_104", "iec104.invalid_fbp"}));
}

TEST(Checks, FileTransferQualifiers) {
  EXPECT_EQ(from_server("78 01 0d 00 01 00 01 00 00 01 00 00 10 00 01"), Names{"iec104.reserved_frq"});
  EXPECT_EQ(from_server("79 01 0d 00 01 00 01 00 00 01 00 01 00 10 00 05"), Names{"iec104.reserved_srq"});
  EXPECT_EQ(from_client("7a 01 0d 00 01 00 01 00 00 01 00 01 09"), Names{"iec104.reserved_scq"});
  EXPECT_EQ(from_server("7b 01 0d 00 01 00 01 00 00 01 00 01 07 00"), Names{"iec104.reserved_lsq"});
  EXPECT_EQ(from_client("7c 01 0d 00 01 00 01 00 00 01 00 01 0a"), Names{"iec104.reserved_afq"});
  EXPECT_EQ(from_server("7d 01 0d 00 01 00 01 00 00 01 00 01 00"), Names{"iec104.bad_segment_length"});
  EXPECT_EQ(from_server("7e 01 03 00 01 00 01 00 00 01 00 00 01 00 01 c8 32 39 08 1d 08 08"), Names{"iec104.reserved_sof"});
}

TEST(Checks, TimeFields) {
  // Minute 61, then 30 February, then reserved bits in the month octet.
  EXPECT_EQ(from_server("1e 01 03 00 01 00 01 00 00 01 c8 32 3d 08 1d 08 08"), Names{"iec104.invalid_time"});
  EXPECT_EQ(from_server("1e 01 03 00 01 00 01 00 00 01 c8 32 39 08 1e 02 08"), Names{"iec104.invalid_time"});
  EXPECT_EQ(from_server("1e 01 03 00 01 00 01 00 00 01 c8 32 39 08 1d 28 08"), Names{"iec104.reserved_time_bits"});
  EXPECT_EQ(from_server("1e 01 03 00 01 00 01 00 00 01 c8 32 39 08 1d 02 08"), Names{});  // 29 Feb 2008
}

TEST(Checks, OneReportPerAnomalyPerApduWithTheCount) {
  Harness h;
  h.start();
  h.server(i_frame(0, 0, "01 03 03 00 01 00 01 00 00 03 02 00 00 03 03 00 00 01"));
  ASSERT_EQ(h.sink.anomaly_names(), Names{"iec104.reserved_siq"});
  EXPECT_EQ(h.sink.anomalies[0].detail, "M_SP_NA_1 value 0x3 at ioa 1 (2 of 3 objects)");
}

TEST(Checks, ElementChecksCanBeTurnedOff) {
  Config config;
  config.check_element_values = false;
  EXPECT_EQ(from_server("01 01 03 00 01 00 01 00 00 03", config), Names{});
}

TEST(Checks, PerApduReportLimit) {
  Config config;
  config.limits.max_anomalies_per_apdu = 2;
  Harness h(config);
  h.start();
  h.server(i_frame(0, 0, "16 01 11 00 00 00 01 00 00 00"));  // reserved type, reserved COT, CA 0
  EXPECT_EQ(h.sink.anomaly_names(), (Names{"iec104.reserved_type", "iec104.reserved_cot", "iec104.anomaly_limit"}));
  EXPECT_EQ(h.session().counters().by_anomaly[static_cast<std::size_t>(Anomaly::zero_common_address)], 1u);
}

}  // namespace
}  // namespace normwatch::protocols::iec104
