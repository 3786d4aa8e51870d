// Reassembly benchmarks: the in-order hot path (60-byte segments, delivered from the packet with
// no copy) and out-of-order pairs (every other segment held and copied). A counting global
// operator new reports heap allocations per packet as a counter; the in-order target is zero.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include "normwatch/stream/tcp_reassembler.hpp"
#include "support/heap_counter.hpp"

// ---- heap allocation counter: the whole bench program's operator new goes through here ----
// Other bench files read the count through normwatch::bench::heap_allocations().
namespace normwatch::bench {
std::uint64_t heap_allocations() { return test::heap_allocations(); }
}  // namespace normwatch::bench

namespace normwatch::stream {
namespace {

namespace tf = decode::tcp_flags;
constexpr std::uint32_t kClientIsn = 0xFFF00000u;  // wraps during long runs, as real streams do
constexpr std::uint32_t kServerIsn = 4242;

class SumConsumer : public StreamConsumer {
 public:
  void on_data(const StreamChunk& chunk) override {
    bytes += chunk.bytes.size();
    gaps += chunk.gap_before ? 1 : 0;
  }
  void on_end(flow::Direction, StreamEnd, std::uint64_t) override {}
  std::uint64_t bytes = 0;
  std::uint64_t gaps = 0;
};

decode::DecodedPacket segment(std::uint32_t seq, std::uint32_t ack, std::uint8_t flags, core::Bytes payload) {
  decode::DecodedPacket p;
  p.transport = decode::Transport::tcp;
  p.ip_proto = 6;
  p.tcp.seq = seq;
  p.tcp.ack = ack;
  p.tcp.flags = flags;
  p.payload = payload;
  return p;
}

void open_connection(TcpReassembler& r, StreamConsumer& c) {
  r.on_segment(flow::Direction::a_to_b, segment(kClientIsn, 0, tf::kSyn, {}), c);
  r.on_segment(flow::Direction::b_to_a, segment(kServerIsn, kClientIsn + 1, tf::kSyn | tf::kAck, {}), c);
  r.on_segment(flow::Direction::a_to_b, segment(kClientIsn + 1, kServerIsn + 1, tf::kAck, {}), c);
}

void BM_ReassemblyInOrder60(benchmark::State& state) {
  ReassemblyContext context;
  TcpReassembler reassembler(context);
  SumConsumer consumer;
  open_connection(reassembler, consumer);
  std::vector<std::byte> payload(60, std::byte{0x5A});
  decode::DecodedPacket p = segment(kClientIsn + 1, kServerIsn + 1, tf::kAck | tf::kPsh, core::Bytes(payload));
  reassembler.on_segment(flow::Direction::a_to_b, p, consumer);  // first data allocates the overlap window
  p.tcp.seq += 60;
  const std::uint64_t allocs_before = bench::heap_allocations();
  for (auto _ : state) {
    reassembler.on_segment(flow::Direction::a_to_b, p, consumer);
    p.tcp.seq += 60;
    ++p.frame_no;
  }
  const std::uint64_t allocs = bench::heap_allocations() - allocs_before;
  benchmark::DoNotOptimize(consumer.bytes);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 60);
  state.counters["allocs_per_pkt"] = benchmark::Counter(static_cast<double>(allocs) / static_cast<double>(state.iterations()));
  if (consumer.gaps != 0) state.SkipWithError("unexpected gap");
}
BENCHMARK(BM_ReassemblyInOrder60);

void BM_ReassemblyOutOfOrderPairs(benchmark::State& state) {
  ReassemblyContext context;
  TcpReassembler reassembler(context);
  SumConsumer consumer;
  open_connection(reassembler, consumer);
  std::vector<std::byte> payload(60, std::byte{0x5A});
  decode::DecodedPacket p = segment(kClientIsn + 1, kServerIsn + 1, tf::kAck | tf::kPsh, core::Bytes(payload));
  std::uint32_t seq = kClientIsn + 1;
  const std::uint64_t allocs_before = bench::heap_allocations();
  for (auto _ : state) {
    // Segment n+1 arrives before segment n: one is held (copied), then both are delivered.
    p.tcp.seq = seq + 60;
    reassembler.on_segment(flow::Direction::a_to_b, p, consumer);
    p.tcp.seq = seq;
    reassembler.on_segment(flow::Direction::a_to_b, p, consumer);
    seq += 120;
  }
  const std::uint64_t allocs = bench::heap_allocations() - allocs_before;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2);  // packets
  state.counters["allocs_per_pkt"] =
      benchmark::Counter(static_cast<double>(allocs) / (2.0 * static_cast<double>(state.iterations())));
  if (consumer.gaps != 0 || context.counters().buffered_bytes != 0) state.SkipWithError("reassembly went wrong");
}
BENCHMARK(BM_ReassemblyOutOfOrderPairs);

}  // namespace
}  // namespace normwatch::stream
