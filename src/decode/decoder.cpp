// Decoder: runs link, network and transport layers over one frame and keeps the run's counters
// and the fragment table. The path for an unfragmented frame allocates nothing and throws nothing.
#include "normwatch/decode/decoder.hpp"

#include <numeric>

#include "decode_context.hpp"
#include "fragment_table.hpp"
#include "link_layer.hpp"

namespace normwatch::decode {

namespace {
// While fragments are held, the decode path looks for timed-out datagrams at most this often
// (in capture time), so a datagram that never completes is reported even without expire() calls.
constexpr std::int64_t kExpiryCheckNs = 1'000'000'000;
}  // namespace

struct Decoder::Impl {
  explicit Impl(const DecoderLimits& l) : limits(l), fragments(l) {}
  DecoderLimits limits;
  detail::FragmentTable fragments;
  // Resetting the output by copying this (ten 16-byte moves) is cheaper than value-initialising
  // it, for which GCC emits `rep stos` (slow to start); a member rather than a constant so that
  // the copy is not folded back into that. Stays right when fields are added to DecodedPacket.
  const DecodedPacket empty_packet{};
  std::int64_t next_expiry_check_ns = 0;
};

std::uint64_t DecodeCounters::anomaly_total() const {
  return std::accumulate(anomalies.begin(), anomalies.end(), std::uint64_t{0});
}

Decoder::Decoder(DecoderLimits limits) : impl_(std::make_unique<Impl>(limits)) {}
Decoder::~Decoder() = default;

std::size_t Decoder::fragment_datagrams_held() const { return impl_->fragments.size(); }
std::size_t Decoder::fragment_bytes_held() const { return impl_->fragments.bytes_held(); }

void Decoder::expire(core::Timestamp now) {
  counters_.anomalies[static_cast<std::size_t>(DecodeAnomaly::fragment_timeout)] += impl_->fragments.expire(now);
}

DecodeStatus Decoder::decode(const capture::RawFrame& frame, DecodedPacket& out) {
  out = impl_->empty_packet;
  out.ts = frame.ts;
  out.frame_no = frame.frame_no;
  out.wire_len = frame.wire_len;
  ++counters_.frames;
  if (!impl_->fragments.empty() && frame.ts.ns >= impl_->next_expiry_check_ns) {
    expire(frame.ts);
    impl_->next_expiry_check_ns = frame.ts.ns + kExpiryCheckNs;
  }

  detail::DecodeContext ctx{out, counters_, impl_->fragments};
  ctx.snap_cut = frame.bytes.size() < frame.wire_len;
  ctx.verify_checksums = impl_->limits.verify_checksums;

  const detail::LinkResult link = detail::decode_link(ctx, frame.link_type, frame.bytes);
  DecodeStatus status = DecodeStatus::anomaly;
  switch (link.network) {
    case detail::Network::ipv4:
      status = detail::decode_ipv4(ctx, link.l3);
      break;
    case detail::Network::ipv6:
      status = detail::decode_ipv6(ctx, link.l3);
      break;
    case detail::Network::by_version: {
      const auto version = link.l3.empty() ? 0 : static_cast<unsigned>(link.l3[0]) >> 4;
      if (version == 4) {
        status = detail::decode_ipv4(ctx, link.l3);
      } else if (version == 6) {
        status = detail::decode_ipv6(ctx, link.l3);
      } else {
        status = ctx.fail(DecodeAnomaly::bad_ip_version);
      }
      break;
    }
    case detail::Network::not_ip:
      ++counters_.not_ip;
      status = DecodeStatus::not_ip;
      break;
    case detail::Network::failed:
      break;
  }
  last_anomaly_ = ctx.first;
  return status;
}

}  // namespace normwatch::decode
