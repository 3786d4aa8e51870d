// DNP3 session throughput: link + transport + application parsing of a class-0 poll (READ of
// class 0 from the master, a multi-frame response with 200 g1v2 binaries, 200 g30v1 analogs and
// 50 g20v1 counters from the outstation), fed as TCP stream bytes in MSS-sized chunks to a session
// with a null sink. Reports DNP3 stream bytes per second and heap allocations per fragment after
// warm-up, from the bench program's counting operator new (reassembly_bench.cpp).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "normwatch/protocols/dnp3/crc.hpp"
#include "normwatch/protocols/dnp3/link_framer.hpp"
#include "normwatch/protocols/dnp3/session.hpp"

namespace normwatch::bench {
std::uint64_t heap_allocations();  // counting global operator new, defined in reassembly_bench.cpp
}  // namespace normwatch::bench

namespace {

using namespace normwatch;
using namespace normwatch::protocols;
using Buf = std::vector<std::byte>;

void put_crc(Buf& out, core::Bytes covered) {
  const std::uint16_t crc = dnp3::crc16_dnp(covered);
  out.push_back(static_cast<std::byte>(crc & 0xFF));
  out.push_back(static_cast<std::byte>(crc >> 8));
}

Buf link_frames(std::uint8_t control, std::uint16_t dst, std::uint16_t src, const Buf& fragment, std::uint8_t& tseq) {
  Buf out;
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min<std::size_t>(249, fragment.size() - pos);
    Buf user{static_cast<std::byte>((pos + n == fragment.size() ? 0x80 : 0) | (pos == 0 ? 0x40 : 0) | (tseq & 0x3F))};
    user.insert(user.end(), fragment.begin() + static_cast<std::ptrdiff_t>(pos),
                fragment.begin() + static_cast<std::ptrdiff_t>(pos + n));
    tseq = static_cast<std::uint8_t>((tseq + 1) & 0x3F);
    const std::size_t start = out.size();
    for (int b : {0x05, 0x64, static_cast<int>(5 + user.size()), static_cast<int>(control), dst & 0xFF, dst >> 8, src & 0xFF, src >> 8}) {
      out.push_back(static_cast<std::byte>(b));
    }
    put_crc(out, core::Bytes(out).subspan(start, 8));
    for (std::size_t i = 0; i < user.size(); i += 16) {
      const auto block = core::Bytes(user).subspan(i, std::min<std::size_t>(16, user.size() - i));
      out.insert(out.end(), block.begin(), block.end());
      put_crc(out, block);
    }
    pos += n;
  } while (pos < fragment.size());
  return out;
}

void append(Buf& out, std::initializer_list<int> bytes) {
  for (int b : bytes) out.push_back(static_cast<std::byte>(b));
}

class CountingSink final : public PduSink {
 public:
  void on_pdu(const PduRecord&) override { ++pdus; }
  void on_anomaly(const AnomalyRecord&) override { ++anomalies; }
  std::uint64_t pdus = 0;
  std::uint64_t anomalies = 0;
};

struct Conversation {
  std::vector<Buf> requests;   // master side, one chunk per poll
  std::vector<Buf> responses;  // outstation side, MSS-sized chunks per poll (frames split across chunks)
  std::size_t bytes_per_poll = 0;
};

Conversation make_conversation(std::size_t polls) {
  Conversation c;
  std::uint8_t master_tseq = 0;
  std::uint8_t outstation_tseq = 0;
  for (std::size_t i = 0; i < polls; ++i) {
    const auto seq = static_cast<int>(i & 0x0F);
    Buf read;
    append(read, {0xC0 | seq, 0x01, 0x3C, 0x01, 0x06});
    Buf rsp;
    append(rsp, {0xC0 | seq, 0x81, 0x00, 0x00});
    append(rsp, {0x01, 0x02, 0x00, 0x00, 199});  // g1v2 0..199
    for (int p = 0; p < 200; ++p) append(rsp, {0x01});
    append(rsp, {0x1E, 0x01, 0x01, 0x00, 0x00, 199, 0x00});  // g30v1 0..199
    for (int p = 0; p < 200; ++p) append(rsp, {0x01, p & 0xFF, 0x02, 0x00, 0x00});
    append(rsp, {0x14, 0x01, 0x00, 0x00, 49});  // g20v1 0..49
    for (int p = 0; p < 50; ++p) append(rsp, {0x01, p & 0xFF, 0x10, 0x00, 0x00});
    c.requests.push_back(link_frames(0xC4, 10, 1, read, master_tseq));
    const Buf frames = link_frames(0x44, 1, 10, rsp, outstation_tseq);
    for (std::size_t pos = 0; pos < frames.size(); pos += 1460) {
      const std::size_t n = std::min<std::size_t>(1460, frames.size() - pos);
      c.responses.emplace_back(frames.begin() + static_cast<std::ptrdiff_t>(pos),
                               frames.begin() + static_cast<std::ptrdiff_t>(pos + n));
    }
    if (i == 0) c.bytes_per_poll = c.requests.back().size() + frames.size();
  }
  return c;
}

bool allocation_counting_active() {
  const std::uint64_t before = bench::heap_allocations();
  auto* v = new std::vector<int>(64);
  benchmark::DoNotOptimize(v->data());
  delete v;
  return bench::heap_allocations() > before;
}

void BM_Dnp3SessionClass0Poll(benchmark::State& state) {
  constexpr std::size_t kPolls = 16;  // one per application sequence number
  const Conversation conv = make_conversation(kPolls);
  const std::size_t chunks_per_poll = conv.responses.size() / kPolls;
  CountingSink sink;
  dnp3::Dnp3Session session(sink);
  std::uint64_t frame = 0;
  auto run_polls = [&] {
    for (std::size_t i = 0; i < kPolls; ++i) {
      session.on_stream(Side::client, core::Bytes(conv.requests[i]), false, SegmentContext{++frame, {}});
      for (std::size_t k = 0; k < chunks_per_poll; ++k) {
        session.on_stream(Side::server, core::Bytes(conv.responses[i * chunks_per_poll + k]), false,
                          SegmentContext{++frame, {}});
      }
    }
  };
  run_polls();  // warm-up: reassembly buffers and the assembler's split-frame buffer get reserved
  const std::uint64_t pdus_before = sink.pdus;
  const std::uint64_t allocs_before = bench::heap_allocations();
  for (auto _ : state) run_polls();
  const std::uint64_t allocs = bench::heap_allocations() - allocs_before;
  const std::uint64_t fragments = sink.pdus - pdus_before;
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPolls * conv.bytes_per_poll));
  state.counters["fragments"] = benchmark::Counter(static_cast<double>(fragments), benchmark::Counter::kIsRate);
  state.counters["allocs_per_fragment"] =
      allocation_counting_active() ? static_cast<double>(allocs) / static_cast<double>(fragments ? fragments : 1) : -1.0;
  state.counters["anomalies"] = static_cast<double>(sink.anomalies);
  state.counters["poll_bytes"] = static_cast<double>(conv.bytes_per_poll);
}
BENCHMARK(BM_Dnp3SessionClass0Poll);

// Link layer alone: header check, 16 block CRCs and the copy of a maximum-size (292-byte) frame.
void BM_Dnp3DecodeMaxLinkFrame(benchmark::State& state) {
  Buf user(250);
  for (std::size_t i = 0; i < user.size(); ++i) user[i] = static_cast<std::byte>(i);
  user[0] = std::byte{0xC0};  // transport FIR+FIN
  std::uint8_t tseq = 0;
  const Buf frame = link_frames(0x44, 1, 10, Buf(user.begin() + 1, user.end()), tseq);
  dnp3::UserDataBuffer scratch;
  dnp3::LinkFrame lf;
  for (auto _ : state) {
    benchmark::DoNotOptimize(dnp3::decode_link_frame(core::Bytes(frame), scratch, lf));
    benchmark::DoNotOptimize(lf.user_data.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frame.size()));
  // A label, not a counter: the CSV reporter needs every benchmark to carry the same counters.
  state.SetLabel(dnp3::crc_path_available(dnp3::CrcPath::vclmul)  ? "vpclmulqdq"
                 : dnp3::crc_path_available(dnp3::CrcPath::clmul) ? "pclmulqdq"
                                                                  : "tables");
}
BENCHMARK(BM_Dnp3DecodeMaxLinkFrame);

}  // namespace
