// `normwatch-collector export` (issue 10 §3): a period of chained, signed events goes into a
// bundle that the offline ChainVerifier accepts; the run extends to the covering checkpoint.
#include "normwatch/collector/export_bundle.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "collector_test_helpers.hpp"
#include "normwatch/events/chain_verifier.hpp"
#include "normwatch/publish/checkpoint.hpp"

namespace normwatch::collector {
namespace {

using test::TempDir;

// Lines as a signing sensor writes them: 10 findings one second apart, a checkpoint every 4.
std::vector<std::string> sensor_lines(const publish::Signer& signer) {
  publish::EvidenceOptions o;
  o.signer = signer;
  o.checkpoints.every_events = 4;
  o.checkpoints.every = std::chrono::milliseconds(0);
  auto chain = publish::EvidenceChain::open("", o, "s1", 9).value();
  std::vector<std::string> lines;
  std::uint64_t seq = 1;
  auto stamp = [&](events::Event e) {
    e.sensor = "s1";
    e.epoch = 9;
    e.seq = seq;
    chain.link(e);
    lines.push_back(events::to_json_line(e));
    chain.advance(seq++, lines.back());
  };
  const auto now = publish::EvidenceChain::Clock::now();
  for (int i = 0; i < 10; ++i) {
    events::Event e;
    e.ts = core::Timestamp::from_seconds(1'700'000'000 + i);
    e.kind = events::EventKind::norm_violation;
    e.message = "finding " + std::to_string(i);
    stamp(std::move(e));
    if (chain.checkpoint_due(now, false)) stamp(chain.make_checkpoint(core::Timestamp::from_seconds(1'700'000'000 + i), now));
  }
  stamp(chain.make_checkpoint(core::Timestamp::from_seconds(1'700'000'100), now));
  return lines;
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

TEST(ExportBundle, WritesAVerifiableSignedRunWithKeysAndSums) {
  TempDir dir;
  const auto signer = publish::Signer::from_seed_hex(std::string(64, 'c')).value();
  const auto lines = sensor_lines(signer);
  ASSERT_EQ(lines.size(), 13u);  // 10 findings + checkpoints after 4 and 8 + the final one
  auto store = EventStore::open(dir / "c.db").value();
  for (const auto& line : lines) ASSERT_EQ(store->ingest(line, "s1", 1).value(), LineOutcome::stored);
  ASSERT_TRUE(store->commit());
  std::filesystem::create_directories(dir / "allow");
  ASSERT_TRUE(signer.write(dir / "allow" / "s1"));

  ExportOptions o;
  o.from = "2023-11-14T22:13:20Z";   // 1'700'000'000
  o.to = "2023-11-14T22:13:26Z";     // the first six findings, through seq 7
  o.out = dir / "bundle";
  o.keys_dir = dir / "allow";
  auto summary = export_bundle(*store, o);
  ASSERT_TRUE(summary) << summary.error();
  ASSERT_EQ(summary->sensors.size(), 1u);
  EXPECT_TRUE(summary->sensors[0].key);
  EXPECT_EQ(summary->sensors[0].first_seq, 1u);
  EXPECT_EQ(summary->sensors[0].last_seq, 10u);  // extended to the checkpoint after seq 9
  EXPECT_EQ(summary->sensors[0].checkpoints, 2u);

  const auto exported = read_lines(dir / "bundle/events/s1.jsonl");
  ASSERT_EQ(exported.size(), 10u);
  for (std::size_t i = 0; i < exported.size(); ++i) EXPECT_EQ(exported[i], lines[i]);  // byte for byte
  events::ChainVerifier verifier("s1", signer.public_key_hex());
  for (std::size_t i = 0; i < exported.size(); ++i) verifier.add_line(exported[i], i + 1);
  const auto verdict = verifier.finish();
  EXPECT_TRUE(verdict.pass());
  EXPECT_EQ(verdict.signed_events, 10u);
  EXPECT_EQ(read_lines(dir / "bundle/checkpoints/s1.jsonl").size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(dir / "bundle/keys/s1.sign.pub"));
  EXPECT_EQ(read_lines(dir / "bundle/SHA256SUMS").size(), 5u);  // events, checkpoints, heartbeats, key, manifest

  // A second export into the same directory is refused.
  EXPECT_FALSE(export_bundle(*store, o));
}

TEST(ExportBundle, TimeBoundsCompareLikeTheStoredForm) {
  EXPECT_EQ(export_time_bound("2023-11-14T22:13:20Z").value(), "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ(export_time_bound("1700000000").value(), "2023-11-14T22:13:20.000000Z");
  EXPECT_FALSE(export_time_bound("yesterday"));
}

}  // namespace
}  // namespace normwatch::collector
