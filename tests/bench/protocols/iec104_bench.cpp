// IEC 60870-5-104 throughput: APCI + ASDU parsing of measured-value I-frames (M_ME_NC_1, 10 objects,
// 92-byte APDUs), pre-framed and framed from a stream, and the whole session path (framing, parse,
// link state, k/w window, conformance and element checks, null sink) with acknowledgements from
// the peer. Reports APDUs per second and heap allocations per APDU after warm-up, counted by the
// bench program's replaced operator new.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "normwatch/protocols/common/frame_assembler.hpp"
#include "normwatch/protocols/iec104/framer.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"
#include "normwatch/protocols/iec104/session.hpp"

// The counting operator new of the bench program (tests/support/heap_counter.hpp, in reassembly_bench.cpp).
namespace normwatch::bench {
std::uint64_t heap_allocations();
}

namespace {

using namespace normwatch;
using namespace normwatch::protocols;
using namespace normwatch::protocols::iec104;
using Buf = std::vector<std::byte>;

double allocations_per(std::uint64_t before, std::uint64_t items) {
  return items == 0 ? 0 : static_cast<double>(normwatch::bench::heap_allocations() - before) / static_cast<double>(items);
}
std::uint64_t allocations_now() {
  return normwatch::bench::heap_allocations();
}

constexpr int kObjects = 10;

// M_ME_NC_1, SQ=0, 10 objects (IOA + float + QDS), spontaneous, CA 1.
void append_measured_apdu(Buf& out, std::uint16_t tx, std::uint16_t rx) {
  const std::size_t length = 4 + 6 + kObjects * 8;
  const std::uint8_t head[] = {0x68, static_cast<std::uint8_t>(length), static_cast<std::uint8_t>(tx << 1),
                               static_cast<std::uint8_t>(tx >> 7), static_cast<std::uint8_t>(rx << 1),
                               static_cast<std::uint8_t>(rx >> 7), 13, kObjects, 3, 0, 1, 0};
  for (std::uint8_t b : head) out.push_back(static_cast<std::byte>(b));
  for (int i = 0; i < kObjects; ++i) {
    const std::uint8_t obj[] = {static_cast<std::uint8_t>(i + 1), 0x10, 0x00, 0x00, 0x00, 0x48, 0x42, 0x00};
    for (std::uint8_t b : obj) out.push_back(static_cast<std::byte>(b));
  }
}

constexpr std::size_t kApduBytes = 6 + 6 + kObjects * 8;

void BM_Iec104ParseApdu(benchmark::State& state) {
  Buf stream;
  constexpr int kCount = 1024;
  for (int i = 0; i < kCount; ++i) append_measured_apdu(stream, static_cast<std::uint16_t>(i), 0);
  const core::Bytes all(stream);
  const Widths widths;
  Pdu p;
  std::uint64_t sum = 0;
  std::uint64_t apdus = 0;
  const std::uint64_t pass_before = allocations_now();
  for (int i = 0; i < kCount; ++i) {
    (void)parse_apdu_into(all.subspan(static_cast<std::size_t>(i) * kApduBytes, kApduBytes), widths, p);
    sum += p.asdu.ioa(kObjects - 1);
  }
  state.counters["allocs_in_one_pass"] = static_cast<double>(allocations_now() - pass_before);
  const std::uint64_t before = allocations_now();
  for (auto _ : state) {
    for (int i = 0; i < kCount; ++i) {
      const ParseError e = parse_apdu_into(all.subspan(static_cast<std::size_t>(i) * kApduBytes, kApduBytes), widths, p);
      sum += p.apci.tx + p.asdu.type + p.asdu.num + p.asdu.ca + p.asdu.ioa(kObjects - 1) + (p.malformed() ? 1 : 0) +
             (e.failed() ? 1 : 0);
    }
    apdus += kCount;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<std::int64_t>(apdus));
  state.SetBytesProcessed(static_cast<std::int64_t>(apdus * kApduBytes));
  state.counters["allocs_per_apdu"] = allocations_per(before, apdus);
}
BENCHMARK(BM_Iec104ParseApdu);

// The same through the value-returning API (Result<Pdu, ParseError>): one Pdu copy per APDU.
void BM_Iec104ParseApduResult(benchmark::State& state) {
  Buf stream;
  constexpr int kCount = 1024;
  for (int i = 0; i < kCount; ++i) append_measured_apdu(stream, static_cast<std::uint16_t>(i), 0);
  const core::Bytes all(stream);
  std::uint64_t sum = 0;
  std::uint64_t apdus = 0;
  for (auto _ : state) {
    for (int i = 0; i < kCount; ++i) {
      auto pdu = parse_apdu(all.subspan(static_cast<std::size_t>(i) * kApduBytes, kApduBytes));
      sum += pdu->asdu.num + pdu->asdu.ioa(kObjects - 1);
    }
    apdus += kCount;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<std::int64_t>(apdus));
}
BENCHMARK(BM_Iec104ParseApduResult);

void BM_Iec104FrameAndParse(benchmark::State& state) {
  Buf stream;
  constexpr int kCount = 1024;
  for (int i = 0; i < kCount; ++i) append_measured_apdu(stream, static_cast<std::uint16_t>(i), 0);
  ApduFramer framer;
  FrameAssembler assembler(4096);
  const Widths widths;
  Pdu p;
  std::uint64_t sum = 0;
  std::uint64_t apdus = 0;
  const std::uint64_t before = allocations_now();
  for (auto _ : state) {
    assembler.feed(
        core::Bytes(stream), false, 1, [&framer](core::Bytes b) { return framer(b); },
        [&](core::Bytes frame, std::uint64_t) {
          const ParseError e = parse_apdu_into(frame, widths, p);
          sum += p.asdu.num + p.asdu.ioa(kObjects - 1) + (e.failed() ? 1 : 0);
          ++apdus;
        },
        [](std::string_view, std::size_t, std::uint64_t) {});
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<std::int64_t>(apdus));
  state.SetBytesProcessed(static_cast<std::int64_t>(apdus * kApduBytes));
  state.counters["allocs_per_apdu"] = allocations_per(before, apdus);
}
BENCHMARK(BM_Iec104FrameAndParse);

class NullSink final : public PduSink {
 public:
  void on_pdu(const PduRecord& r) override { pdus += r.frame_no != 0 ? 1 : 0; }
  void on_anomaly(const AnomalyRecord&) override { ++anomalies; }
  std::uint64_t pdus = 0;
  std::uint64_t anomalies = 0;
};

// The controlled station sends bursts of 8 measured-value APDUs (one TCP segment each); the
// controlling station acknowledges each burst with an S-frame. 4096 bursts cover the whole 15-bit
// sequence space, so replaying them wraps seamlessly.
void BM_Iec104Session(benchmark::State& state) {
  constexpr int kBurst = 8;
  constexpr int kBursts = 32768 / kBurst;
  Buf server;
  Buf client;
  for (int b = 0; b < kBursts; ++b) {
    for (int i = 0; i < kBurst; ++i) append_measured_apdu(server, static_cast<std::uint16_t>(b * kBurst + i), 0);
    const auto rx = static_cast<std::uint16_t>(((b + 1) * kBurst) % 32768);
    const std::uint8_t s[] = {0x68, 4, 1, 0, static_cast<std::uint8_t>(rx << 1), static_cast<std::uint8_t>(rx >> 7)};
    for (std::uint8_t x : s) client.push_back(static_cast<std::byte>(x));
  }
  const core::Bytes server_bytes(server), client_bytes(client);
  NullSink sink;
  Iec104Session session(sink, Config{}, 4096);
  std::uint64_t frame = 0;
  const auto feed_all = [&] {
    for (int b = 0; b < kBursts; ++b) {
      ++frame;
      const SegmentContext ctx{frame, core::Timestamp{static_cast<std::int64_t>(frame) * 1000}};
      session.on_stream(Side::server, server_bytes.subspan(static_cast<std::size_t>(b) * kBurst * kApduBytes, kBurst * kApduBytes),
                        false, ctx);
      session.on_stream(Side::client, client_bytes.subspan(static_cast<std::size_t>(b) * 6, 6), false, ctx);
    }
  };
  feed_all();  // warm-up
  // One pass outside the benchmark loop, so that the framework's own bookkeeping is not counted.
  const std::uint64_t pass_before = allocations_now();
  feed_all();
  state.counters["allocs_in_one_pass"] = static_cast<double>(allocations_now() - pass_before);
  const std::uint64_t before = allocations_now();
  std::uint64_t apdus = 0;
  for (auto _ : state) {
    feed_all();
    apdus += kBursts * (kBurst + 1);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(apdus));
  state.counters["allocs_per_apdu"] = allocations_per(before, apdus);
  state.counters["anomalies"] = static_cast<double>(sink.anomalies);
}
BENCHMARK(BM_Iec104Session)->Unit(benchmark::kMillisecond);

}  // namespace
