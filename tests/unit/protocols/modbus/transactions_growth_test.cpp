// The outstanding-request table reserves a few entries and grows up to its capacity (it used to
// reserve the whole capacity per session: ~3 kB of RSS for each Modbus flow, found by
// tests/bench/modbus-replay-bench.sh). The bound and the pairing must hold across the growth.
#include <gtest/gtest.h>

#include "normwatch/protocols/modbus/config.hpp"
#include "normwatch/protocols/modbus/transactions.hpp"

namespace normwatch::protocols::modbus {
namespace {

PendingRequest request(std::uint16_t tid) {
  PendingRequest r;
  r.transaction_id = tid;
  r.unit_id = 1;
  r.function = 3;
  r.info.paired = true;
  r.info.address = static_cast<std::uint16_t>(tid * 10);
  return r;
}

TEST(ModbusTransactionTable, GrowsToItsCapacityThenEvictsTheOldest) {
  TransactionTable table(kDefaultMaxOutstanding);
  for (std::uint16_t tid = 0; tid < kDefaultMaxOutstanding; ++tid) {
    const auto result = table.add(request(tid));
    EXPECT_FALSE(result.evicted) << "tid " << tid;
    EXPECT_FALSE(result.superseded) << "tid " << tid;
  }
  EXPECT_EQ(table.size(), kDefaultMaxOutstanding);
  const auto full = table.add(request(1000));
  ASSERT_TRUE(full.evicted);
  EXPECT_EQ(full.evicted->transaction_id, 0U);
  EXPECT_EQ(table.size(), kDefaultMaxOutstanding);
  for (std::uint16_t tid = 1; tid < kDefaultMaxOutstanding; ++tid) {
    const auto taken = table.take(tid, 1, Side::client);
    ASSERT_TRUE(taken) << "tid " << tid;
    EXPECT_EQ(taken->info.address, tid * 10);
  }
  EXPECT_TRUE(table.take(1000, 1, Side::client));
  EXPECT_EQ(table.size(), 0U);
}

TEST(ModbusTransactionTable, SmallCapacityIsStillABound) {
  TransactionTable table(2);
  table.add(request(1));
  table.add(request(2));
  EXPECT_TRUE(table.add(request(3)).evicted);
  EXPECT_EQ(table.size(), 2U);
}

}  // namespace
}  // namespace normwatch::protocols::modbus
