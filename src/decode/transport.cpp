// TCP (RFC 9293 §3.1: header, data offset, options; RFC 7323 §2: window scale) and UDP (RFC 768)
// headers, with checksum verification over the pseudo-header (counted only: senders that offload
// checksums put garbage there when the capture is taken on the sending host).
#include <algorithm>

#include "checksum.hpp"
#include "decode_context.hpp"

namespace normwatch::decode::detail {

namespace {

constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::size_t kTcpHeader = 20;
constexpr std::size_t kUdpHeader = 8;
constexpr std::uint8_t kOptionEnd = 0;
constexpr std::uint8_t kOptionNop = 1;
constexpr std::uint8_t kOptionWindowScale = 3;
constexpr std::uint8_t kMaxWindowScale = 14;  // RFC 7323 §2.3: larger values are used as 14

bool checksum_ok(const TransportInput& in, core::Bytes covered, std::size_t length) {
  const std::uint32_t pseudo = in.address_sum + in.proto + static_cast<std::uint32_t>(length >> 16) +
                               static_cast<std::uint32_t>(length & 0xffff);
  return ones_complement_sum(covered, pseudo) == 0xffff;
}

// Walks the option list. Only the SYN's window scale matters downstream (the stream layer needs
// it to judge windows); every option's length is still checked so a mangled list is reported.
void tcp_options(DecodeContext& ctx, core::Bytes options, bool syn) {
  std::size_t at = 0;
  while (at < options.size()) {
    const auto kind = static_cast<std::uint8_t>(options[at]);
    if (kind == kOptionEnd) return;
    if (kind == kOptionNop) {
      ++at;
      continue;
    }
    if (at + 1 >= options.size()) {
      ctx.raise(DecodeAnomaly::bad_tcp_option);
      return;
    }
    const auto length = static_cast<std::uint8_t>(options[at + 1]);
    if (length < 2 || at + length > options.size()) {
      ctx.raise(DecodeAnomaly::bad_tcp_option);
      return;
    }
    if (kind == kOptionWindowScale && syn) {
      if (length != 3) {
        ctx.raise(DecodeAnomaly::bad_tcp_option);
      } else {
        const auto shift = static_cast<std::uint8_t>(options[at + 2]);
        if (shift > kMaxWindowScale) ctx.raise(DecodeAnomaly::bad_tcp_option);
        ctx.out.tcp.window_scale = std::min(shift, kMaxWindowScale);
        ctx.out.tcp.has_window_scale = true;
      }
    }
    at += length;
  }
}

DecodeStatus tcp(DecodeContext& ctx, const TransportInput& in) {
  const core::Bytes b = in.bytes;
  if (in.declared < kTcpHeader) return ctx.fail(DecodeAnomaly::truncated_tcp);
  if (b.size() < kTcpHeader) return ctx.cut(DecodeAnomaly::truncated_tcp);
  auto& out = ctx.out;
  out.src_port = core::load_u16be(b, 0);
  out.dst_port = core::load_u16be(b, 2);
  const std::size_t offset = (static_cast<std::size_t>(b[12]) >> 4) * 4;
  if (offset < kTcpHeader || offset > in.declared) return ctx.fail(DecodeAnomaly::bad_tcp_data_offset);
  if (offset > b.size()) return ctx.cut(DecodeAnomaly::truncated_tcp);
  auto& t = out.tcp;
  t.seq = core::load_u32be(b, 4);
  t.ack = core::load_u32be(b, 8);
  t.flags = static_cast<std::uint8_t>(b[13]);
  t.window = core::load_u16be(b, 14);
  if (offset > kTcpHeader) tcp_options(ctx, b.subspan(kTcpHeader, offset - kTcpHeader), (t.flags & tcp_flags::kSyn) != 0);
  if (in.verify_checksum && !checksum_ok(in, b, b.size())) ctx.raise(DecodeAnomaly::bad_tcp_checksum);
  out.payload = b.subspan(offset);
  out.payload_truncated = b.size() < in.declared;
  out.transport = Transport::tcp;
  ++ctx.counters.tcp;
  return DecodeStatus::transport;
}

DecodeStatus udp(DecodeContext& ctx, const TransportInput& in) {
  const core::Bytes b = in.bytes;
  if (in.declared < kUdpHeader) return ctx.fail(DecodeAnomaly::truncated_udp);
  if (b.size() < kUdpHeader) return ctx.cut(DecodeAnomaly::truncated_udp);
  auto& out = ctx.out;
  out.src_port = core::load_u16be(b, 0);
  out.dst_port = core::load_u16be(b, 2);
  const std::size_t length = core::load_u16be(b, 4);
  // A UDP length shorter than the IP payload is tolerated (trailing bytes ignored, as Wireshark
  // does); longer, or shorter than its own header, is inconsistent.
  if (length < kUdpHeader || length > in.declared) return ctx.fail(DecodeAnomaly::bad_udp_length);
  const std::size_t captured = std::min(length, b.size());
  const std::uint16_t stored = core::load_u16be(b, 6);
  if (stored == 0) {
    if (in.ipv6) ctx.raise(DecodeAnomaly::bad_udp_checksum);  // RFC 8200 §8.1: mandatory over IPv6
  } else if (in.verify_checksum && captured == length && !checksum_ok(in, b.first(length), length)) {
    ctx.raise(DecodeAnomaly::bad_udp_checksum);
  }
  out.payload = b.subspan(kUdpHeader, captured - kUdpHeader);
  out.payload_truncated = captured < length;
  out.transport = Transport::udp;
  ++ctx.counters.udp;
  return DecodeStatus::transport;
}

}  // namespace

DecodeStatus decode_transport(DecodeContext& ctx, const TransportInput& in) {
  ctx.out.ip_proto = in.proto;
  if (in.proto == kProtoTcp) return tcp(ctx, in);
  if (in.proto == kProtoUdp) return udp(ctx, in);
  ctx.out.transport = Transport::other;
  ++ctx.counters.other_ip;
  return DecodeStatus::network_only;
}

}  // namespace normwatch::decode::detail
