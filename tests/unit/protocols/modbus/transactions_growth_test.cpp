// The outstanding-request table reserves a few entries and grows up to its capacity (it used to
// reserve the whole capacity per session: ~3 kB of RSS for each Modbus flow, found by
// tests/bench/modbus-replay-bench.sh). The bound and the pairing must hold across the growth.
#include <gtest/gtest.h>

#include <vector>

#include "normwatch/protocols/modbus/config.hpp"
#include "normwatch/protocols/modbus/transactions.hpp"

namespace normwatch::protocols::modbus {
namespace {

// A client's FC3 request with transaction id `tid` (address tid * 10), placed as the session does.
TransactionTable::AddResult add(TransactionTable& table, std::uint16_t tid) {
  TransactionTable::AddResult result;
  PendingRequest& r = table.place(tid, 1, Side::client, result);
  r.function = 3;
  r.expects_response = true;
  r.info = RequestInfo{};
  r.info.paired = true;
  r.info.address = static_cast<std::uint16_t>(tid * 10);
  return result;
}

TEST(ModbusTransactionTable, GrowsToItsCapacityThenEvictsTheOldest) {
  TransactionTable table(kDefaultMaxOutstanding);
  for (std::uint16_t tid = 0; tid < kDefaultMaxOutstanding; ++tid) {
    const auto result = add(table, tid);
    EXPECT_FALSE(result.evicted) << "tid " << tid;
    EXPECT_FALSE(result.superseded) << "tid " << tid;
  }
  EXPECT_EQ(table.size(), kDefaultMaxOutstanding);
  const auto full = add(table, 1000);
  ASSERT_TRUE(full.evicted);
  EXPECT_EQ(full.evicted->transaction_id, 0U);
  EXPECT_EQ(table.size(), kDefaultMaxOutstanding);
  for (std::uint16_t tid = 1; tid < kDefaultMaxOutstanding; ++tid) {
    std::uint8_t function = 0;
    RequestInfo taken;
    ASSERT_TRUE(table.take(tid, 1, Side::client, function, taken)) << "tid " << tid;
    EXPECT_EQ(taken.address, tid * 10);
  }
  std::uint8_t function = 0;
  RequestInfo last;
  EXPECT_TRUE(table.take(1000, 1, Side::client, function, last));
  EXPECT_EQ(last.address, 10000U);
  EXPECT_EQ(table.size(), 0U);
}

TEST(ModbusTransactionTable, SmallCapacityIsStillABound) {
  TransactionTable table(2);
  add(table, 1);
  add(table, 2);
  EXPECT_TRUE(add(table, 3).evicted);
  EXPECT_EQ(table.size(), 2U);
}

// The first entries live inside the table and later ones spill to the heap; removal moves the
// last entry into the hole, so requests cross that boundary both ways. Pairing, the age order of
// eviction and drain must not notice.
TEST(ModbusTransactionTable, EntriesCrossTheInlineBoundaryBothWays) {
  TransactionTable table(5);
  for (std::uint16_t tid = 1; tid <= 5; ++tid) add(table, tid);
  std::uint8_t function = 0;
  RequestInfo taken;
  ASSERT_TRUE(table.take(1, 1, Side::client, function, taken));  // the last (tid 5, spilled) moves inline
  EXPECT_EQ(taken.address, 10);
  EXPECT_FALSE(table.take(1, 1, Side::client, function, taken));
  ASSERT_TRUE(table.contains(5, 1, Side::client));
  add(table, 6);
  const auto full = add(table, 7);  // five outstanding: the oldest, tid 2, makes room
  ASSERT_TRUE(full.evicted);
  EXPECT_EQ(full.evicted->transaction_id, 2U);
  const auto again = add(table, 4);  // same key: the old tid 4 was never answered
  ASSERT_TRUE(again.superseded);
  EXPECT_EQ(again.superseded->transaction_id, 4U);
  std::vector<std::uint16_t> drained;
  table.drain([&](const PendingRequest& r) { drained.push_back(r.transaction_id); });
  EXPECT_EQ(drained, (std::vector<std::uint16_t>{3, 5, 6, 7, 4}));  // oldest first
  EXPECT_EQ(table.size(), 0U);
}

// place() keys the entry, reports what it superseded, and the caller's fields are what take()
// hands back.
TEST(ModbusTransactionTable, PlaceKeysTheEntryTheCallerFillsIn) {
  TransactionTable table(4);
  TransactionTable::AddResult first;
  PendingRequest& entry = table.place(7, 2, Side::server, first);
  EXPECT_FALSE(first.superseded);
  EXPECT_FALSE(first.evicted);
  EXPECT_EQ(entry.transaction_id, 7U);
  EXPECT_EQ(entry.unit_id, 2U);
  EXPECT_EQ(entry.requester, Side::server);
  entry.function = 16;
  entry.info.address = 99;
  TransactionTable::AddResult second;
  PendingRequest& again = table.place(7, 2, Side::server, second);
  ASSERT_TRUE(second.superseded);
  EXPECT_EQ(second.superseded->function, 16U);
  EXPECT_EQ(second.superseded->info.address, 99U);
  again.function = 3;
  again.info.address = 5;
  EXPECT_EQ(table.size(), 1U);
  std::uint8_t function = 0;
  RequestInfo info;
  EXPECT_FALSE(table.take(7, 2, Side::client, function, info));  // the requester is part of the key
  ASSERT_TRUE(table.take(7, 2, Side::server, function, info));
  EXPECT_EQ(function, 3U);
  EXPECT_EQ(info.address, 5U);
  EXPECT_EQ(table.size(), 0U);
}

}  // namespace
}  // namespace normwatch::protocols::modbus
