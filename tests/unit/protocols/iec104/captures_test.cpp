// The public IEC 104 captures of ../shared/captures through the session: no crash, and the APDU
// and ASDU counts tshark finds (manifest.tsv; for the synthetic heinrihs-s files the counts with
// tcp.analyze_sequence_numbers off). Skipped when the captures are absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "iec104_test_support.hpp"
#include "normwatch/protocols/iec104/session.hpp"
#include "pcap_helpers.hpp"

namespace normwatch::protocols::iec104 {
namespace {

namespace fs = std::filesystem;

struct Expected {
  std::string file;
  std::size_t apci = 0;
  std::size_t asdu = 0;
  std::size_t malformed_frames = 0;  // tshark: IEC 104 or ASDU malformed
};

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) out.push_back(cell);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

std::size_t number_after(const std::string& text, const std::string& key, std::size_t fallback) {
  const auto at = text.find(key);
  if (at == std::string::npos) return fallback;
  return std::stoul(text.substr(at + key.size()));
}

std::vector<Expected> iec104_files(const fs::path& root) {
  std::ifstream in(root / "manifest.tsv");
  std::string line;
  std::getline(in, line);
  const auto header = split(line, '\t');
  auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    return header.size();
  };
  const std::size_t c_file = column("file"), c_apci = column("pdu_iec104_apci"), c_asdu = column("pdu_iec104_asdu"),
                    c_alt = column("alt_counts"), c_mal = column("mal_iec104");
  std::vector<Expected> out;
  while (std::getline(in, line)) {
    const auto cells = split(line, '\t');
    if (cells.size() <= std::max({c_file, c_apci, c_asdu, c_alt, c_mal})) continue;
    if (cells[c_apci].empty() || std::stoul(cells[c_apci]) == 0) continue;
    Expected e;
    e.file = cells[c_file];
    e.apci = number_after(cells[c_alt], "apci=", std::stoul(cells[c_apci]));
    e.asdu = number_after(cells[c_alt], "asdu=", std::stoul(cells[c_asdu]));
    e.malformed_frames = cells[c_mal].empty() ? 0 : std::stoul(cells[c_mal]);
    out.push_back(e);
  }
  return out;
}

class CountingSink final : public PduSink {
 public:
  void on_pdu(const PduRecord& r) override {
    ++pdus;
    const Pdu* pdu = r.as<Pdu>();
    ASSERT_NE(pdu, nullptr);
    if (pdu->has_asdu) ++asdus;
    if (!r.malformed.empty()) ++malformed;
    test::JsonWriter w;
    r.describe(w);  // every record must describe without trouble
    describe_objects(*pdu, w);
  }
  void on_anomaly(const AnomalyRecord& r) override { ++anomalies[std::string(r.name)]; }
  std::size_t pdus = 0, asdus = 0, malformed = 0;
  std::map<std::string, std::size_t> anomalies;
};

struct Replay {
  CountingSink sink;
  std::map<std::size_t, std::unique_ptr<Iec104Session>> sessions;
};

void replay(const fs::path& path, Replay& r) {
  std::string error;
  const bool ok = test::read_tcp_payloads(
      path.string(),
      [&](const test::TcpPayload& p) {
        auto& s = r.sessions[p.flow];
        if (!s) s = std::make_unique<Iec104Session>(r.sink, Config{}, 4096);
        SegmentContext ctx;
        ctx.frame_no = p.frame_no;
        ctx.ts = core::Timestamp{p.ts_ns};
        s->on_stream(p.side, core::Bytes(p.bytes), false, ctx);
      },
      error);
  ASSERT_TRUE(ok) << error;
  for (auto& [flow, s] : r.sessions) s->on_end(SegmentContext{});
}

TEST(Captures, SharedIec104CapturesMatchTsharkCounts) {
  const fs::path root = NORMWATCH_SHARED_CAPTURES;
  if (!fs::exists(root / "manifest.tsv")) GTEST_SKIP() << "shared captures not found at " << root;
  const auto files = iec104_files(root);
  ASSERT_GE(files.size(), 12u);
  for (const Expected& e : files) {
    SCOPED_TRACE(e.file);
    Replay r;
    replay(root / e.file, r);
    std::ostringstream anomalies;
    for (const auto& [name, n] : r.sink.anomalies) anomalies << name << "=" << n << " ";
    std::printf("%-80s apdus %zu/%zu asdus %zu/%zu malformed %zu (tshark %zu) %s\n", e.file.c_str(), r.sink.pdus,
                e.apci, r.sink.asdus, e.asdu, r.sink.malformed, e.malformed_frames, anomalies.str().c_str());
    if (e.malformed_frames == 0) {
      EXPECT_EQ(r.sink.pdus, e.apci);
      EXPECT_EQ(r.sink.asdus, e.asdu);
      EXPECT_EQ(r.sink.malformed, 0u);
    } else {
      // The Wireshark dissector test capture: garbage around and inside APDUs. Sane counts only.
      EXPECT_GE(r.sink.pdus, e.asdu);
      EXPECT_LE(r.sink.pdus, e.apci + e.malformed_frames);
    }
  }
}

}  // namespace
}  // namespace normwatch::protocols::iec104
