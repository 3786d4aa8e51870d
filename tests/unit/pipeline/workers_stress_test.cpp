// Stress tests for the sharded pipeline's hand-offs on weakly ordered machines (issue 9 §1-3): the
// SpscByteRing under many small deferred batches and end-of-input races, and the TurnObserver's
// capture-order, one-at-a-time guarantee with threads that outnumber the cores. A missing
// release/acquire shows as a bad checksum or an out-of-order callback (natively on aarch64, under
// qemu-aarch64, or under -fsanitize=thread); a lost wake-up shows as a hang (ctest's timeout).
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "../../../src/pipeline/turn_observer.hpp"  // private to the pipeline library
#include "normwatch/pipeline/spin_wait.hpp"
#include "normwatch/pipeline/spsc_ring.hpp"

namespace normwatch::pipeline {
namespace {

// xorshift64*: deterministic, the same on every architecture.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1DULL;
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

// FNV-1a over the payload after the 16-byte [sequence][checksum] prefix.
std::uint64_t checksum(std::span<const std::byte> bytes) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (std::byte b : bytes) h = (h ^ static_cast<std::uint8_t>(b)) * 0x100000001B3ULL;
  return h;
}

constexpr std::size_t kPrefix = 16;
constexpr std::size_t kEndRecord = 1;  // a 1-byte record: end of input

// Producer: `records` records of random size with random contents, made visible in deferred
// batches of 1..max_batch records (as the reader does), then the end record, committed alone.
void produce(SpscByteRing& ring, std::uint64_t seed, std::uint64_t records, std::uint64_t max_batch,
             std::size_t max_size) {
  Rng rng{seed};
  std::uint64_t batch = 0;
  for (std::uint64_t i = 0; i < records; ++i) {
    const std::size_t n = kPrefix + static_cast<std::size_t>(rng.below(max_size));
    std::span<std::byte> room = ring.try_reserve(n);
    if (room.empty()) room = ring.reserve_wait(n);  // publishes what is deferred before it sleeps
    for (std::size_t b = kPrefix; b < n; ++b) room[b] = static_cast<std::byte>(rng.next());
    const std::uint64_t sum = checksum(room.subspan(kPrefix));
    std::memcpy(room.data(), &i, sizeof i);
    std::memcpy(room.data() + 8, &sum, sizeof sum);
    ring.commit_deferred();
    if (++batch >= 1 + rng.below(max_batch)) {
      ring.publish();
      batch = 0;
    }
  }
  std::span<std::byte> end = ring.reserve_wait(kEndRecord);
  end[0] = std::byte{0xEE};
  ring.commit();
}

struct Consumed {
  std::uint64_t records = 0;
  std::uint64_t bad = 0;  // wrong sequence, size or checksum
};

Consumed consume(SpscByteRing& ring) {
  Consumed c;
  for (;;) {
    std::span<const std::byte> rec = ring.peek_wait();
    if (rec.size() == kEndRecord) {
      if (rec[0] != std::byte{0xEE}) ++c.bad;
      ring.release();
      return c;
    }
    std::uint64_t seq = 0;
    std::uint64_t sum = 0;
    if (rec.size() < kPrefix) {
      ++c.bad;
    } else {
      std::memcpy(&seq, rec.data(), sizeof seq);
      std::memcpy(&sum, rec.data() + 8, sizeof sum);
      if (seq != c.records || sum != checksum(rec.subspan(kPrefix))) ++c.bad;
    }
    ++c.records;
    ring.release();
  }
}

TEST(WorkersStress, RingManySmallDeferredBatchesArriveIntact) {
  // A small ring so that the producer fills it and sleeps, and the consumer empties it and sleeps,
  // thousands of times; records of 16..79 bytes, batches of 1..16.
  SpscByteRing ring(4096);
  constexpr std::uint64_t kRecords = 50'000;
  std::thread producer([&ring] { produce(ring, 0x9E3779B97F4A7C15ULL, kRecords, 16, 64); });
  const Consumed c = consume(ring);
  producer.join();
  EXPECT_EQ(c.records, kRecords);
  EXPECT_EQ(c.bad, 0u);
  EXPECT_TRUE(ring.try_peek().empty());
}

TEST(WorkersStress, RingEndOfInputNeverLostOrOvertaken) {
  // Many short runs on fresh rings: the end record races the consumer going to sleep on an empty
  // ring, and the producer's first batch races the consumer's first peek.
  for (std::uint64_t run = 0; run < 200; ++run) {
    SpscByteRing ring(4096);
    const std::uint64_t records = run % 7 == 0 ? 0 : (run * 37) % 300;
    std::thread producer([&ring, run, records] { produce(ring, run + 1, records, 1 + run % 9, 400); });
    const Consumed c = consume(ring);
    producer.join();
    ASSERT_EQ(c.records, records) << "run " << run;
    ASSERT_EQ(c.bad, 0u) << "run " << run;
  }
}

// The shared observer of a sharded run, deliberately not thread-safe: it checks that callbacks come
// one at a time (a plain flag; TSan reports any overlap as a race) and in capture order.
class OrderChecker : public PduObserver {
 public:
  void on_pdu(const protocols::PduRecord&, const FlowEndpoints& e) override { seen(e.flow_id); }
  void on_anomaly(const protocols::AnomalyRecord&, const FlowEndpoints& e) override { seen(e.flow_id); }
  void seen(std::uint64_t entry) {
    if (inside_) ++overlaps;
    inside_ = true;
    order.push_back(entry);
    inside_ = false;
  }
  std::vector<std::uint64_t> order;
  std::uint64_t overlaps = 0;

 private:
  bool inside_ = false;
};

// What the reader does, without frames: entries dealt to workers at random, each carrying the
// per-worker counts dispatched before it; an entry makes 0..2 callbacks, named by its global index.
void run_turns(unsigned workers, std::uint64_t entries, std::uint64_t seed) {
  struct Entry {
    std::uint64_t global = 0;
    std::array<std::uint64_t, 16> need{};
    unsigned callbacks = 0;
  };
  Rng rng{seed};
  std::vector<std::vector<Entry>> dealt(workers);
  std::array<std::uint64_t, 16> assigned{};
  std::vector<std::uint64_t> expected;
  for (std::uint64_t g = 0; g < entries; ++g) {
    const unsigned k = static_cast<unsigned>(rng.below(workers));
    Entry e{g, assigned, static_cast<unsigned>(rng.below(3))};
    for (unsigned c = 0; c < e.callbacks; ++c) expected.push_back(g);
    dealt[k].push_back(e);
    ++assigned[k];
  }
  OrderChecker checker;
  auto completions = std::make_unique<Completion[]>(workers);
  std::vector<std::thread> threads;
  for (unsigned k = 0; k < workers; ++k) {
    threads.emplace_back([&, k] {
      TurnObserver turn(&checker, completions.get(), workers, k);
      protocols::PduRecord record;
      FlowEndpoints endpoints;
      for (const Entry& e : dealt[k]) {
        turn.begin_entry(e.need.data());
        endpoints.flow_id = e.global;
        for (unsigned c = 0; c < e.callbacks; ++c) turn.on_pdu(record, endpoints);
        turn.end_entry();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(checker.overlaps, 0u);
  ASSERT_EQ(checker.order.size(), expected.size());
  EXPECT_EQ(checker.order, expected) << workers << " workers";
}

TEST(WorkersStress, TurnsKeepCaptureOrderWithTwoWorkers) { run_turns(2, 20'000, 1); }

TEST(WorkersStress, TurnsKeepCaptureOrderWithMoreWorkersThanCores) {
  // On a 2-core machine (or under emulation) most of these threads are descheduled while the one
  // whose turn it is must run: waits have to yield and sleep, not spin.
  run_turns(6, 6'000, 2);
  run_turns(16, 2'000, 3);
}

TEST(WorkersStress, BackoffSpinsABoundedNumberOfRoundsThenAsksToBlock) {
  Backoff backoff;
  int rounds = 0;
  while (backoff.spin()) ++rounds;
  EXPECT_EQ(rounds, Backoff::kPauses + Backoff::kYields);
  EXPECT_FALSE(backoff.spin());
  backoff.reset();
  EXPECT_TRUE(backoff.spin());
}

}  // namespace
}  // namespace normwatch::pipeline
