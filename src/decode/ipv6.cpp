// IPv6 header and extension-header chain (RFC 8200 §3-§4: hop-by-hop 0, routing 43, fragment
// 44, destination options 60; AH 51 per RFC 4302; mobility 135, HIP 139, shim6 140 per the IANA
// registry), stopping at ESP 50 and no-next-header 59. Fragments are reassembled by the same
// table as IPv4 (key: addresses and identification, RFC 8200 §4.5).
#include <array>

#include "checksum.hpp"
#include "decode_context.hpp"
#include "fragment_table.hpp"

namespace normwatch::decode::detail {

namespace {

constexpr std::size_t kFixedHeader = 40;
constexpr std::size_t kMaxExtensionHeaders = 16;  // bounds the walk; real chains have 1-3

enum class ExtKind : std::uint8_t { options8, routing, fragment, ah, stop };

struct ExtFact {
  std::uint8_t next_header;
  ExtKind kind;
};
constexpr std::array<ExtFact, 10> kExtensions{{
    {0, ExtKind::options8},     // hop-by-hop options
    {43, ExtKind::routing},     // routing
    {44, ExtKind::fragment},    // fragment
    {50, ExtKind::stop},        // ESP: the rest is encrypted
    {51, ExtKind::ah},          // authentication header: length in 4-byte units
    {59, ExtKind::stop},        // no next header
    {60, ExtKind::options8},    // destination options
    {135, ExtKind::options8},   // mobility
    {139, ExtKind::options8},   // HIP
    {140, ExtKind::options8},   // shim6
}};

const ExtFact* extension(std::uint8_t next_header) {
  for (const auto& e : kExtensions) {
    if (e.next_header == next_header) return &e;
  }
  return nullptr;
}

struct Chain {
  core::Bytes fixed_header;      // the 40-byte IPv6 header the chain hangs off
  core::Bytes bytes;             // captured bytes of the part being walked
  std::size_t declared = 0;      // its length per the payload length
  std::uint8_t next_header = 0;
  bool whole = true;             // all declared bytes captured
  bool reassembled = false;      // walking a reassembled payload: a fragment header is an error
  bool routed = false;           // a routing header came before this part
};

DecodeStatus to_transport(DecodeContext& ctx, const Chain& c, std::size_t at, std::uint8_t proto, bool routed) {
  TransportInput in;
  in.proto = proto;
  in.bytes = c.bytes.subspan(at);
  in.declared = c.declared - at;
  in.address_sum = address_sum(ctx.out.src_ip, ctx.out.dst_ip);
  // With a routing header the pseudo-header holds the final destination, not the header's
  // destination (RFC 8200 §8.1); rather than chase it, such segments are not verified.
  in.verify_checksum = c.whole && ctx.verify_checksums && !routed;
  in.ipv6 = true;
  return decode_transport(ctx, in);
}

DecodeStatus fragment(DecodeContext& ctx, const Chain& c, std::size_t at, bool routed);

DecodeStatus walk(DecodeContext& ctx, const Chain& c) {
  std::uint8_t nh = c.next_header;
  std::size_t at = 0;
  bool routed = c.routed;
  for (std::size_t count = 0; count <= kMaxExtensionHeaders; ++count) {
    const ExtFact* ext = extension(nh);
    if (ext == nullptr) return to_transport(ctx, c, at, nh, routed);
    if (ext->kind == ExtKind::stop) {
      ctx.out.ip_proto = nh;
      ctx.out.transport = Transport::other;
      ++ctx.counters.other_ip;
      return DecodeStatus::network_only;
    }
    if (c.declared - at < 8) return ctx.fail(DecodeAnomaly::bad_ipv6_extension);
    if (c.bytes.size() - at < 8) return ctx.cut(DecodeAnomaly::bad_ipv6_extension);
    const auto next = static_cast<std::uint8_t>(c.bytes[at]);
    const auto len_field = static_cast<std::size_t>(c.bytes[at + 1]);
    if (ext->kind == ExtKind::fragment) {
      const std::uint16_t offset_flags = core::load_u16be(c.bytes, at + 2);
      const bool atomic = (offset_flags & 0xfff9) == 0;  // RFC 6946: offset 0, M clear
      if (!atomic) {
        if (c.reassembled) return ctx.fail(DecodeAnomaly::bad_ipv6_extension);
        return fragment(ctx, c, at, routed);
      }
      nh = next;
      at += 8;
      continue;
    }
    const std::size_t len = ext->kind == ExtKind::ah ? (len_field + 2) * 4 : (len_field + 1) * 8;
    if (ext->kind == ExtKind::routing) routed = true;
    if (c.declared - at < len) return ctx.fail(DecodeAnomaly::bad_ipv6_extension);
    if (c.bytes.size() - at < len) return ctx.cut(DecodeAnomaly::bad_ipv6_extension);
    nh = next;
    at += len;
  }
  return ctx.fail(DecodeAnomaly::bad_ipv6_extension);
}

[[gnu::noinline]] DecodeStatus fragment(DecodeContext& ctx, const Chain& c, std::size_t at, bool routed) {
  auto& out = ctx.out;
  ++ctx.counters.fragments;
  ++ctx.counters.ipv6_fragments;
  if (!c.whole) return ctx.cut(DecodeAnomaly::truncated_ipv6);  // cannot be reassembled
  const std::uint16_t offset_flags = core::load_u16be(c.bytes, at + 2);
  Fragment f;
  f.key = {out.src_ip, out.dst_ip, core::load_u32be(c.bytes, at + 4), 0};
  f.offset = offset_flags & 0xfff8;
  f.more = (offset_flags & 0x0001) != 0;
  f.data = c.bytes.subspan(at + 8, c.declared - at - 8);
  // The rebuilt datagram is the fixed header and the reassembled part: extension headers of the
  // unfragmentable part (hop-by-hop, routing) are left out of it.
  f.header = c.fixed_header;
  f.ttl = out.ttl;
  f.next_header = static_cast<std::uint8_t>(c.bytes[at]);
  f.ts = out.ts;
  f.frame_no = out.frame_no;
  out.ip_proto = 44;
  Reassembled whole;
  const FragmentOutcome outcome = ctx.fragments.add(f, whole);
  record_fragment_outcome(ctx, outcome);
  if (outcome.verdict == FragmentVerdict::dropped) return DecodeStatus::anomaly;
  if (outcome.verdict == FragmentVerdict::held) return DecodeStatus::fragment_held;

  ++ctx.counters.reassembled_datagrams;
  const std::span<std::byte> packet = whole.packet;
  packet[4] = static_cast<std::byte>(whole.payload.size() >> 8);
  packet[5] = static_cast<std::byte>(whole.payload.size());
  packet[6] = static_cast<std::byte>(whole.next_header);
  out.ip_packet = packet;
  out.reassembled = true;
  out.first_frame_no = whole.first_frame_no;
  Chain rest;
  rest.fixed_header = packet.first(kFixedHeader);
  rest.bytes = whole.payload;
  rest.declared = whole.payload.size();
  rest.next_header = whole.next_header;
  rest.reassembled = true;
  rest.routed = routed;  // the unfragmentable part's routing header still decides the pseudo-header
  return walk(ctx, rest);
}

}  // namespace

DecodeStatus decode_ipv6(DecodeContext& ctx, core::Bytes l3) {
  if (l3.size() < kFixedHeader) return ctx.cut(DecodeAnomaly::truncated_ipv6);
  if ((static_cast<std::uint8_t>(l3[0]) >> 4) != 6) return ctx.fail(DecodeAnomaly::bad_ip_version);
  auto& out = ctx.out;
  ++ctx.counters.ipv6;
  out.ethertype = 0x86dd;
  out.ttl = static_cast<std::uint8_t>(l3[7]);
  set_address(out.src_ip, l3.subspan(8, 16));
  set_address(out.dst_ip, l3.subspan(24, 16));

  Chain c;
  c.fixed_header = l3.first(kFixedHeader);
  c.next_header = static_cast<std::uint8_t>(l3[6]);
  out.ip_proto = c.next_header;
  std::size_t payload_len = core::load_u16be(l3, 4);
  // 0 is a jumbogram (RFC 2675) or a segmentation-offload capture: take the frame's length.
  if (payload_len == 0) payload_len = l3.size() - kFixedHeader;
  if (kFixedHeader + payload_len > l3.size()) {
    if (!ctx.snap_cut) return ctx.fail(DecodeAnomaly::truncated_ipv6);
    ctx.raise(DecodeAnomaly::snaplen_truncated);
    c.whole = false;
    c.bytes = l3.subspan(kFixedHeader);
    out.ip_packet = l3;
  } else {
    c.bytes = l3.subspan(kFixedHeader, payload_len);  // drops Ethernet padding
    out.ip_packet = l3.first(kFixedHeader + payload_len);
  }
  c.declared = payload_len;
  return walk(ctx, c);
}

}  // namespace normwatch::decode::detail
