// Issue 6 item 3: a PDU that concerns no rule costs a table lookup and no allocation; nor does a
// match counted towards a threshold that does not fire. This test program replaces global
// operator new to count allocations.
#include <gtest/gtest.h>

#include "normwatch/rules/engine/facts_extract.hpp"
#include "rules/engine/engine_helpers.hpp"
#include "support/heap_counter.hpp"

namespace normwatch::rules::engine {
namespace {

TEST(Allocation, PdusThatFireNothingDoNotAllocate) {
  auto engine = Engine::compile(test::shipped_pack());
  test::CapturingSink sink;
  const Endpoints w = test::endpoints("10.10.2.10", 49200, "10.10.1.20", 502);
  const Endpoints back = test::endpoints("10.10.1.20", 502, "10.10.2.10", 49200);
  test::ModbusPdu read("00 01 00 00 00 06 01 03 00 00 00 0a", false);
  test::ModbusPdu reply("00 01 00 00 00 07 01 03 04 00 01 00 02", true);
  test::Dnp3Pdu poll("c0 01 3c 02 06 3c 03 06 3c 04 06", 10, 1, true);
  test::Iec104Pdu measured("68 12 00 00 00 00 0d 01 03 00 01 00 e9 03 00 00 00 48 42 00", false);
  test::Iec104Pdu s_frame("68 04 01 00 02 00", true);
  FlowPolicy fp;
  fp.has_conduit = true;
  fp.master_listed = true;
  PduFacts f;
  std::int64_t now = 0;
  auto run = [&] {
    now += 1'000'000'000;  // one polling cycle a second
    for (auto* r : {&read.record, &reply.record, &poll.record, &measured.record, &s_frame.record}) {
      r->ts.ns = now;
      ASSERT_TRUE(extract_facts(*r, f));
      const bool to_master = !f.from_master;
      engine->on_pdu(f, to_master ? back : w, &fp, sink);
      engine->on_pdu(f, to_master ? back : w, test::kNoPolicy, sink);
    }
  };
  run();  // warm up
  const std::uint64_t before = normwatch::test::heap_allocations();
  for (int i = 0; i < 50; ++i) run();
  EXPECT_EQ(normwatch::test::heap_allocations() - before, 0u);
  for (const auto& e : sink.events) ADD_FAILURE() << "unexpected event " << e.message;
  // Some of those were candidates (unit sweeps, floods) counted below their thresholds.
  EXPECT_GT(engine->stats().below_threshold, 0u);
}

}  // namespace
}  // namespace normwatch::rules::engine
