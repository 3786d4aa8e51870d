// Flow table benchmarks: lookup of existing flows among 10,000 (the per-packet path), and
// create/evict churn at the cap (a scan). Heap allocations per packet come from the counting
// operator new in reassembly_bench.cpp.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "normwatch/flow/flow_table.hpp"

namespace normwatch::bench {
std::uint64_t heap_allocations();
}

namespace normwatch::flow {
namespace {

namespace tf = decode::tcp_flags;
constexpr std::uint32_t kFlows = 10'000;

decode::DecodedPacket packet_of(std::uint32_t i, std::uint8_t flags) {
  decode::DecodedPacket p;
  p.transport = decode::Transport::tcp;
  p.ip_proto = 6;
  p.src_ip = core::IpAddress::v4(0x0A000000u + (i >> 4));
  p.dst_ip = core::IpAddress::v4(0x0A640001u);
  p.src_port = static_cast<std::uint16_t>(40000 + (i & 0xF));
  p.dst_port = 502;
  p.tcp.flags = flags;
  p.wire_len = 66;
  return p;
}

void BM_FlowLookupExisting(benchmark::State& state) {
  FlowTable table;
  for (std::uint32_t i = 0; i < kFlows; ++i) table.track(packet_of(i, tf::kAck));
  // Visit flows in a scattered order so the table is not walked sequentially. The packet itself
  // is one hot DecodedPacket, as it is right after decoding; only its endpoints change.
  struct Endpoint {
    core::IpAddress src;
    std::uint16_t port;
  };
  std::vector<Endpoint> order(kFlows);
  for (std::uint32_t i = 0; i < kFlows; ++i) {
    const decode::DecodedPacket p = packet_of((i * 7919u) % kFlows, tf::kAck);
    order[i] = Endpoint{p.src_ip, p.src_port};
  }
  decode::DecodedPacket p = packet_of(0, tf::kAck);
  std::size_t at = 0;
  const std::uint64_t allocs_before = bench::heap_allocations();
  for (auto _ : state) {
    p.src_ip = order[at].src;
    p.src_port = order[at].port;
    ++p.ts.ns;
    benchmark::DoNotOptimize(table.track(p).flow);
    if (++at == kFlows) at = 0;
  }
  const std::uint64_t allocs = bench::heap_allocations() - allocs_before;
  state.counters["allocs_per_pkt"] = benchmark::Counter(static_cast<double>(allocs) / static_cast<double>(state.iterations()));
  if (table.counters().created != kFlows) state.SkipWithError("flows were created during lookups");
}
BENCHMARK(BM_FlowLookupExisting);

void BM_FlowCreateEvictChurn(benchmark::State& state) {
  FlowTableLimits limits;
  limits.max_flows = kFlows;
  FlowTable table(limits);
  std::uint32_t next = 0;
  for (; next < kFlows; ++next) table.track(packet_of(next, tf::kSyn));  // fill to the cap
  decode::DecodedPacket p = packet_of(0, tf::kSyn);
  const std::uint64_t allocs_before = bench::heap_allocations();
  for (auto _ : state) {
    // Every packet is a new flow: each costs one eviction of the oldest half-open flow.
    p.src_ip = core::IpAddress::v4(0x0B000000u + next++);
    p.ts.ns = next;
    benchmark::DoNotOptimize(table.track(p).flow);
  }
  const std::uint64_t allocs = bench::heap_allocations() - allocs_before;
  state.counters["allocs_per_pkt"] = benchmark::Counter(static_cast<double>(allocs) / static_cast<double>(state.iterations()));
  state.counters["evicted"] = benchmark::Counter(static_cast<double>(table.counters().evicted));
}
BENCHMARK(BM_FlowCreateEvictChurn);

void BM_FlowKeyHash(benchmark::State& state) {
  const KeyedPacket k = make_flow_key(packet_of(123, tf::kAck));
  std::uint64_t seed = 1;
  for (auto _ : state) benchmark::DoNotOptimize(k.key.hash(seed++));
}
BENCHMARK(BM_FlowKeyHash);

}  // namespace
}  // namespace normwatch::flow
