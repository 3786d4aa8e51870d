// Decoder benchmarks: the per-packet path for typical ICS frames (a 60-byte Ethernet/IPv4/TCP
// frame with padding, the same VLAN-tagged, IPv6/TCP, a full 1514-byte segment where checksum
// verification dominates), with and without checksum checks. Reports frames/s and heap
// allocations per frame from the counting operator new in reassembly_bench.cpp (target: 0).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "normwatch/core/hex.hpp"
#include "normwatch/decode/decoder.hpp"

namespace normwatch::bench {
std::uint64_t heap_allocations();
}

namespace normwatch::decode {
namespace {

// 60 bytes captured (64 on the wire with the FCS): Ethernet, IPv4, TCP 50000 -> 502, 2 payload
// bytes and 4 bytes of Ethernet padding.
const char* const kEthIpv4Tcp60 =
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"
    "45 00 00 2a 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02"
    "c3 50 01 f6 00 00 03 e9 00 00 07 d1 50 18 20 00 fe f9 00 00 ab cd 00 00 00 00";
const char* const kVlanIpv4Tcp64 =
    "02 00 00 00 00 02 02 00 00 00 00 01 81 00 00 64 08 00"
    "45 00 00 2a 12 34 40 00 40 06 14 98 0a 00 00 01 0a 00 00 02"
    "c3 50 01 f6 00 00 03 e9 00 00 07 d1 50 18 20 00 fe f9 00 00 ab cd 00 00 00 00";
const char* const kEthIpv6Tcp76 =
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd 60 00 00 00 00 16 06 40"
    "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "c3 50 01 f6 00 00 00 07 00 00 00 09 50 18 20 00 6d fd 00 00 01 02";

std::vector<std::byte> full_segment() {
  // 1514-byte frame: IPv4 total 1500, TCP header 20, 1460 payload bytes (checksum left wrong on
  // purpose: verification runs over every byte either way, and the anomaly is only counted).
  auto f = core::parse_hex(kEthIpv4Tcp60).value();
  f.resize(54);
  f[16] = std::byte{0x05};
  f[17] = std::byte{0xdc};
  f.resize(1514, std::byte{0x5a});
  return f;
}

void run(benchmark::State& state, const std::vector<std::byte>& bytes, bool verify) {
  Decoder decoder(DecoderLimits{.verify_checksums = verify});
  DecodedPacket packet;
  capture::RawFrame frame;
  frame.link_type = 1;
  frame.bytes = core::Bytes(bytes.data(), bytes.size());
  frame.wire_len = static_cast<std::uint32_t>(bytes.size());
  decoder.decode(frame, packet);
  if (packet.transport != Transport::tcp) state.SkipWithError("benchmark frame does not decode to TCP");
  const std::uint64_t allocations_before = bench::heap_allocations();
  for (auto _ : state) {
    ++frame.frame_no;
    benchmark::DoNotOptimize(decoder.decode(frame, packet));
    benchmark::DoNotOptimize(packet.payload.data());
  }
  const auto allocations = static_cast<double>(bench::heap_allocations() - allocations_before);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
  state.counters["allocs_per_frame"] = allocations / static_cast<double>(state.iterations());
}

void BM_Decode_EthIpv4Tcp60(benchmark::State& state) { run(state, core::parse_hex(kEthIpv4Tcp60).value(), state.range(0) != 0); }
void BM_Decode_VlanIpv4Tcp64(benchmark::State& state) { run(state, core::parse_hex(kVlanIpv4Tcp64).value(), state.range(0) != 0); }
void BM_Decode_EthIpv6Tcp76(benchmark::State& state) { run(state, core::parse_hex(kEthIpv6Tcp76).value(), state.range(0) != 0); }
void BM_Decode_EthIpv4Tcp1514(benchmark::State& state) { run(state, full_segment(), state.range(0) != 0); }

// Arg: 1 = verify checksums (the default), 0 = not.
BENCHMARK(BM_Decode_EthIpv4Tcp60)->ArgName("verify")->Arg(1)->Arg(0);
BENCHMARK(BM_Decode_VlanIpv4Tcp64)->ArgName("verify")->Arg(1)->Arg(0);
BENCHMARK(BM_Decode_EthIpv6Tcp76)->ArgName("verify")->Arg(1)->Arg(0);
BENCHMARK(BM_Decode_EthIpv4Tcp1514)->ArgName("verify")->Arg(1)->Arg(0);

}  // namespace
}  // namespace normwatch::decode
