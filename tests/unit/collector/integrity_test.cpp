// The collector's online evidence checks (issue 10 §5): a link that does not match, a checkpoint
// whose signature fails or whose key is not pinned is stored, marked, and raises an integrity
// event of the collector; an event that arrives before its predecessor is re-checked later.
#include "normwatch/collector/integrity.hpp"

#include <gtest/gtest.h>

#include "collector_test_helpers.hpp"
#include "normwatch/collector/event_store.hpp"
#include "normwatch/publish/checkpoint.hpp"

namespace normwatch::collector {
namespace {

using test::TempDir;

// Chained lines with a checkpoint after every 3 findings, as a signing sensor writes them.
std::vector<std::string> chained_lines(const publish::Signer& signer, int findings) {
  publish::EvidenceOptions o;
  o.signer = signer;
  o.checkpoints.every_events = 3;
  o.checkpoints.every = std::chrono::milliseconds(0);
  auto chain = publish::EvidenceChain::open("", o, "s1", 4).value();
  std::vector<std::string> lines;
  std::uint64_t seq = 1;
  auto stamp = [&](events::Event e) {
    e.sensor = "s1";
    e.epoch = 4;
    e.seq = seq;
    chain.link(e);
    lines.push_back(events::to_json_line(e));
    chain.advance(seq++, lines.back());
  };
  const auto now = publish::EvidenceChain::Clock::now();
  for (int i = 0; i < findings; ++i) {
    events::Event e;
    e.ts = core::Timestamp::from_seconds(1'700'000'000 + i);
    e.kind = events::EventKind::norm_violation;
    e.message = "finding " + std::to_string(i);
    stamp(std::move(e));
    if (chain.checkpoint_due(now, false)) stamp(chain.make_checkpoint(core::Timestamp::from_seconds(1'700'000'000), now));
  }
  return lines;
}

class IntegrityTest : public ::testing::Test {
 protected:
  IntegrityTest() : signer_(publish::Signer::from_seed_hex(std::string(64, 'd')).value()) {
    std::filesystem::create_directories(dir_ / "allow");
    EXPECT_TRUE(signer_.write(dir_ / "allow" / "s1"));
  }
  std::unique_ptr<EventStore> open(bool with_keys = true) {
    StoreOptions o;
    if (with_keys) o.sign_keys_dir = dir_ / "allow";
    return EventStore::open(dir_ / "c.db", o).value();
  }
  void ingest(EventStore& store, const std::vector<std::string>& lines) {
    for (const auto& line : lines) ASSERT_EQ(store.ingest(line, "s1", 1).value(), LineOutcome::stored) << line;
    ASSERT_TRUE(store.commit());
  }
  std::int64_t count(EventStore& store, const std::string& sql) { return store.database().scalar(sql).value_or(-1); }

  TempDir dir_;
  publish::Signer signer_;
};

TEST_F(IntegrityTest, AValidSignedChainLeavesNoMark) {
  auto store = open();
  ingest(*store, chained_lines(signer_, 9));
  EXPECT_EQ(count(*store, "SELECT count(*) FROM events"), 12);
  EXPECT_EQ(count(*store, "SELECT count(*) FROM integrity"), 0);
  EXPECT_EQ(store->integrity()->problems_total(), 0u);
}

TEST_F(IntegrityTest, AnAlteredEventIsStoredAndItsSuccessorMarkedWithAnIntegrityEvent) {
  auto store = open();
  auto lines = chained_lines(signer_, 6);
  const auto at = lines[1].find("finding 1");
  lines[1][at + 8] = '7';
  ingest(*store, lines);
  EXPECT_EQ(count(*store, "SELECT count(*) FROM events WHERE sensor = 's1'"), 8);  // nothing dropped
  EXPECT_EQ(count(*store, "SELECT seq FROM integrity WHERE status = 'broken_link'"), 3);
  EXPECT_EQ(count(*store, "SELECT count(*) FROM events WHERE sensor = 'normwatch-collector' AND kind = 'integrity' "
                          "AND instr(line, 'chain.broken_link') > 0 AND instr(line, '\"seq\":3') > 0"),
            1);
}

TEST_F(IntegrityTest, ACheckpointWithABadSignatureIsMarked) {
  auto store = open();
  auto lines = chained_lines(signer_, 3);
  ASSERT_EQ(lines.size(), 4u);
  const auto at = lines[3].find("\"signature\":\"") + 13;
  lines[3][at] = lines[3][at] == '0' ? '1' : '0';
  ingest(*store, lines);
  EXPECT_EQ(count(*store, "SELECT seq FROM integrity WHERE status = 'bad_signature'"), 4);
  EXPECT_EQ(count(*store, "SELECT count(*) FROM events WHERE sensor = 'normwatch-collector' AND "
                          "instr(line, 'checkpoint.bad_signature') > 0"),
            1);
}

TEST_F(IntegrityTest, ACheckpointWithoutAPinnedKeyIsMarked) {
  auto store = open(/*with_keys=*/false);
  ingest(*store, chained_lines(signer_, 3));
  EXPECT_EQ(count(*store, "SELECT seq FROM integrity WHERE status = 'unpinned_key'"), 4);
}

TEST_F(IntegrityTest, AnEventBeforeItsPredecessorIsRecheckedWhenItArrives) {
  auto store = open();
  auto lines = chained_lines(signer_, 5);
  std::swap(lines[1], lines[2]);  // seq 3 arrives before seq 2
  ingest(*store, {lines[0], lines[1]});
  EXPECT_EQ(count(*store, "SELECT seq FROM integrity WHERE status = 'unlinked'"), 3);
  ingest(*store, std::vector<std::string>(lines.begin() + 2, lines.end()));
  EXPECT_EQ(count(*store, "SELECT count(*) FROM integrity"), 0);
  EXPECT_EQ(store->integrity()->problems_total(), 0u);
}

TEST_F(IntegrityTest, ARestartedCollectorChecksAgainstTheStoredPredecessor) {
  auto lines = chained_lines(signer_, 6);
  {
    auto store = open();
    ingest(*store, std::vector<std::string>(lines.begin(), lines.begin() + 4));
  }
  auto store = open();
  auto rest = std::vector<std::string>(lines.begin() + 4, lines.end());
  const auto at = lines[3].find("\"signature\":\"");
  ASSERT_NE(at, std::string::npos);
  ingest(*store, rest);
  EXPECT_EQ(count(*store, "SELECT count(*) FROM integrity"), 0);
}

}  // namespace
}  // namespace normwatch::collector
