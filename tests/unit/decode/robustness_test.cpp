// Robustness: every anomaly has a stable name and is reachable; every prefix of a valid frame
// (cut by a snaplen or simply short) decodes without reading past it.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "decode/decode_helpers.hpp"
#include "normwatch/decode/decoder.hpp"

namespace normwatch::decode {
namespace {

using test::ByteVec;
using test::hex;
using test::raw;

TEST(AnomalyNames, StableAndUnique) {
  EXPECT_EQ(name(DecodeAnomaly::truncated_ipv4), "decode.truncated_ipv4");
  EXPECT_EQ(name(DecodeAnomaly::fragment_overlap), "decode.fragment_overlap");
  EXPECT_EQ(name(DecodeAnomaly::snaplen_truncated), "decode.snaplen_truncated");
  EXPECT_EQ(name(DecodeAnomaly::too_many_fragments), "decode.too_many_fragments");
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < kDecodeAnomalyCount; ++i) {
    const std::string_view n = name(static_cast<DecodeAnomaly>(i));
    EXPECT_EQ(n.substr(0, 7), "decode.");
    EXPECT_TRUE(seen.insert(n).second) << n;
  }
  EXPECT_EQ(name(DecodeAnomaly::kCount), "decode.unknown");
}

struct Case {
  int link;
  const char* frame;
  std::uint32_t extra_wire = 0;  // bytes the snaplen cut off
};

// One frame per anomaly that a single frame can raise (fragment caps are driven separately).
const Case kOneFrameCases[] = {
    {1, "02 00 00 00 00 02 02 00 00 00 00 01"},                                                      // truncated_link
    {1, "02 00 00 00 00 02 02 00 00 00 00 01 81 00 00"},                                             // truncated_vlan
    {1, "02 00 00 00 00 02 02 00 00 00 00 01 81 00 00 01 81 00 00 02 81 00 00 03 81 00 00 04 08 00"},  // too_many_vlan_tags
    {12, "45 00 00 2a 12 34"},                                                                       // truncated_ipv4
    {12, "43 00 00 2a 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02"},                             // bad_ipv4_header_length
    {12, "45 00 00 2a 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02"},                             // bad_ipv4_total_length
    {12, "45 00 00 14 12 34 40 00 40 06 00 00 0a 00 00 01 0a 00 00 02"},                             // bad_ipv4_checksum
    {12, "60 00 00 00 00 00 06 40"},                                                                 // truncated_ipv6
    {229, "60 00 00 00 00 08 00 40 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
          " 06 05 00 00 00 00 00 00"},                                                               // bad_ipv6_extension
    {12, "70 00"},                                                                                   // bad_ip_version
    {12, "45 00 00 1e 12 34 40 00 40 06 14 a5 0a 00 00 01 0a 00 00 02 00 00 00 00 00 00 00 00 00 00"},  // truncated_tcp
    {12, "45 00 00 28 12 34 40 00 40 06 14 9a 0a 00 00 01 0a 00 00 02 c3 50 01 f6 00 00 03 e9 00 00 07 d1 40 18 20 00 00 00 00 00"},  // bad_tcp_data_offset
    {12, "45 00 00 28 12 34 40 00 40 06 14 9a 0a 00 00 01 0a 00 00 02 c3 50 01 f6 00 00 03 e9 00 00 07 d1 50 18 20 00 00 00 00 00"},  // bad_tcp_checksum
    {12, "45 00 00 18 12 34 40 00 40 11 14 97 0a 00 00 01 0a 00 00 02 4e 20 4e 20"},                 // truncated_udp
    {12, "45 00 00 1c 12 34 40 00 40 11 14 93 0a 00 00 01 0a 00 00 02 4e 20 4e 20 00 02 00 00"},     // bad_udp_length
    {12, "45 00 00 1c 12 34 40 00 40 11 14 93 0a 00 00 01 0a 00 00 02 4e 20 4e 20 00 08 12 34"},     // bad_udp_checksum
    {12, "45 00 00 2a 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02", 22},                         // snaplen_truncated
    {105, "00"},                                                                                     // unsupported_link_type
    {12, "45 00 00 2c 12 34 40 00 40 06 14 96 0a 00 00 01 0a 00 00 02 c3 50 01 f6 00 00 03 e9 00 00 07 d1 60 02 20 00 00 00 00 00 02 00 00 00"},  // bad_tcp_option
};

TEST(Anomalies, EveryAnomalyIsReachable) {
  Decoder d(DecoderLimits{.max_fragment_datagrams = 1, .max_fragment_bytes = 200, .max_fragments_per_datagram = 3});
  DecodedPacket p;
  for (const auto& c : kOneFrameCases) {
    const ByteVec f = hex(c.frame);
    d.decode(raw(f, c.link, 0, 1, static_cast<std::uint32_t>(f.size()) + c.extra_wire), p);
  }
  // Fragments (raw IPv4, UDP, id in byte 5): overlap, table full, too many, too large, timeout.
  const auto frag = [&](const char* header_and_data, std::int64_t ts) {
    const ByteVec f = hex(header_and_data);
    d.decode(raw(f, 12, ts), p);
  };
  frag("45 00 00 1c 00 01 20 00 40 11 00 00 0a 00 00 01 0a 00 00 02 01 01 01 01 01 01 01 01", 0);  // id 1 [0,8) MF
  frag("45 00 00 1c 00 01 20 00 40 11 00 00 0a 00 00 01 0a 00 00 02 02 02 02 02 02 02 02 02", 0);  // overlap
  frag("45 00 00 1c 00 01 20 01 40 11 00 00 0a 00 00 01 0a 00 00 02 01 01 01 01 01 01 01 01", 0);  // id 1 [8,16)
  frag("45 00 00 1c 00 01 20 02 40 11 00 00 0a 00 00 01 0a 00 00 02 01 01 01 01 01 01 01 01", 0);  // 4th: too many
  frag("45 00 00 1c 00 02 20 00 40 11 00 00 0a 00 00 01 0a 00 00 02 01 01 01 01 01 01 01 01", 0);  // id 2
  frag("45 00 00 1c 00 03 20 00 40 11 00 00 0a 00 00 01 0a 00 00 02 01 01 01 01 01 01 01 01", 0);  // id 3: full
  frag("45 00 00 1c 00 04 20 20 40 11 00 00 0a 00 00 01 0a 00 00 02 01 01 01 01 01 01 01 01", 0);  // id 4 at 256: too large
  frag("45 00 00 1c 00 05 20 00 40 11 00 00 0a 00 00 01 0a 00 00 02 01 01 01 01 01 01 01 01", 0);  // id 5, held
  d.expire(core::Timestamp{3600'000'000'000});                                                      // timeout
  for (std::size_t i = 0; i < kDecodeAnomalyCount; ++i) {
    EXPECT_GT(d.counters().anomalies[i], 0u) << name(static_cast<DecodeAnomaly>(i));
  }
}

// Valid frames of every layer combination, cut at every length.
const Case kValidFrames[] = {
    {1, "02 00 00 00 00 02 02 00 00 00 00 01 81 00 00 64 08 00"
        "46 00 00 3a 12 34 40 00 40 06 00 00 0a 00 00 01 0a 00 00 02 94 04 00 00"
        "c3 50 01 f6 00 00 03 e8 00 00 00 00 80 02 20 00 00 00 00 00 02 04 05 b4 04 02 01 03 03 07 00 00 ab cd"},
    {1, "02 00 00 00 00 02 02 00 00 00 00 01 86 dd 60 00 00 00 00 1e 00 40"
        "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
        "3c 00 01 04 00 00 00 00 11 00 01 04 00 00 00 00 09 64 09 64 00 0e 00 00 68 04 43 00 00 00"},
    {113, "00 00 00 01 00 06 02 00 00 00 00 01 00 00 08 00"
          "45 00 00 1e 12 34 40 00 40 11 00 00 0a 00 00 01 0a 00 00 02 4e 20 4e 20 00 0a 00 00 05 64"},
    {276, "08 00 00 00 00 00 00 02 00 01 04 06 02 00 00 00 00 01 00 00"
          "45 00 00 1e 12 34 20 00 40 11 00 00 0a 00 00 01 0a 00 00 02 4e 20 4e 20 00 0a 00 00 05 64"},
    {0, "1e 00 00 00 60 00 00 00 00 10 2c 40"
        "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
        "11 00 00 01 00 00 00 09 4e 20 4e 20 00 10 00 00"},
};

TEST(Robustness, EveryPrefixOfValidFramesDecodesSafely) {
  for (const auto& c : kValidFrames) {
    const ByteVec whole = hex(c.frame);
    for (std::size_t n = 0; n <= whole.size(); ++n) {
      // Exactly-sized heap copy so a sanitizer build catches any read past the end.
      auto exact = std::make_unique<std::byte[]>(n == 0 ? 1 : n);
      std::copy(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n), exact.get());
      for (const bool snaplen : {false, true}) {
        Decoder d;
        DecodedPacket p;
        capture::RawFrame f;
        f.link_type = c.link;
        f.bytes = core::Bytes(exact.get(), n);
        f.wire_len = snaplen ? static_cast<std::uint32_t>(whole.size()) : static_cast<std::uint32_t>(n);
        const DecodeStatus s = d.decode(f, p);
        if (s == DecodeStatus::anomaly) {
          EXPECT_NE(d.last_anomaly(), DecodeAnomaly::kCount);
        }
        if (!p.payload.empty()) {
          EXPECT_GE(p.payload.data(), exact.get());
          EXPECT_LE(p.payload.data() + p.payload.size(), exact.get() + n);
        }
        if (snaplen && n < whole.size() && s == DecodeStatus::anomaly) {
          // A frame cut by the snaplen is never blamed on the sender as a truncated header.
          for (DecodeAnomaly a : {DecodeAnomaly::truncated_ipv4, DecodeAnomaly::truncated_tcp, DecodeAnomaly::truncated_udp}) {
            EXPECT_FALSE(p.has(a)) << name(a) << " at length " << n;
          }
        }
      }
    }
    // The whole frame itself decodes cleanly to a transport (or a held fragment).
    Decoder d;
    DecodedPacket p;
    const DecodeStatus s = d.decode(raw(whole, c.link), p);
    EXPECT_TRUE(s == DecodeStatus::transport || s == DecodeStatus::fragment_held) << c.frame;
  }
}

}  // namespace
}  // namespace normwatch::decode
