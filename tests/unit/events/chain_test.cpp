// Chain hashes, checkpoint statements and the offline ChainVerifier (events/chain.hpp,
// chain_verifier.hpp). Lines are built here with a fixed Ed25519 seed (libsodium), the way a
// sensor builds them, then altered one byte, removed or reordered.
#include "normwatch/events/chain.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "normwatch/events/chain_verifier.hpp"

namespace normwatch::events {
namespace {

// BLAKE2b-256 of "abc" (RFC 7693 Appendix A gives BLAKE2b-512; this is the 32-byte variant,
// cross-checked with `printf abc | b2sum -l 256`).
TEST(ChainHash, IsBlake2b256OfTheLineBytes) {
  EXPECT_EQ(to_hex(chain_hash("abc")), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  EXPECT_EQ(genesis_hex(), std::string(64, '0'));
}

TEST(ChainHash, HexRoundTripsAndRejectsBadText) {
  const std::vector<std::uint8_t> bytes = {0x00, 0xAB, 0xFF};
  EXPECT_EQ(to_hex(bytes), "00abff");
  EXPECT_EQ(from_hex("00ABff", 3).value(), bytes);
  EXPECT_FALSE(from_hex("00ab", 3));
  EXPECT_FALSE(from_hex("00abzz", 3));
}

TEST(Checkpoint, StatementIsTheDocumentedText) {
  Checkpoint cp;
  cp.sensor = "s1";
  cp.epoch = 7;
  cp.through_seq = 10;
  cp.head = std::string(64, 'a');
  cp.events = 10;
  cp.first_seq = 1;
  cp.total = 12;
  EXPECT_EQ(checkpoint_statement(cp), "normwatch.checkpoint/1\nsensor s1\nepoch 7\nthrough_seq 10\nhead " +
                                          std::string(64, 'a') + "\nevents 10\nfirst_seq 1\ntotal 12\n");
}

// A sensor in miniature: stamps, links and signs like publish::EvidenceChain.
class Stream {
 public:
  Stream() {
    EXPECT_GE(sodium_init(), 0);
    unsigned char seed[32];
    for (int i = 0; i < 32; ++i) seed[i] = static_cast<unsigned char>(i);
    crypto_sign_seed_keypair(pub_, sec_, seed);
  }
  std::string key() const { return to_hex(std::span<const std::uint8_t>(pub_, 32)); }

  void event(std::uint64_t epoch = 1) {
    Event e;
    e.sensor = "s1";
    e.epoch = epoch;
    e.seq = next_seq_++;
    e.kind = EventKind::norm_violation;
    e.message = "finding " + std::to_string(e.seq);
    add(e);
  }
  void checkpoint(std::uint64_t epoch = 1) {
    Checkpoint cp;
    cp.sensor = "s1";
    cp.epoch = epoch;
    cp.through_seq = head_seq_;
    cp.head = head_;
    cp.events = epoch_events_;
    cp.first_seq = epoch_first_;
    cp.total = total_;
    cp.key = key();
    const std::string statement = checkpoint_statement(cp);
    unsigned char sig[64];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(statement.data()), statement.size(),
                         sec_);
    cp.signature = to_hex(std::span<const std::uint8_t>(sig, 64));
    Event e;
    e.sensor = "s1";
    e.epoch = epoch;
    e.seq = next_seq_++;
    e.kind = EventKind::integrity;
    e.severity = Severity::info;
    e.body_json = checkpoint_body_json(cp);
    add(e);
  }
  void new_epoch(std::uint64_t skip) {
    next_seq_ += skip;
    epoch_events_ = 0;
  }

  std::vector<std::string> lines;

 private:
  void add(Event& e) {
    e.chain = ChainLink{head_seq_, head_};
    const std::string line = to_json_line(e);
    lines.push_back(line);
    head_seq_ = e.seq;
    head_ = to_hex(chain_hash(line));
    if (epoch_events_ == 0) epoch_first_ = e.seq;
    ++epoch_events_;
    ++total_;
  }

  unsigned char pub_[32];
  unsigned char sec_[64];
  std::uint64_t next_seq_ = 1;
  std::uint64_t head_seq_ = 0;
  std::string head_ = genesis_hex();
  std::uint64_t epoch_events_ = 0;
  std::uint64_t epoch_first_ = 0;
  std::uint64_t total_ = 0;
};

SensorVerdict verify(const std::vector<std::string>& lines, const std::string& key) {
  ChainVerifier v("s1", key);
  for (std::size_t i = 0; i < lines.size(); ++i) v.add_line(lines[i], i + 1);
  return v.finish();
}

bool has(const SensorVerdict& v, std::string_view code) {
  for (const Finding& f : v.findings) {
    if (f.code == code) return true;
  }
  return false;
}

std::string errors_of(const SensorVerdict& v) {
  std::string out;
  for (const Finding& f : v.findings) {
    if (f.level == FindingLevel::error) out += f.code + ": " + f.text + "\n";
  }
  return out;
}

Stream valid_stream() {
  Stream s;
  for (int i = 0; i < 5; ++i) s.event();
  s.checkpoint();
  for (int i = 0; i < 5; ++i) s.event();
  s.checkpoint();
  return s;
}

TEST(ChainVerifier, AValidStreamPassesAndEveryEventBeforeTheLastCheckpointIsSigned) {
  Stream s = valid_stream();
  const SensorVerdict v = verify(s.lines, s.key());
  EXPECT_TRUE(v.pass()) << errors_of(v);
  EXPECT_EQ(v.events, 12u);
  EXPECT_EQ(v.links_ok, 11u);
  EXPECT_EQ(v.checkpoints_ok, 2u);
  EXPECT_EQ(v.signed_events, 12u);  // the trailing checkpoint signs its own statement
  EXPECT_TRUE(has(v, "chain.genesis"));
  EXPECT_FALSE(has(v, "chain.unsigned"));
}

TEST(ChainVerifier, OneByteChangedInAnEventBreaksTheNextLinkAndNamesIt) {
  Stream s = valid_stream();
  auto lines = s.lines;
  const auto at = lines[2].find("finding 3");
  ASSERT_NE(at, std::string::npos);
  lines[2][at + 8] = '4';
  const SensorVerdict v = verify(lines, s.key());
  EXPECT_FALSE(v.pass());
  EXPECT_TRUE(has(v, "chain.broken_link"));
  EXPECT_NE(errors_of(v).find("seq 4 does not link to seq 3"), std::string::npos) << errors_of(v);
}

TEST(ChainVerifier, TheLastEventAlteredIsCaughtByTheCheckpointHead) {
  Stream s;
  for (int i = 0; i < 3; ++i) s.event();
  s.checkpoint();
  auto lines = s.lines;
  // Alter seq 3 and re-link the checkpoint to it: only the signed head can tell.
  const auto at = lines[2].find("finding 3");
  lines[2][at + 8] = '9';
  const SensorVerdict v = verify(lines, s.key());
  EXPECT_FALSE(v.pass());
  EXPECT_TRUE(has(v, "chain.broken_link") || has(v, "checkpoint.head_mismatch")) << errors_of(v);
}

TEST(ChainVerifier, OneByteChangedInACheckpointFailsItsSignatureOrLink) {
  Stream s = valid_stream();
  auto lines = s.lines;
  const auto at = lines[5].find("\"events\":5");
  ASSERT_NE(at, std::string::npos) << lines[5];
  lines[5][at + 9] = '6';
  const SensorVerdict v = verify(lines, s.key());
  EXPECT_FALSE(v.pass());
  EXPECT_TRUE(has(v, "checkpoint.bad_signature")) << errors_of(v);
  EXPECT_TRUE(has(v, "chain.broken_link"));  // seq 7 no longer links to the altered seq 6
}

TEST(ChainVerifier, ARemovedEventIsNamedAsAGap) {
  Stream s = valid_stream();
  auto lines = s.lines;
  lines.erase(lines.begin() + 3);  // seq 4
  const SensorVerdict v = verify(lines, s.key());
  EXPECT_FALSE(v.pass());
  EXPECT_TRUE(has(v, "chain.gap"));
  EXPECT_NE(errors_of(v).find("missing seq 4"), std::string::npos) << errors_of(v);
}

TEST(ChainVerifier, ReorderedEventsAreNamed) {
  Stream s = valid_stream();
  auto lines = s.lines;
  std::swap(lines[3], lines[4]);
  const SensorVerdict v = verify(lines, s.key());
  EXPECT_FALSE(v.pass());
  EXPECT_TRUE(has(v, "chain.out_of_order")) << errors_of(v);
}

TEST(ChainVerifier, AnotherKeyOrNoPinnedKeyFailsTheCheckpoints) {
  Stream s = valid_stream();
  EXPECT_TRUE(has(verify(s.lines, std::string(64, '1')), "checkpoint.unpinned_key"));
  const SensorVerdict none = verify(s.lines, "");
  EXPECT_FALSE(none.pass());
  EXPECT_TRUE(has(none, "checkpoint.no_pinned_key"));
}

TEST(ChainVerifier, ANewEpochLinksAcrossTheSkippedBlock) {
  Stream s;
  for (int i = 0; i < 3; ++i) s.event(1);
  s.checkpoint(1);
  s.new_epoch(100);
  for (int i = 0; i < 3; ++i) s.event(2);
  s.checkpoint(2);
  const SensorVerdict v = verify(s.lines, s.key());
  EXPECT_TRUE(v.pass()) << errors_of(v);
  EXPECT_EQ(v.epochs, 2u);
  EXPECT_EQ(v.gaps, 0u);
  EXPECT_EQ(v.signed_events, 8u);
}

TEST(ChainVerifier, EventsAfterTheLastCheckpointAreNamedUnsigned) {
  Stream s = valid_stream();
  s.event();
  s.event();
  const SensorVerdict v = verify(s.lines, s.key());
  EXPECT_TRUE(v.pass());
  EXPECT_EQ(v.signed_events, 12u);
  EXPECT_TRUE(has(v, "chain.unsigned"));
}

TEST(ChainVerifier, ABundleStartingMidChainIsNotAnError) {
  Stream s = valid_stream();
  std::vector<std::string> lines(s.lines.begin() + 6, s.lines.end());
  const SensorVerdict v = verify(lines, s.key());
  EXPECT_TRUE(v.pass()) << errors_of(v);
  EXPECT_TRUE(has(v, "chain.starts_after"));
}

TEST(ChainVerifier, ALineWithoutAChainLinkFails) {
  Event e;
  e.sensor = "s1";
  e.seq = 1;
  const SensorVerdict v = verify({to_json_line(e)}, "");
  EXPECT_TRUE(has(v, "chain.missing_link"));
  EXPECT_FALSE(v.pass());
}

TEST(ParseChainedLine, ReadsTheLinkAndTheCheckpoint) {
  Stream s = valid_stream();
  auto first = parse_chained_line(s.lines[0]).value();
  ASSERT_TRUE(first.chain);
  EXPECT_EQ(first.chain->prev_seq, 0u);
  EXPECT_FALSE(first.checkpoint);
  auto cp = parse_chained_line(s.lines[5]).value();
  ASSERT_TRUE(cp.checkpoint);
  EXPECT_EQ(cp.checkpoint->through_seq, 5u);
  EXPECT_TRUE(verify_checkpoint_signature(*cp.checkpoint, s.key()));
  EXPECT_FALSE(parse_chained_line("{not json"));
}

}  // namespace
}  // namespace normwatch::events
