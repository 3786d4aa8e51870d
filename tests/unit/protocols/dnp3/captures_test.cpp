// Real captures (../shared/captures, skipped when absent): every DNP3 file's TCP/UDP payloads go
// through a session without a crash, and the link-frame and fragment counts agree with what
// tshark 4.0 counted (manifest.tsv) where tshark's and normwatch's rules agree.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "normwatch/protocols/dnp3/registration.hpp"
#include "normwatch/protocols/dnp3/session.hpp"
#include "protocols/dnp3/dnp3_test_helpers.hpp"
#include "protocols/dnp3/pcap_helpers.hpp"

namespace normwatch::protocols::dnp3 {
namespace {

namespace fs = std::filesystem;

struct Counts {
  std::uint64_t link = 0;
  std::uint64_t fragments = 0;
  std::uint64_t anomalies = 0;
  std::uint64_t malformed = 0;
  std::map<std::string, std::uint64_t> by_name;
};

bool looks_dnp3(const test::Payload& p) {
  return p.src_port == 20000 || p.dst_port == 20000 || p.src_port == 20001 || p.dst_port == 20001 ||
         probe(core::Bytes(p.bytes), p.udp) == ProbeResult::yes;
}

Counts run(const fs::path& file) {
  Counts c;
  test::RecordingSink sink;
  std::map<std::size_t, std::unique_ptr<Dnp3Session>> sessions;
  std::map<std::size_t, bool> is_dnp3;
  std::string error;
  const bool ok = test::read_pcap_payloads(
      file.string(),
      [&](const test::Payload& p) {
        auto [it, fresh] = is_dnp3.try_emplace(p.flow, false);
        if (fresh) it->second = looks_dnp3(p);
        if (!it->second) return;
        auto& s = sessions[p.flow];
        if (!s) s = std::make_unique<Dnp3Session>(sink);
        const SegmentContext ctx{p.frame_no, core::Timestamp{p.ts_ns}};
        if (p.udp) {
          s->on_datagram(p.side, core::Bytes(p.bytes), ctx);
        } else {
          s->on_stream(p.side, core::Bytes(p.bytes), p.gap_before, ctx);
        }
      },
      error);
  EXPECT_TRUE(ok) << file << ": " << error;
  for (auto& [flow, s] : sessions) {
    s->on_end(SegmentContext{});
    c.link += s->counters().link_frames;
    c.fragments += s->counters().fragments;
    c.anomalies += s->counters().anomaly_total();
    c.malformed += s->counters().malformed;
  }
  for (const auto& a : sink.anomalies) ++c.by_name[a.name];
  return c;
}

fs::path captures() { return fs::path(NORMWATCH_SHARED_CAPTURES); }

#define SKIP_WITHOUT_CAPTURES()                                                                   \
  if (!fs::is_directory(captures())) GTEST_SKIP() << "shared captures not found at " << captures(); \
  static_assert(true)

TEST(Dnp3Captures, EveryDnp3CaptureRunsWithoutCrashAndWithSaneCounts) {
  SKIP_WITHOUT_CAPTURES();
  std::size_t files = 0;
  for (const auto& dir : fs::directory_iterator(captures())) {
    if (!dir.is_directory()) continue;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      const std::string n = entry.path().filename().string();
      if (entry.path().extension() != ".pcap" || (n.find("dnp3") == std::string::npos && n.find("auth") == std::string::npos)) {
        continue;
      }
      std::ifstream probe_file(entry.path(), std::ios::binary);
      char magic[4] = {};
      probe_file.read(magic, 4);
      if (static_cast<unsigned char>(magic[0]) == 0x0a) continue;  // pcapng: not read by the test reader
      ++files;
      const Counts c = run(entry.path());
      std::string names;
      for (const auto& [k, v] : c.by_name) names += " " + k + "=" + std::to_string(v);
      std::printf("%-90s link=%llu fragments=%llu anomalies=%llu malformed=%llu%s\n", n.c_str(),
                  static_cast<unsigned long long>(c.link), static_cast<unsigned long long>(c.fragments),
                  static_cast<unsigned long long>(c.anomalies), static_cast<unsigned long long>(c.malformed), names.c_str());
      EXPECT_LE(c.fragments, c.link) << n;
    }
  }
  EXPECT_GT(files, 10u);
}

struct Expected {
  const char* file;
  std::uint64_t link;       // tshark pdu_dnp3_link
  std::uint64_t fragments;  // tshark pdu_dnp3_app
  std::uint64_t malformed;  // normwatch's malformed records (see notes)
};

// Files where normwatch counts exactly the link frames and fragments tshark counts (manifest.tsv).
// Malformed: dnp3.pcap and its Quickdraw twin carry 6 headers with reserved range code 0xD, which
// tshark shows as "Unknown Range Type" without marking them malformed; arkime's synthetic file has
// one truncated response (tshark's other malformed frame there is our dnp3.too_many_points).
constexpr Expected kExact[] = {
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3.pcap", 115, 115, 6},
    {"ITI__ICS-Security-Tools/pcaps__dnp3__dnp3_test_data_part1.pcap", 93, 93, 6},
    {"ITI__ICS-Security-Tools/pcaps__dnp3__dnp3_test_data_part2.pcap", 22, 22, 0},
    {"ITI__ICS-Security-Tools/pcaps__dnp3__full_exchange.pcap", 11, 10, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_read.pcap", 2, 2, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_read_p20001.pcap", 2, 2, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_write.pcap", 2, 2, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_select_operate.pcap", 4, 4, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_del_measure.pcap", 2, 2, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_en_spon.pcap", 2, 2, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_rec_time.pcap", 2, 2, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_file_del.pcap", 2, 2, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_file_read.pcap", 14, 11, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_file_write.pcap", 9, 6, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_link_only.pcap", 23, 3, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_udp_read.pcap", 23, 3, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_udp_en_spon.pcap", 4, 2, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_udp_write.pcap", 2, 2, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3_udp_select_operate.pcap", 10, 6, 0},
    {"zeek__zeek/testing__btest__Traces__auth_change_session_keys.pcap", 4, 4, 0},
    {"zeek__zeek/testing__btest__Traces__dnp3__dnp3-flowbuffer-overflow-assert.pcap", 17, 0, 0},
    {"OISF__suricata-verify/tests__dnp3__dnp3-eve__input.pcap", 73, 72, 0},
    {"OISF__suricata-verify/tests__dnp3__dnp3-flood__input.pcap", 33, 33, 0},
    {"OISF__suricata-verify/tests__dnp3__dnp3-toclient-start__dnp3_toclient_start.pcap", 3, 3, 0},
    {"OISF__suricata-verify/tests__dnp3__dnp3-too-long-reassembly-response__input.pcap", 65, 0, 0},
    {"arkime__arkime/tests__pcap__dnp3_synthetic.pcap", 10, 9, 1},
};

TEST(Dnp3Captures, CountsAgreeWithTshark) {
  SKIP_WITHOUT_CAPTURES();
  std::size_t checked = 0;
  for (const Expected& e : kExact) {
    const fs::path path = captures() / e.file;
    if (!fs::exists(path)) continue;
    ++checked;
    const Counts c = run(path);
    EXPECT_EQ(c.link, e.link) << e.file;
    EXPECT_EQ(c.fragments, e.fragments) << e.file;
    EXPECT_EQ(c.malformed, e.malformed) << e.file;
  }
  EXPECT_GT(checked, 0u);
}

TEST(Dnp3Captures, MaxPointsWriteIsOverTheFragmentCap) {
  // suricata-verify dnp3-max-points: a write of 65535 packed points over 33 segments (8205 bytes).
  // tshark reassembles it; normwatch stops at the 2048-byte fragment cap and says so.
  SKIP_WITHOUT_CAPTURES();
  const fs::path path = captures() / "OISF__suricata-verify/tests__dnp3__dnp3-max-points__test.pcap";
  if (!fs::exists(path)) GTEST_SKIP() << "missing " << path;
  Counts c = run(path);
  EXPECT_EQ(c.link, 39u);
  EXPECT_EQ(c.fragments, 0u);
  EXPECT_EQ(c.by_name["dnp3.fragment_too_long"], 1u);
}

TEST(Dnp3Captures, TooLongReassemblyIsNamed) {
  SKIP_WITHOUT_CAPTURES();
  const fs::path path = captures() / "OISF__suricata-verify/tests__dnp3__dnp3-too-long-reassembly-request__input.pcap";
  if (!fs::exists(path)) GTEST_SKIP() << "missing " << path;
  Counts c = run(path);
  EXPECT_EQ(c.link, 65u);
  EXPECT_EQ(c.fragments, 0u);
  EXPECT_GE(c.by_name["dnp3.fragment_too_long"], 1u);
}

}  // namespace
}  // namespace normwatch::protocols::dnp3
