// Application layer: header and IIN, every qualifier (prefix and range codes), multi-header
// fragments with and without object data, packed/double-bit/octet-string/attribute/free-format
// objects, CROB / analog output / time decoding, limits, reserved codes and truncation.
#include "normwatch/protocols/dnp3/app_parser.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "normwatch/protocols/dnp3/object_decode.hpp"
#include "protocols/dnp3/dnp3_test_helpers.hpp"

namespace normwatch::protocols::dnp3 {
namespace {

struct Parsed {
  explicit Parsed(const AppLimits& limits) : storage(limits) {}
  test::ByteVec bytes;
  AppStorageBuffers storage;
  AppFragment app;
  Anomaly error = Anomaly::none;
};

std::unique_ptr<Parsed> parse(const test::ByteVec& bytes, const AppLimits& limits = {}) {
  auto p = std::make_unique<Parsed>(limits);
  p->bytes = bytes;
  p->error = parse_app(core::Bytes(p->bytes), limits, p->storage.view(), p->app);
  return p;
}
std::unique_ptr<Parsed> parse(std::string_view hex, const AppLimits& limits = {}) { return parse(test::hex(hex), limits); }

TEST(Dnp3AppParser, ReadClassDataHasFourHeadersWithoutData) {
  const auto p = parse("c0 01 3c 02 06 3c 03 06 3c 04 06 3c 01 06");
  ASSERT_EQ(p->error, Anomaly::none);
  EXPECT_TRUE(p->app.control.fir);
  EXPECT_TRUE(p->app.control.fin);
  EXPECT_FALSE(p->app.control.con);
  EXPECT_FALSE(p->app.control.uns);
  EXPECT_EQ(p->app.control.seq, 0);
  EXPECT_EQ(p->app.function, 1);
  EXPECT_FALSE(p->app.has_iin);
  ASSERT_EQ(p->app.objects.size(), 4u);
  EXPECT_EQ(p->app.objects[0].group, 60);
  EXPECT_EQ(p->app.objects[0].variation, 2);
  EXPECT_EQ(p->app.objects[0].qualifier, 0x06);
  EXPECT_EQ(p->app.objects[0].count, 0u);
  EXPECT_FALSE(p->app.objects[0].has_start_stop());
  EXPECT_EQ(p->app.objects[3].variation, 1);
}

TEST(Dnp3AppParser, ApplicationControlBits) {
  const auto p = parse("3a 00");  // FIR=0 FIN=0 CON=1 UNS=1 SEQ=10, confirm
  EXPECT_FALSE(p->app.control.fir);
  EXPECT_FALSE(p->app.control.fin);
  EXPECT_TRUE(p->app.control.con);
  EXPECT_TRUE(p->app.control.uns);
  EXPECT_EQ(p->app.control.seq, 10);
  EXPECT_EQ(p->error, Anomaly::none);
  EXPECT_TRUE(p->app.objects.empty());
}

TEST(Dnp3AppParser, ResponseCarriesIinHighByteFirst) {
  const auto p = parse("c0 81 90 02");
  ASSERT_EQ(p->error, Anomaly::none);
  EXPECT_TRUE(p->app.has_iin);
  EXPECT_EQ(p->app.iin, 0x9002);
  EXPECT_TRUE(p->app.iin & iin::kDeviceRestart);
  EXPECT_TRUE(p->app.iin & iin::kNeedTime);
  EXPECT_TRUE(p->app.iin & iin::kObjectUnknown);
}

TEST(Dnp3AppParser, StartStopRangesOfEveryWidthInARead) {
  const auto p = parse(
      "c0 01"
      " 1e 01 00 00 09"              // 1-byte start/stop
      " 1e 02 01 00 01 ff 01"        // 2-byte
      " 1e 03 02 10 00 00 00 13 00 00 00"  // 4-byte
      " 14 01 03 05 06"              // 1-byte virtual addresses
      " 14 01 04 00 01 00 02"        // 2-byte virtual
      " 14 01 05 01 00 00 00 01 00 00 00");  // 4-byte virtual
  ASSERT_EQ(p->error, Anomaly::none);
  ASSERT_EQ(p->app.objects.size(), 6u);
  const auto& o = p->app.objects;
  EXPECT_EQ(o[0].start, 0u);
  EXPECT_EQ(o[0].stop, 9u);
  EXPECT_EQ(o[0].count, 10u);
  EXPECT_EQ(o[1].start, 0x100u);
  EXPECT_EQ(o[1].stop, 0x1ffu);
  EXPECT_EQ(o[1].count, 256u);
  EXPECT_EQ(o[2].start, 16u);
  EXPECT_EQ(o[2].stop, 19u);
  EXPECT_EQ(o[3].count, 2u);
  EXPECT_EQ(o[4].count, 0x101u);
  EXPECT_EQ(o[5].count, 1u);
  for (const auto& h : o) {
    EXPECT_TRUE(h.has_start_stop());
    EXPECT_TRUE(h.data.empty());
  }
}

TEST(Dnp3AppParser, CountQualifiersOfEveryWidth) {
  const auto p = parse("c0 01 02 00 07 05 02 00 08 00 01 02 00 09 03 00 00 00");
  ASSERT_EQ(p->error, Anomaly::none);
  ASSERT_EQ(p->app.objects.size(), 3u);
  EXPECT_EQ(p->app.objects[0].count, 5u);
  EXPECT_EQ(p->app.objects[1].count, 256u);
  EXPECT_EQ(p->app.objects[2].count, 3u);
  EXPECT_FALSE(p->app.objects[0].has_start_stop());
}

TEST(Dnp3AppParser, IndexPrefixesInAReadAreWalkedEvenWithoutData) {
  // 0x17: 1-byte count, 1-byte indices; 0x28: 2/2; 0x39: 4/4. Then one more header that must be found.
  const auto p = parse(
      "c0 01 1e 01 17 02 03 07"
      " 1e 01 28 02 00 10 00 20 00"
      " 1e 01 39 01 00 00 00 44 33 22 11"
      " 3c 01 06");
  ASSERT_EQ(p->error, Anomaly::none);
  ASSERT_EQ(p->app.objects.size(), 4u);
  EXPECT_EQ(p->app.objects[0].prefix_size, 1);
  EXPECT_EQ(test::to_hex(p->app.objects[0].data), "0307");
  EXPECT_EQ(test::to_hex(p->app.objects[1].data), "10002000");
  EXPECT_EQ(test::to_hex(p->app.objects[2].data), "44332211");
  EXPECT_EQ(p->app.objects[3].group, 60);
}

TEST(Dnp3AppParser, ClassZeroResponseWithEveryCommonLayout) {
  const auto p = parse(
      "c0 81 00 00"
      " 01 02 00 00 03 01 01 81 01"            // g1v2: 4 x 1 byte flags
      " 1e 01 01 00 00 01 00 01 e8 03 00 00 01 d0 07 00 00"  // g30v1 0..1 (2-byte range), 2 x 5 bytes
      " 01 01 00 00 09 ff 03"                   // g1v1 packed, 10 points -> 2 bytes
      " 03 01 00 00 04 1b 02"                   // g3v1 double-bit, 5 points -> 2 bytes
      " 14 05 00 00 00 0a 00 00 00"             // g20v5 32-bit counter no flag
      " 28 02 00 00 00 01 10 00");              // g40v2 16-bit output status
  ASSERT_EQ(p->error, Anomaly::none) << name(p->error);
  ASSERT_EQ(p->app.objects.size(), 6u);
  EXPECT_EQ(p->app.objects[0].data.size(), 4u);
  EXPECT_EQ(p->app.objects[0].object_size, 1);
  EXPECT_EQ(p->app.objects[1].data.size(), 10u);
  EXPECT_EQ(p->app.objects[1].object_size, 5);
  EXPECT_EQ(p->app.objects[2].data.size(), 2u);
  EXPECT_EQ(p->app.objects[3].data.size(), 2u);
  EXPECT_EQ(p->app.objects[4].data.size(), 4u);
  EXPECT_EQ(p->app.objects[5].data.size(), 3u);
}

TEST(Dnp3AppParser, EventResponseWithCtoAndIndexPrefixes) {
  const auto p = parse(
      "f3 82 00 00"
      " 33 01 07 01 10 27 00 00 00 00"     // g51v1 CTO, count 1
      " 02 03 28 02 00 05 00 81 0a 00 07 00 01 14 00"  // g2v3 two events, 2-byte index, 3 bytes each
      " 20 01 17 01 02 01 64 00 00 00");    // g32v1 one analog event, 1-byte index
  ASSERT_EQ(p->error, Anomaly::none) << name(p->error);
  EXPECT_TRUE(p->app.control.uns);
  EXPECT_TRUE(p->app.control.con);
  ASSERT_EQ(p->app.objects.size(), 3u);
  EXPECT_EQ(p->app.objects[1].data.size(), 2u * (2 + 3));
  ASSERT_EQ(p->app.times.size(), 1u);
  EXPECT_EQ(p->app.times[0].group, 51);
  EXPECT_EQ(p->app.times[0].ms_since_epoch, 10000u);
  std::vector<std::uint32_t> indices;
  for_each_object(p->app.objects[1], [&](std::uint32_t index, core::Bytes object) {
    indices.push_back(index);
    EXPECT_EQ(object.size(), 3u);
  });
  EXPECT_EQ(indices, (std::vector<std::uint32_t>{5, 7}));
}

TEST(Dnp3AppParser, CrobIsDecoded) {
  // Direct operate, g12v1 qualifier 0x28: one CROB at index 5, latch on/close, count 1, on 100 ms.
  const auto p = parse("c3 05 0c 01 28 01 00 05 00 43 01 64 00 00 00 c8 00 00 00 00");
  ASSERT_EQ(p->error, Anomaly::none);
  ASSERT_EQ(p->app.controls.size(), 1u);
  const ControlRelayOutput& c = p->app.controls[0];
  EXPECT_EQ(c.index, 5u);
  EXPECT_EQ(c.variation, 1);
  EXPECT_EQ(c.control_code, 0x43);
  EXPECT_EQ(c.op_type(), 3);  // latch on
  EXPECT_EQ(c.trip_close(), 1);  // close
  EXPECT_FALSE(c.queue());
  EXPECT_FALSE(c.clear());
  EXPECT_EQ(c.count, 1);
  EXPECT_EQ(c.on_time_ms, 100u);
  EXPECT_EQ(c.off_time_ms, 200u);
  EXPECT_EQ(c.status_code(), 0);
}

TEST(Dnp3AppParser, CrobsInARangeTakeIndicesFromTheRange) {
  const auto p = parse(
      "c0 03 0c 01 00 03 04"
      " 81 02 0a 00 00 00 0a 00 00 00 00"
      " 04 01 00 00 00 00 00 00 00 00 01");
  ASSERT_EQ(p->error, Anomaly::none);
  ASSERT_EQ(p->app.controls.size(), 2u);
  EXPECT_EQ(p->app.controls[0].index, 3u);
  EXPECT_EQ(p->app.controls[0].trip_close(), 2);  // trip
  EXPECT_EQ(p->app.controls[0].op_type(), 1);     // pulse on
  EXPECT_EQ(p->app.controls[1].index, 4u);
  EXPECT_EQ(p->app.controls[1].op_type(), 4);     // latch off
  EXPECT_EQ(p->app.controls[1].status_code(), 1);
}

TEST(Dnp3AppParser, AnalogOutputsOfEveryVariationAreDecoded) {
  const auto p = parse(
      "c0 05"
      " 29 01 17 01 03 fe ff ff ff 00"             // v1 int32 -2, index 3
      " 29 02 17 01 04 10 27 00"                   // v2 int16 10000
      " 29 03 17 01 05 00 00 c0 3f 00"             // v3 float 1.5
      " 29 04 17 01 06 00 00 00 00 00 00 04 c0 02");  // v4 double -2.5, status 2
  ASSERT_EQ(p->error, Anomaly::none) << name(p->error);
  ASSERT_EQ(p->app.analog_outputs.size(), 4u);
  const auto& a = p->app.analog_outputs;
  EXPECT_EQ(a[0].index, 3u);
  EXPECT_EQ(a[0].int_value, -2);
  EXPECT_FALSE(a[0].is_float);
  EXPECT_EQ(a[1].int_value, 10000);
  EXPECT_TRUE(a[2].is_float);
  EXPECT_DOUBLE_EQ(a[2].value, 1.5);
  EXPECT_DOUBLE_EQ(a[3].value, -2.5);
  EXPECT_EQ(a[3].status, 2);
  EXPECT_EQ(a[3].index, 6u);
}

TEST(Dnp3AppParser, TimeObjectsAreDecoded) {
  // Write g50v1 (time sync), 1 700 000 000 000 ms = 0x018BCFE56800.
  const auto p = parse("c0 02 32 01 07 01 00 68 e5 cf 8b 01");
  ASSERT_EQ(p->error, Anomaly::none);
  ASSERT_EQ(p->app.times.size(), 1u);
  EXPECT_EQ(p->app.times[0].ms_since_epoch, 1700000000000u);
  EXPECT_EQ(p->app.times[0].variation, 1);
  // Freeze at time: g50v2 (time + 4-byte interval) then a counter header without data.
  const auto f = parse("c0 0b 32 02 07 01 00 68 e5 cf 8b 01 e8 03 00 00 14 00 06");
  ASSERT_EQ(f->error, Anomaly::none);
  ASSERT_EQ(f->app.times.size(), 1u);
  EXPECT_EQ(f->app.times[0].interval, 1000u);
  ASSERT_EQ(f->app.objects.size(), 2u);
  // g50v4 indexed absolute time and long interval.
  const auto v4 = parse("c0 02 32 04 17 01 02 00 68 e5 cf 8b 01 3c 00 00 00 05");
  ASSERT_EQ(v4->error, Anomaly::none);
  ASSERT_EQ(v4->app.times.size(), 1u);
  EXPECT_EQ(v4->app.times[0].index, 2u);
  EXPECT_EQ(v4->app.times[0].interval, 60u);
  EXPECT_EQ(v4->app.times[0].interval_units, 5);
}

TEST(Dnp3AppParser, IinClearWriteWithPackedObject) {
  const auto p = parse("c0 02 50 01 00 07 07 00");
  ASSERT_EQ(p->error, Anomaly::none);
  ASSERT_EQ(p->app.objects.size(), 1u);
  EXPECT_EQ(p->app.objects[0].count, 1u);
  EXPECT_EQ(p->app.objects[0].data.size(), 1u);
}

TEST(Dnp3AppParser, FreeFormatObjectsUseTheirSizePrefix) {
  // Open file g70v3 (0x5B: one object, 2-byte size), then another header that must be found.
  const auto p = parse("c0 19 46 03 5b 01 05 00 aa bb cc dd ee 3c 01 06");
  ASSERT_EQ(p->error, Anomaly::none) << name(p->error);
  ASSERT_EQ(p->app.objects.size(), 2u);
  EXPECT_EQ(p->app.objects[0].count, 1u);
  EXPECT_TRUE(p->app.objects[0].size_prefixed());
  EXPECT_EQ(p->app.objects[0].data.size(), 7u);
  std::vector<std::string> seen;
  for_each_object(p->app.objects[0], [&](std::uint32_t, core::Bytes o) { seen.push_back(test::to_hex(o)); });
  EXPECT_EQ(seen, std::vector<std::string>{"aabbccddee"});
  // A read carrying a file transport object (as in zeek's dnp3_file_read.pcap frame 7).
  const auto r = parse("c8 01 46 05 5b 01 06 00 01 02 03 04 05 06");
  EXPECT_EQ(r->error, Anomaly::none);
  EXPECT_EQ(r->app.objects.size(), 1u);
}

TEST(Dnp3AppParser, SecureAuthenticationIsFlagged) {
  // zeek auth_change_session_keys.pcap: key status request g120v4 and the 0x83 key status reply.
  const auto req = parse("c1 20 78 04 07 01 01 00");
  ASSERT_EQ(req->error, Anomaly::none);
  EXPECT_TRUE(req->app.secure_auth);
  ASSERT_EQ(req->app.objects.size(), 1u);
  EXPECT_EQ(req->app.objects[0].data.size(), 2u);
  const auto rsp = parse(
      "c1 83 90 00 78 05 5b 01 0f 00 01 00 00 00 01 00 01 02 00 04 00 73 74 65 76");
  ASSERT_EQ(rsp->error, Anomaly::none) << name(rsp->error);
  EXPECT_TRUE(rsp->app.secure_auth);
  EXPECT_EQ(rsp->app.iin, 0x9000);
  ASSERT_EQ(rsp->app.objects.size(), 1u);
  EXPECT_EQ(rsp->app.objects[0].group, 120);
  // A plain read with no g120 object is not flagged.
  EXPECT_FALSE(parse("c0 01 3c 01 06")->app.secure_auth);
}

TEST(Dnp3AppParser, OctetStringsTakeTheirVariationAsLength) {
  const auto p = parse("c0 81 00 00 6e 04 00 00 01 61 62 63 64 65 66 67 68 3c 01 06");
  ASSERT_EQ(p->error, Anomaly::none) << name(p->error);
  ASSERT_EQ(p->app.objects.size(), 2u);
  EXPECT_EQ(p->app.objects[0].data.size(), 8u);
}

TEST(Dnp3AppParser, DeviceAttributesCarryTypeAndLength) {
  const auto p = parse(
      "c0 81 00 00"
      " 00 f2 00 00 00 01 03 31 2e 30"        // g0v242 software version: VSTR "1.0"
      " 00 ff 00 00 00 fe 04 f2 00 f3 00"     // g0v255 list: 2 pairs
      " 00 f0 00 00 00 02 02 00 08");         // g0v240 max tx fragment: UINT 2048
  ASSERT_EQ(p->error, Anomaly::none) << name(p->error);
  ASSERT_EQ(p->app.objects.size(), 3u);
  EXPECT_EQ(p->app.objects[0].data.size(), 5u);
  EXPECT_EQ(p->app.objects[1].data.size(), 6u);
  // Extended list: the length octet counts from 256.
  test::ByteVec ext = test::hex("c0 81 00 00 00 ff 00 00 00 ff 00");
  ext.resize(ext.size() + 256, std::byte{0x01});
  const auto e = parse(ext);
  EXPECT_EQ(e->error, Anomaly::none);
  ASSERT_EQ(e->app.objects.size(), 1u);
  EXPECT_EQ(e->app.objects[0].data.size(), 258u);
  // Read of all attributes carries no data.
  EXPECT_EQ(parse("c0 01 00 fe 06")->error, Anomaly::none);
}

TEST(Dnp3AppParser, UnknownObjectWithDataStopsAndKeepsWhatWasFound) {
  const auto p = parse("c0 81 00 00 01 02 00 00 00 01 63 01 00 00 00 05 3c 01 06");
  EXPECT_EQ(p->error, Anomaly::unknown_object);
  ASSERT_EQ(p->app.objects.size(), 2u);
  EXPECT_EQ(p->app.objects[1].group, 99);
}

TEST(Dnp3AppParser, UnknownObjectInAReadIsFine) {
  const auto p = parse("c0 01 63 01 00 00 05 3c 01 06");
  EXPECT_EQ(p->error, Anomaly::none);
  EXPECT_EQ(p->app.objects.size(), 2u);
}

TEST(Dnp3AppParser, UnknownSizePrefixedObjectIsStillWalked) {
  const auto p = parse("c0 81 00 00 63 01 5b 02 01 00 aa 02 00 bb cc 3c 01 06");
  EXPECT_EQ(p->error, Anomaly::none);
  EXPECT_EQ(p->app.objects.size(), 2u);
}

TEST(Dnp3AppParser, VariableObjectWithoutSizePrefixIsABadQualifier) {
  const auto p = parse("c0 19 46 03 07 01 05 00 aa bb cc dd ee");
  EXPECT_EQ(p->error, Anomaly::bad_qualifier);
  EXPECT_EQ(p->app.objects.size(), 1u);
}

TEST(Dnp3AppParser, TooManyObjectHeaders) {
  AppLimits limits;
  limits.max_objects_per_fragment = 2;
  const auto p = parse("c0 01 3c 02 06 3c 03 06 3c 04 06", limits);
  EXPECT_EQ(p->error, Anomaly::too_many_objects);
  EXPECT_EQ(p->app.objects.size(), 2u);
}

TEST(Dnp3AppParser, TooManyPointsInAHeaderWithData) {
  // Like suricata-verify dnp3-max-points: a write of g1v1 over 0..65534.
  test::ByteVec big = test::hex("c0 02 01 01 01 00 00 fe ff");
  big.resize(big.size() + 8192, std::byte{0});
  const auto p = parse(big);
  EXPECT_EQ(p->error, Anomaly::too_many_points);
  ASSERT_EQ(p->app.objects.size(), 1u);
  EXPECT_EQ(p->app.objects[0].count, 65535u);
  // A read naming the same range carries no bytes per point and is not limited.
  EXPECT_EQ(parse("c0 01 01 01 01 00 00 fe ff")->error, Anomaly::none);
  // A hostile 4-byte count of size-prefixed objects is refused before any loop.
  EXPECT_EQ(parse("c0 02 46 03 59 ff ff ff ff 01 00 00")->error, Anomaly::too_many_points);
}

TEST(Dnp3AppParser, BadRangeStopBelowStart) {
  const auto p = parse("c0 01 1e 01 00 09 02");
  EXPECT_EQ(p->error, Anomaly::bad_range);
  ASSERT_EQ(p->app.objects.size(), 1u);
  EXPECT_EQ(p->app.objects[0].count, 0u);
}

TEST(Dnp3AppParser, ReservedQualifiersAreRefused) {
  EXPECT_EQ(parse("c0 01 1e 01 86")->error, Anomaly::bad_qualifier);          // bit 7
  EXPECT_EQ(parse("c0 01 1e 01 77 01 00")->error, Anomaly::bad_qualifier);    // prefix code 7
  EXPECT_EQ(parse("c0 01 1e 01 0a 01")->error, Anomaly::bad_qualifier);       // range code 0xA
  EXPECT_EQ(parse("c0 01 1e 01 0c 01")->error, Anomaly::bad_qualifier);       // range code 0xC
  EXPECT_EQ(parse("c0 01 1e 01 0b 01 00")->error, Anomaly::bad_qualifier);    // 0xB needs a size prefix
  EXPECT_EQ(parse("c0 01 1e 01 16")->error, Anomaly::bad_qualifier);          // "all" with a prefix
}

TEST(Dnp3AppParser, UnknownFunctionIsNotWalked) {
  const auto p = parse("c0 70 3c 01 06");
  EXPECT_EQ(p->error, Anomaly::unknown_function);
  EXPECT_TRUE(p->app.objects.empty());
  EXPECT_EQ(p->app.function, 0x70);
}

TEST(Dnp3AppParser, HeaderTooShort) {
  EXPECT_EQ(parse("")->error, Anomaly::app_too_short);
  EXPECT_EQ(parse("c0")->error, Anomaly::app_too_short);
  EXPECT_EQ(parse("c0 81 00")->error, Anomaly::app_too_short);
  EXPECT_EQ(parse("c0 81 00 00")->error, Anomaly::none);
}

TEST(Dnp3AppParser, EveryTruncationIsBoundedAndNamed) {
  const test::ByteVec full = test::hex(
      "c0 81 00 00 01 02 00 00 03 01 01 81 01 0c 01 28 01 00 05 00 43 01 64 00 00 00 c8 00 00 00 00"
      " 46 03 5b 01 05 00 aa bb cc dd ee 00 f2 00 00 00 01 03 31 2e 30");
  const auto whole = parse(full);
  ASSERT_EQ(whole->error, Anomaly::none) << name(whole->error);
  ASSERT_EQ(whole->app.objects.size(), 4u);
  for (std::size_t n = 0; n < full.size(); ++n) {
    const auto p = parse(test::ByteVec(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)));
    const Anomaly e = p->error;
    EXPECT_TRUE(e == Anomaly::none || e == Anomaly::app_too_short || e == Anomaly::object_truncated) << n << " " << name(e);
    EXPECT_LE(p->app.objects.size(), 4u);
    for (const auto& h : p->app.objects) EXPECT_LE(h.data.size(), n);
  }
}

TEST(Dnp3AppParser, OversizedCountsAgainstShortDataAreTruncation) {
  EXPECT_EQ(parse("c0 81 00 00 1e 01 01 00 00 ff 00 01")->error, Anomaly::object_truncated);
  EXPECT_EQ(parse("c0 81 00 00 1e 01 02 00 00 00 00 ff 00 00 00")->error, Anomaly::object_truncated);
  EXPECT_EQ(parse("c0 81 00 00 78 01 5b 01 ff ff 00")->error, Anomaly::object_truncated);
}

TEST(Dnp3AppParser, DecodedObjectsAreCappedByTheirStorage) {
  AppLimits limits;
  limits.max_decoded_controls = 1;
  const auto p = parse(
      "c0 03 0c 01 00 03 04"
      " 81 02 0a 00 00 00 0a 00 00 00 00"
      " 04 01 00 00 00 00 00 00 00 00 01",
      limits);
  EXPECT_EQ(p->error, Anomaly::none);
  EXPECT_EQ(p->app.controls.size(), 1u);
  EXPECT_TRUE(p->app.decoded_truncated);
}

}  // namespace
}  // namespace normwatch::protocols::dnp3
