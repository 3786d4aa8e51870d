// Signer key files, EvidenceChain checkpoints, and the chain a DeliverySink writes: linked lines
// that the offline verifier accepts, continued across a restart (issue 10 §1).
#include "normwatch/publish/signer.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "normwatch/events/chain_verifier.hpp"
#include "normwatch/publish/checkpoint.hpp"
#include "normwatch/publish/delivery_sink.hpp"
#include "publish_test_helpers.hpp"

namespace normwatch::publish {
namespace {

using test::TempDir;

std::string errors_of(const events::SensorVerdict& v) {
  std::string out;
  for (const auto& f : v.findings) {
    if (f.level == events::FindingLevel::error) out += f.code + ": " + f.text + "\n";
  }
  return out;
}

events::SensorVerdict verify_lines(const std::vector<std::string>& lines, const std::string& sensor,
                                   const std::string& key) {
  events::ChainVerifier v(sensor, key);
  for (std::size_t i = 0; i < lines.size(); ++i) v.add_line(lines[i], i + 1);
  return v.finish();
}

TEST(Signer, WritesAndReadsKeyFilesWithTheSecretPrivate) {
  TempDir dir;
  auto signer = Signer::generate().value();
  ASSERT_TRUE(signer.write(dir / "sensor1"));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "sensor1.sign.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string warning;
  auto again = Signer::read(dir / "sensor1.sign.key", &warning).value();
  EXPECT_TRUE(warning.empty());
  EXPECT_EQ(again.public_key_hex(), signer.public_key_hex());
  EXPECT_EQ(read_sign_public_key(dir / "sensor1.sign.pub").value(), signer.public_key_hex());
  EXPECT_FALSE(signer.write(dir / "sensor1"));  // never overwrites
}

TEST(Signer, SignaturesVerifyOnlyForTheSignedStatement) {
  auto signer = Signer::from_seed_hex(std::string(64, '7')).value();
  events::Checkpoint cp;
  cp.sensor = "s";
  cp.head = events::genesis_hex();
  cp.key = signer.public_key_hex();
  cp.signature = signer.sign_hex(events::checkpoint_statement(cp));
  EXPECT_TRUE(events::verify_checkpoint_signature(cp, signer.public_key_hex()));
  cp.total = 1;
  EXPECT_FALSE(events::verify_checkpoint_signature(cp, signer.public_key_hex()));
}

TEST(EvidenceChain, ChecksPointsEveryNEventsAndOnForce) {
  EvidenceOptions o;
  o.signer = Signer::from_seed_hex(std::string(64, '1')).value();
  o.checkpoints.every_events = 3;
  o.checkpoints.every = std::chrono::milliseconds(0);
  auto chain = EvidenceChain::open("", o, "s", 5).value();
  const auto now = EvidenceChain::Clock::now();
  EXPECT_FALSE(chain.checkpoint_due(now, true));  // nothing stamped yet
  chain.advance(1, "a");
  chain.advance(2, "b");
  EXPECT_FALSE(chain.checkpoint_due(now, false));
  EXPECT_TRUE(chain.checkpoint_due(now, true));
  chain.advance(3, "c");
  ASSERT_TRUE(chain.checkpoint_due(now, false));
  const events::Event cp = chain.make_checkpoint(core::Timestamp{}, now);
  EXPECT_EQ(cp.kind, events::EventKind::integrity);
  EXPECT_NE(cp.body_json.find("\"through_seq\":3"), std::string::npos);
  chain.advance(4, "checkpoint line");
  EXPECT_FALSE(chain.checkpoint_due(now, true));  // the checkpoint itself makes none due
}

DeliveryOptions chained(const TempDir& dir, const std::string& events_file) {
  DeliveryOptions o;
  o.sensor_id = "unit";
  o.events_path = (dir / events_file).string();
  o.spool_dir = dir / "spool";
  o.log = [](const std::string&) {};
  EvidenceOptions e;
  e.signer = Signer::from_seed_hex(std::string(64, 'a')).value();
  e.checkpoints.every_events = 25;
  o.evidence = e;
  return o;
}

TEST(DeliverySinkChain, WritesLinkedLinesWithSignedCheckpointsAcrossARestart) {
  TempDir dir;
  const std::string key = Signer::from_seed_hex(std::string(64, 'a')).value().public_key_hex();
  {
    auto sink = DeliverySink::open(chained(dir, "run1.jsonl")).value();
    for (int i = 0; i < 60; ++i) sink->emit(test::finding(1'700'000'000 + i));
    sink->flush();
    EXPECT_EQ(sink->stats().checkpoints, 3u);  // at 25, 50 and the flush
  }
  {
    auto sink = DeliverySink::open(chained(dir, "run2.jsonl")).value();
    for (int i = 0; i < 10; ++i) sink->emit(test::finding(1'700'001'000 + i));
    sink->flush();
  }
  auto lines = test::read_lines(dir / "run1.jsonl");
  const auto second = test::read_lines(dir / "run2.jsonl");
  ASSERT_EQ(lines.size(), 63u);
  lines.insert(lines.end(), second.begin(), second.end());
  const events::SensorVerdict v = verify_lines(lines, "unit", key);
  EXPECT_TRUE(v.pass()) << errors_of(v);
  EXPECT_EQ(v.epochs, 2u);
  EXPECT_EQ(v.gaps, 0u);
  EXPECT_EQ(v.checkpoints_ok, 4u);
  EXPECT_EQ(v.signed_events, v.events);
}

TEST(DeliverySinkChain, WithoutEvidenceOptionsLinesCarryNoChain) {
  TempDir dir;
  DeliveryOptions o;
  o.sensor_id = "unit";
  o.events_path = (dir / "e.jsonl").string();
  o.log = [](const std::string&) {};
  {
    auto sink = DeliverySink::open(o).value();
    sink->emit(test::finding());
    sink->flush();
  }
  const auto lines = test::read_lines(dir / "e.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find("\"chain\""), std::string::npos);
}

}  // namespace
}  // namespace normwatch::publish

namespace normwatch::publish {
namespace {

TEST(DeliverySinkChain, AHeadLostInACrashIsRecoveredFromTheSpool) {
  TempDir dir;
  auto options = [&](const std::string& file) {
    DeliveryOptions o = chained(dir, file);
    o.publish = SenderOptions{};
    o.publish->plaintext_lab = true;
    o.publish->endpoint = "tcp://127.0.0.1:1";  // nobody there: everything stays in the spool
    return o;
  };
  const std::string key = Signer::from_seed_hex(std::string(64, 'a')).value().public_key_hex();
  {
    auto sink = DeliverySink::open(options("run1.jsonl")).value();
    for (int i = 0; i < 10; ++i) sink->emit(test::finding(1'700'000'000 + i));
    sink->flush();
  }
  // A crash before the head was saved: the state file still names the genesis.
  std::ofstream(dir / "spool" / "chain.state") << "normwatch-chain/1\nseq 0\nhead " << events::genesis_hex()
                                                << "\ntotal 0\n";
  {
    auto sink = DeliverySink::open(options("run2.jsonl")).value();
    sink->emit(test::finding(1'700'001'000));
    sink->flush();
  }
  auto lines = test::read_lines(dir / "run1.jsonl");
  const auto second = test::read_lines(dir / "run2.jsonl");
  lines.insert(lines.end(), second.begin(), second.end());
  const events::SensorVerdict v = verify_lines(lines, "unit", key);
  EXPECT_TRUE(v.pass()) << errors_of(v);
  for (const auto& f : v.findings) EXPECT_NE(f.code, "chain.restart_branch") << f.text;
}

}  // namespace
}  // namespace normwatch::publish
