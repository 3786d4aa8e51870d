// Evidence chain costs (issue 10): events/s through the DeliverySink with the chain off, on, and
// on with Ed25519 checkpoints; and offline verification of a 100,000-event chain. Set
// NORMWATCH_BENCH_BUNDLE=DIR to also write that chain as a bundle for `time normwatch verify DIR`.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "normwatch/events/chain_verifier.hpp"
#include "normwatch/publish/checkpoint.hpp"
#include "normwatch/publish/delivery_sink.hpp"
#include "normwatch/publish/file_digest.hpp"

namespace {

using namespace normwatch;

events::Event bench_finding(std::int64_t i) {
  events::Event e;
  e.ts = core::Timestamp::from_seconds(1'700'000'000 + i / 1000, (i % 1000) * 1'000'000);
  e.kind = events::EventKind::norm_violation;
  e.severity = events::Severity::high;
  e.rule = events::RuleRef{"MB-01", 1, "Modbus write from a non-engineering host", events::Severity::high,
                           {"T0855"}, {"f", "P1"}};
  e.source = events::Endpoint{core::IpAddress::v4(0x0A000005u), 50123};
  e.destination = events::Endpoint{core::IpAddress::v4(0x0A00010Au), 502};
  e.transport = "tcp";
  e.protocol = "modbus";
  e.source_zone = "L3-ops";
  e.destination_zone = "L1-field";
  e.pdu_json = R"({"function":6,"unit":1,"address":40001,"value":1234})";
  e.evidence_frames = {static_cast<std::uint64_t>(i)};
  e.message = "MB-01 Modbus write single register from 10.0.0.5";
  return e;
}

const publish::Signer& bench_signer() {
  static const publish::Signer signer = publish::Signer::from_seed_hex(std::string(64, '5')).value();
  return signer;
}

// Arg: 0 chain off, 1 chain on (no key), 2 chain + checkpoint every 10,000 events (the default),
// 3 chain + checkpoint every 100 events.
void BM_DeliveryEvidence(benchmark::State& state) {
  constexpr int kEvents = 20'000;
  const auto mode = state.range(0);
  std::vector<events::Event> batch;
  for (int i = 0; i < kEvents; ++i) batch.push_back(bench_finding(i));
  for (auto _ : state) {
    publish::DeliveryOptions o;
    o.sensor_id = "bench";
    o.events_path = "/dev/null";
    o.block_when_full = true;
    o.log = [](const std::string&) {};
    if (mode > 0) {
      publish::EvidenceOptions e;
      if (mode >= 2) e.signer = bench_signer();
      e.checkpoints.every_events = mode == 3 ? 100 : 10'000;
      o.evidence = e;
    }
    auto sink = publish::DeliverySink::open(o).value();
    for (const auto& e : batch) sink->emit(e);
    sink->flush();
    benchmark::DoNotOptimize(sink->stats().written);
  }
  state.SetItemsProcessed(state.iterations() * kEvents);
}
BENCHMARK(BM_DeliveryEvidence)->Arg(0)->Arg(1)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// 100,000 chained events with a signed checkpoint every 10,000, as a sensor writes them.
const std::vector<std::string>& chain_100k() {
  static const std::vector<std::string> lines = [] {
    publish::EvidenceOptions o;
    o.signer = bench_signer();
    o.checkpoints.every_events = 10'000;
    o.checkpoints.every = std::chrono::milliseconds(0);
    auto chain = publish::EvidenceChain::open("", o, "bench", 1).value();
    std::vector<std::string> out;
    std::uint64_t seq = 1;
    const auto now = publish::EvidenceChain::Clock::now();
    auto stamp = [&](events::Event e) {
      e.sensor = "bench";
      e.epoch = 1;
      e.seq = seq;
      chain.link(e);
      out.push_back(events::to_json_line(e));
      chain.advance(seq++, out.back());
    };
    while (out.size() < 100'000) {
      stamp(bench_finding(static_cast<std::int64_t>(seq)));
      if (out.size() < 100'000 && chain.checkpoint_due(now, out.size() == 99'999)) {
        stamp(chain.make_checkpoint(core::Timestamp::from_seconds(1'700'000'000), now));
      }
    }
    if (const char* dir = std::getenv("NORMWATCH_BENCH_BUNDLE")) {
      const std::filesystem::path root(dir);
      std::filesystem::create_directories(root / "events");
      std::filesystem::create_directories(root / "keys");
      {
        std::ofstream f(root / "events/bench.jsonl");
        for (const auto& l : out) f << l << '\n';
      }
      std::ofstream(root / "keys/bench.sign.pub") << bench_signer().public_key_hex() << '\n';
      std::ofstream sums(root / "SHA256SUMS");
      for (const char* rel : {"events/bench.jsonl", "keys/bench.sign.pub"}) {
        sums << publish::sha256_of_path(root / rel).value_or("") << "  " << rel << '\n';
      }
    }
    return out;
  }();
  return lines;
}

void BM_VerifyChain100k(benchmark::State& state) {
  const auto& lines = chain_100k();
  const std::string key = bench_signer().public_key_hex();
  for (auto _ : state) {
    events::ChainVerifier v("bench", key);
    for (std::size_t i = 0; i < lines.size(); ++i) v.add_line(lines[i], i + 1);
    const auto verdict = v.finish();
    if (!verdict.pass() || verdict.signed_events != lines.size()) state.SkipWithError("the chain does not verify");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(lines.size()));
}
BENCHMARK(BM_VerifyChain100k)->Unit(benchmark::kMillisecond);

}  // namespace
