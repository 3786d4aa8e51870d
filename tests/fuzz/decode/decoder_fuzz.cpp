// Fuzz target for the decoder. Input: one control byte, then one or more frames separated by the
// 4-byte delimiter "\xf1\x2a\xf1\x2a" (several frames per input exercise fragment reassembly,
// its caps and its timeout). Control byte: bits 0-3 pick the link type from the decodable list,
// bit 4 marks frames as cut by a snaplen, bit 5 turns checksum verification off, bits 6-7 pick
// how far capture time advances between frames (0, 1, 10 or 40 s).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "normwatch/decode/decoder.hpp"

namespace {

constexpr unsigned char kDelimiter[] = {0xf1, 0x2a, 0xf1, 0x2a};
constexpr std::int64_t kSteps[] = {0, 1'000'000'000, 10'000'000'000, 40'000'000'000};

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool inside(normwatch::core::Bytes part, const std::uint8_t* base, std::size_t size) {
  if (part.empty()) return true;
  const auto* p = reinterpret_cast<const std::uint8_t*>(part.data());
  return p >= base && p + part.size() <= base + size;
}

void decode_one(normwatch::decode::Decoder& decoder, const std::uint8_t* data, std::size_t size, int link, bool snap_cut,
                std::int64_t ts, std::uint64_t frame_no) {
  using namespace normwatch;
  // An exactly-sized copy, freed after the call: ASan catches reads past the frame and any
  // pointer the decoder keeps into it.
  std::vector<std::uint8_t> frame(data, data + size);
  capture::RawFrame raw;
  raw.link_type = link;
  raw.bytes = core::as_bytes(frame.data(), frame.size());
  raw.wire_len = static_cast<std::uint32_t>(size + (snap_cut ? 64 : 0));
  raw.ts = core::Timestamp{ts};
  raw.frame_no = frame_no;
  decode::DecodedPacket packet;
  const decode::DecodeStatus status = decoder.decode(raw, packet);
  if (status == decode::DecodeStatus::transport) {
    check(packet.transport == decode::Transport::tcp || packet.transport == decode::Transport::udp);
  }
  if (status == decode::DecodeStatus::anomaly) check(decoder.last_anomaly() != decode::DecodeAnomaly::kCount);
  if (!packet.reassembled) {
    check(inside(packet.payload, frame.data(), frame.size()));
    check(inside(packet.ip_packet, frame.data(), frame.size()));
  } else {
    // Reassembled bytes live in the decoder: touch them all so ASan checks the span.
    unsigned sum = 0;
    for (std::byte b : packet.ip_packet) sum += static_cast<unsigned>(b);
    for (std::byte b : packet.payload) sum += static_cast<unsigned>(b);
    check(sum != 0xffffffffu);
  }
  check(packet.payload.size() <= 65535);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace normwatch;
  if (size == 0) return 0;
  const std::uint8_t control = data[0];
  const int link = capture::kDecodableLinkTypes[(control & 0x0f) % capture::kDecodableLinkTypes.size()];
  const bool snap_cut = (control & 0x10) != 0;
  decode::DecoderLimits limits;
  limits.max_fragment_datagrams = 4;
  limits.max_fragment_bytes = 16384;
  limits.max_fragments_per_datagram = 16;
  limits.verify_checksums = (control & 0x20) == 0;
  const std::int64_t step = kSteps[control >> 6];
  decode::Decoder decoder(limits);

  const std::uint8_t* p = data + 1;
  const std::uint8_t* const end = data + size;
  std::uint64_t frames = 0;
  std::int64_t ts = 0;
  while (p <= end) {
    const void* hit = memmem(p, static_cast<std::size_t>(end - p), kDelimiter, sizeof kDelimiter);
    const auto* stop = hit != nullptr ? static_cast<const std::uint8_t*>(hit) : end;
    decode_one(decoder, p, static_cast<std::size_t>(stop - p), link, snap_cut, ts, ++frames);
    check(decoder.fragment_datagrams_held() <= limits.max_fragment_datagrams);
    check(decoder.fragment_bytes_held() <= limits.max_fragment_bytes);
    ts += step;
    if (hit == nullptr) break;
    p = stop + sizeof kDelimiter;
  }
  decoder.expire(core::Timestamp{ts + 3600'000'000'000});
  check(decoder.fragment_datagrams_held() == 0);
  check(decoder.counters().frames == frames);
  return 0;
}
