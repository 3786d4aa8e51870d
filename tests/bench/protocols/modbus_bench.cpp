// Modbus throughput on one core: the pure parser on typical FC3 request/response ADUs, and the
// whole session path (framing, parsing, role check, pairing, record to a null sink) over the
// polling pattern most Modbus traffic is made of, one ADU per segment.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "normwatch/core/hex.hpp"
#include "normwatch/protocols/modbus/parser.hpp"
#include "normwatch/protocols/modbus/session.hpp"

namespace {
using namespace normwatch;
using namespace normwatch::protocols;
using namespace normwatch::protocols::modbus;

std::vector<std::byte> bytes_of(std::string_view hex_text) { return core::parse_hex(hex_text).value(); }

// Read 10 holding registers from 100, and the answer.
const std::vector<std::byte> kRequest = bytes_of("00 2A 00 00 00 06 01 03 00 64 00 0A");
const std::vector<std::byte> kResponse =
    bytes_of("00 2A 00 00 00 17 01 03 14 00 01 00 02 00 03 00 04 00 05 00 06 00 07 00 08 00 09 00 0A");

void BM_ModbusParseFc3Request(benchmark::State& state) {
  for (auto _ : state) {
    Pdu pdu = parse_adu(kRequest, Direction::request);
    benchmark::DoNotOptimize(pdu);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ModbusParseFc3Request);

void BM_ModbusParseFc3Response(benchmark::State& state) {
  for (auto _ : state) {
    Pdu pdu = parse_adu(kResponse, Direction::response);
    benchmark::DoNotOptimize(pdu);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ModbusParseFc3Response);

// Request and response alternately, as a poll loop produces them.
void BM_ModbusParseFc3Pair(benchmark::State& state) {
  for (auto _ : state) {
    Pdu request = parse_adu(kRequest, Direction::request);
    benchmark::DoNotOptimize(request);
    Pdu response = parse_adu(kResponse, Direction::response);
    benchmark::DoNotOptimize(response);
  }
  state.SetItemsProcessed(2 * state.iterations());
}
BENCHMARK(BM_ModbusParseFc3Pair);

class NullSink : public PduSink {
 public:
  void on_pdu(const PduRecord& record) override { benchmark::DoNotOptimize(record.pdu); }
  void on_anomaly(const AnomalyRecord& record) override { benchmark::DoNotOptimize(record.name); }
};

// One request segment and one response segment per iteration, transaction ids counting up.
void BM_ModbusSessionPollLoop(benchmark::State& state) {
  NullSink sink;
  ModbusSession session(sink);
  std::vector<std::byte> request = kRequest;
  std::vector<std::byte> response = kResponse;
  std::uint16_t tid = 0;
  std::uint64_t frame = 0;
  for (auto _ : state) {
    ++tid;
    request[0] = response[0] = std::byte(tid >> 8);
    request[1] = response[1] = std::byte(tid & 0xFF);
    session.on_stream(Side::client, request, false, SegmentContext{++frame, {}});
    session.on_stream(Side::server, response, false, SegmentContext{++frame, {}});
  }
  state.SetItemsProcessed(2 * state.iterations());
  if (session.counters().paired != static_cast<std::uint64_t>(state.iterations())) state.SkipWithError("pairing failed");
}
BENCHMARK(BM_ModbusSessionPollLoop);

// The same exchange with every ADU split over two segments (assembler buffering path).
void BM_ModbusSessionSplitSegments(benchmark::State& state) {
  NullSink sink;
  ModbusSession session(sink);
  std::uint64_t frame = 0;
  const core::Bytes request(kRequest);
  const core::Bytes response(kResponse);
  for (auto _ : state) {
    session.on_stream(Side::client, request.first(5), false, SegmentContext{++frame, {}});
    session.on_stream(Side::client, request.subspan(5), false, SegmentContext{++frame, {}});
    session.on_stream(Side::server, response.first(9), false, SegmentContext{++frame, {}});
    session.on_stream(Side::server, response.subspan(9), false, SegmentContext{++frame, {}});
  }
  state.SetItemsProcessed(2 * state.iterations());
}
BENCHMARK(BM_ModbusSessionSplitSegments);

}  // namespace
