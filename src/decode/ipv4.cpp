// IPv4 header (RFC 791 §3.1): version, IHL with options, total length (which trims Ethernet
// padding off the payload), header checksum, and fragments handed to the reassembly table.
#include "checksum.hpp"
#include "decode_context.hpp"
#include "fragment_table.hpp"

namespace normwatch::decode::detail {

namespace {
constexpr std::size_t kMinHeader = 20;
constexpr std::uint16_t kMoreFragments = 0x2000;
constexpr std::uint16_t kOffsetMask = 0x1fff;

// Out of line: its locals are large and fragments are rare; the unfragmented path stays lean.
[[gnu::noinline]] DecodeStatus fragment(DecodeContext& ctx, core::Bytes header, core::Bytes data, std::uint16_t flags_offset) {
  auto& out = ctx.out;
  ++ctx.counters.fragments;
  Fragment f;
  f.key = {out.src_ip, out.dst_ip, core::load_u16be(header, 4), out.ip_proto};
  f.offset = static_cast<std::size_t>(flags_offset & kOffsetMask) * 8;
  f.more = (flags_offset & kMoreFragments) != 0;
  f.data = data;
  f.header = header;
  f.max_end = 65535 - header.size();  // the rebuilt datagram's total length must fit 16 bits
  f.ttl = out.ttl;
  f.next_header = out.ip_proto;
  f.ts = out.ts;
  f.frame_no = out.frame_no;
  Reassembled whole;
  const FragmentOutcome outcome = ctx.fragments.add(f, whole);
  record_fragment_outcome(ctx, outcome);
  if (outcome.verdict == FragmentVerdict::dropped) return DecodeStatus::anomaly;
  if (outcome.verdict == FragmentVerdict::held) return DecodeStatus::fragment_held;

  ++ctx.counters.reassembled_datagrams;
  // The rebuilt datagram keeps the first fragment's header, now saying "whole": total length,
  // no MF, offset 0 (DF kept), and a checksum that matches.
  const std::span<std::byte> packet = whole.packet;
  const std::size_t total = packet.size();
  packet[2] = static_cast<std::byte>(total >> 8);
  packet[3] = static_cast<std::byte>(total);
  packet[6] &= std::byte{0x40};
  packet[7] = std::byte{0};
  packet[10] = packet[11] = std::byte{0};
  const std::size_t header_len = (static_cast<std::size_t>(packet[0]) & 0x0f) * 4;
  const auto sum = static_cast<std::uint16_t>(~ones_complement_sum(packet.first(header_len)));
  packet[10] = static_cast<std::byte>(sum >> 8);
  packet[11] = static_cast<std::byte>(sum);
  out.ip_packet = packet;
  out.reassembled = true;
  out.first_frame_no = whole.first_frame_no;
  out.ttl = whole.ttl;
  TransportInput in;
  in.proto = whole.next_header;
  in.bytes = whole.payload;
  in.declared = whole.payload.size();
  in.address_sum = address_sum(out.src_ip, out.dst_ip);
  in.verify_checksum = ctx.verify_checksums;
  return decode_transport(ctx, in);
}
}  // namespace

void record_fragment_outcome(DecodeContext& ctx, const FragmentOutcome& outcome) {
  // Timeouts belong to datagrams that never completed, not to this frame: counted, not raised.
  ctx.counters.anomalies[static_cast<std::size_t>(DecodeAnomaly::fragment_timeout)] += outcome.timeouts;
  for (std::size_t i = 0; i < kDecodeAnomalyCount; ++i) {
    const auto anomaly = static_cast<DecodeAnomaly>(i);
    if ((outcome.anomalies & anomaly_bit(anomaly)) != 0) ctx.raise(anomaly);
  }
}

DecodeStatus decode_ipv4(DecodeContext& ctx, core::Bytes l3) {
  if (l3.size() < kMinHeader) return ctx.cut(DecodeAnomaly::truncated_ipv4);
  const auto first = static_cast<std::uint8_t>(l3[0]);
  if ((first >> 4) != 4) return ctx.fail(DecodeAnomaly::bad_ip_version);
  const std::size_t header_len = static_cast<std::size_t>(first & 0x0f) * 4;
  if (header_len < kMinHeader) return ctx.fail(DecodeAnomaly::bad_ipv4_header_length);
  if (l3.size() < header_len) return ctx.cut(DecodeAnomaly::truncated_ipv4);

  auto& out = ctx.out;
  ++ctx.counters.ipv4;
  out.ethertype = 0x0800;
  out.ttl = static_cast<std::uint8_t>(l3[8]);
  out.ip_proto = static_cast<std::uint8_t>(l3[9]);
  set_address(out.src_ip, l3.subspan(12, 4));
  set_address(out.dst_ip, l3.subspan(16, 4));

  std::size_t total = core::load_u16be(l3, 2);
  // Total length 0 comes from captures taken on a host doing TCP segmentation offload; Wireshark
  // then takes the length from the frame, and so do we.
  if (total == 0) total = l3.size();
  if (total < header_len) return ctx.fail(DecodeAnomaly::bad_ipv4_total_length);
  bool whole = true;
  if (total > l3.size()) {
    if (!ctx.snap_cut) return ctx.fail(DecodeAnomaly::bad_ipv4_total_length);
    ctx.raise(DecodeAnomaly::snaplen_truncated);
    whole = false;
  } else {
    l3 = l3.first(total);  // drops Ethernet padding and trailers
  }
  out.ip_packet = l3;
  const core::Bytes header = l3.first(header_len);
  if (ctx.verify_checksums && ones_complement_sum(header) != 0xffff) ctx.raise(DecodeAnomaly::bad_ipv4_checksum);

  const std::uint16_t flags_offset = core::load_u16be(l3, 6);
  if ((flags_offset & (kMoreFragments | kOffsetMask)) != 0) {
    if (!whole) return DecodeStatus::anomaly;  // a fragment cut by the snaplen cannot be reassembled
    return fragment(ctx, header, l3.subspan(header_len), flags_offset);
  }
  TransportInput in;
  in.proto = out.ip_proto;
  in.bytes = l3.subspan(header_len);
  in.declared = total - header_len;
  in.address_sum = address_sum(out.src_ip, out.dst_ip);
  in.verify_checksum = whole && ctx.verify_checksums;
  return decode_transport(ctx, in);
}

}  // namespace normwatch::decode::detail
