// Decoding of the real public captures in ../shared/captures agrees with Wireshark: ADU counts per
// file (manifest.tsv, tshark 4.0) and the fields of suricata-verify's modbus.pcap; the probe
// refuses the non-Modbus connections of Zeek's modbus-and-non-modbus-p502.pcap. Skipped when the
// captures are absent (they are never copied into the project).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "normwatch/protocols/modbus/registration.hpp"
#include "protocols/modbus/pcap_helpers.hpp"
#include "protocols/modbus/sink_helpers.hpp"

namespace normwatch::protocols::modbus {
namespace {

const std::filesystem::path kCaptures = NORMWATCH_SHARED_CAPTURES;

#define SKIP_WITHOUT_CAPTURES()                                                                  \
  if (!std::filesystem::exists(kCaptures / "manifest.tsv")) {                                    \
    GTEST_SKIP() << "shared captures not found at " << kCaptures << " (they are not part of the project)"; \
  }

std::vector<testing::TcpSegment> load(const std::string& relative) {
  auto segments = testing::read_tcp_segments((kCaptures / relative).string());
  EXPECT_TRUE(segments.has_value()) << relative;
  return segments.value_or(std::vector<testing::TcpSegment>{});
}

// manifest.tsv rows with Modbus ADUs: file -> tshark's ADU count.
std::map<std::string, std::size_t> modbus_files() {
  std::ifstream in(kCaptures / "manifest.tsv");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream hs(line);
  for (std::string col; std::getline(hs, col, '\t');) header.push_back(col);
  std::map<std::string, std::size_t> out;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ls(line);
    for (std::string col; std::getline(ls, col, '\t');) cols.push_back(col);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < cols.size(); ++i) row[header[i]] = cols[i];
    const std::size_t adus = row["pdu_modbus_adu"].empty() ? 0 : std::stoul(row["pdu_modbus_adu"]);
    if (adus > 0) out[row["file"]] = adus;
  }
  return out;
}

TEST(ModbusCaptures, SuricataVerifyModbusPcapFields) {
  SKIP_WITHOUT_CAPTURES();
  testing::RecordingSink sink;
  testing::replay_connections(load("OISF__suricata-verify/tests__modbus__modbus.pcap"), 502, sink);
  EXPECT_EQ(sink.pdus.size(), 39U);
  std::map<std::uint64_t, std::string> by_frame;
  for (const auto& p : sink.pdus) by_frame[p.frame_no] = p.fields;
  EXPECT_EQ(by_frame[8], "tid=0 unit=10 fc=8 response=false sub=4");
  EXPECT_EQ(by_frame[9], "tid=0 unit=10 fc=8 response=true exception=11 sub=4");
  EXPECT_EQ(by_frame[18], "tid=0 unit=10 fc=8 response=true sub=1");
  EXPECT_EQ(by_frame[32], "tid=1 unit=10 fc=43 response=false sub=14");
  EXPECT_EQ(by_frame[41], "tid=0 unit=10 fc=17 response=true");
  EXPECT_EQ(by_frame[55], "tid=1 unit=10 fc=1 response=true addr=2 qty=2");
  EXPECT_EQ(by_frame[58], "tid=1 unit=10 fc=3 response=true addr=5 qty=2");
  EXPECT_EQ(by_frame[61], "tid=1 unit=10 fc=5 response=true addr=2");
  EXPECT_EQ(by_frame[91], "tid=1 unit=10 fc=1 response=true exception=6");
  // Frames 76-82 are not Modbus (protocol id 0x8804 / 0x0010): one resync, nothing decoded.
  EXPECT_EQ(sink.count("modbus.bad_length"), 1U);
}

TEST(ModbusCaptures, AduCountsAgreeWithWireshark) {
  SKIP_WITHOUT_CAPTURES();
  // Known, explained differences from tshark's count.
  const std::map<std::string, long> expected_difference{
      // A 2-byte-length ADU (fc 0x81 without its code) that tshark drops; we report it malformed.
      {"arkime__arkime/tests__pcap__arkime_synthetic.pcap", +1},
      // A segment tshark calls a spurious retransmission; this test's simple replay keeps it.
      {"zeek__zeek/testing__btest__Traces__modbus__modbusBig.pcap", +1},
      // A fuzz trace with random sequence numbers: gaps before nearly every segment, and
      // unassigned function codes, which strict resynchronisation does not believe.
      {"zeek__zeek/testing__btest__Traces__modbus__fuzz-72.pcap", -4},
  };
  for (const auto& [file, tshark_count] : modbus_files()) {
    testing::RecordingSink sink;
    const auto counters = testing::replay_connections(load(file), 502, sink);
    const auto it = expected_difference.find(file);
    const long difference = it == expected_difference.end() ? 0 : it->second;
    EXPECT_EQ(static_cast<long>(counters.pdus), static_cast<long>(tshark_count) + difference) << file;
    EXPECT_EQ(sink.pdus.size(), counters.pdus) << file;
  }
}

TEST(ModbusCaptures, ProbeRefusesNonModbusOnPort502) {
  SKIP_WITHOUT_CAPTURES();
  // Zeek #3962: one Modbus connection and six others (DCE/RPC, Sun RPC, TLS, HTTP, ...) on 502.
  const auto segments = load("zeek__zeek/testing__btest__Traces__modbus__modbus-and-non-modbus-p502.pcap");
  std::set<std::pair<std::uint16_t, bool>> probed;  // (client port, from client)
  std::size_t yes = 0;
  std::size_t no = 0;
  for (const auto& seg : segments) {
    if (seg.payload.empty()) continue;
    const bool from_client = seg.dst_port == 502;
    const std::uint16_t client_port = from_client ? seg.src_port : seg.dst_port;
    if (!probed.insert({client_port, from_client}).second) continue;
    const ProbeResult r = probe(seg.payload, false);
    if (client_port == 3082) {
      EXPECT_EQ(r, ProbeResult::yes) << "Modbus connection, from client " << from_client;
      ++yes;
    } else {
      EXPECT_EQ(r, ProbeResult::no) << "port " << client_port << " from client " << from_client;
      ++no;
    }
  }
  EXPECT_EQ(yes, 2U);
  EXPECT_GE(no, 6U);
}

TEST(ModbusCaptures, ProbeAcceptsEveryModbusCapturesFirstBytes) {
  SKIP_WITHOUT_CAPTURES();
  for (const auto& [file, count] : modbus_files()) {
    (void)count;
    if (file.find("fuzz") != std::string::npos || file.find("non-modbus") != std::string::npos) continue;
    std::set<std::tuple<std::uint32_t, std::uint16_t, std::uint32_t, std::uint16_t>> seen;
    for (const auto& seg : load(file)) {
      if (seg.payload.empty() || (seg.src_port != 502 && seg.dst_port != 502)) continue;
      if (!seen.insert({seg.src_ip, seg.src_port, seg.dst_ip, seg.dst_port}).second) continue;
      // The Digital Bond test data has one connection (client port 2585) of non-Modbus bytes
      // (protocol id 0, length 0x8804) that tshark does not decode either.
      const bool digital_bond = file.find("modbus_test_data_part1") != std::string::npos ||
                                file.find("suricata-verify/tests__modbus__modbus.pcap") != std::string::npos ||
                                file.find("arkime/tests__pcap__modbus.pcap") != std::string::npos;
      if (digital_bond && seg.src_port == 2585 && seg.dst_port == 502) {
        EXPECT_EQ(probe(seg.payload, false), ProbeResult::no) << file;
        continue;
      }
      EXPECT_NE(probe(seg.payload, false), ProbeResult::no) << file << " frame " << seg.frame_no;
    }
  }
}

}  // namespace
}  // namespace normwatch::protocols::modbus
