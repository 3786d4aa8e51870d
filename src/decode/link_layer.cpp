// Link-layer headers: Ethernet II (IEEE 802.3 clause 3.2.6 type field), IEEE 802.1Q / 802.1ad
// tags (TPIDs 0x8100, 0x88a8 and the pre-standard 0x9100), Linux cooked capture v1 and v2
// (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL{,2}.html), BSD loopback (LINKTYPE_NULL / _LOOP) and
// raw IP (LINKTYPE_RAW, _IPV4, _IPV6).
#include "link_layer.hpp"

#include <array>
#include <cstring>

#include "normwatch/capture/raw_frame.hpp"

namespace normwatch::decode::detail {

namespace {

using capture::LinkType;

constexpr std::uint16_t kEthertypeIpv4 = 0x0800;
constexpr std::uint16_t kEthertypeIpv6 = 0x86dd;
constexpr std::uint16_t kMaxLengthField = 1500;  // 802.3 length, not a type: LLC follows
constexpr std::uint8_t kMaxVlanTags = 3;
constexpr std::array<std::uint16_t, 3> kVlanTpids{0x8100, 0x88a8, 0x9100};
constexpr std::uint16_t kArphrdNetlink = 824;  // SLL of netlink monitor: protocol is a family

// BSD loopback address families: AF_INET is 2 everywhere; AF_INET6 differs per OS (Linux 10,
// Windows/Npcap 23, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30).
struct FamilyFact {
  std::uint32_t family;
  Network network;
};
constexpr std::array<FamilyFact, 6> kLoopbackFamilies{{
    {2, Network::ipv4},
    {10, Network::ipv6},
    {23, Network::ipv6},
    {24, Network::ipv6},
    {28, Network::ipv6},
    {30, Network::ipv6},
}};

bool is_vlan_tpid(std::uint16_t type) {
  for (std::uint16_t t : kVlanTpids) {
    if (t == type) return true;
  }
  return false;
}

Network network_of_family(std::uint32_t family) {
  for (const auto& f : kLoopbackFamilies) {
    if (f.family == family) return f.network;
  }
  return Network::not_ip;
}

// Follows VLAN tags from `type` (the first type/TPID field, already read) and maps the final
// ethertype to a network protocol. `rest` starts right after that first type field.
LinkResult after_ethertype(DecodeContext& ctx, std::uint16_t type, core::Bytes rest) {
  if (type == kEthertypeIpv4) {  // untagged IPv4, most frames: no search of the TPID list
    ctx.out.ethertype = type;
    return {Network::ipv4, rest};
  }
  std::size_t at = 0;
  std::uint8_t depth = 0;
  while (is_vlan_tpid(type)) {
    if (depth == kMaxVlanTags) {
      ctx.fail(DecodeAnomaly::too_many_vlan_tags);
      return {};
    }
    if (rest.size() - at < 4) {
      ctx.cut(DecodeAnomaly::truncated_vlan);
      return {};
    }
    const std::uint16_t vid = core::load_u16be(rest, at) & 0x0fff;
    if (depth == 0) ctx.out.vlan_outer = vid;
    if (depth == 1) ctx.out.vlan_inner = vid;
    type = core::load_u16be(rest, at + 2);
    at += 4;
    ++depth;
  }
  ctx.out.vlan_depth = depth;
  ctx.out.ethertype = type;
  const core::Bytes l3 = rest.subspan(at);
  if (type == kEthertypeIpv4) return {Network::ipv4, l3};
  if (type == kEthertypeIpv6) return {Network::ipv6, l3};
  return {Network::not_ip, l3};
}

LinkResult ethernet(DecodeContext& ctx, core::Bytes frame) {
  if (frame.size() < 14) {
    ctx.cut(DecodeAnomaly::truncated_link);
    return {};
  }
  auto& out = ctx.out;
  out.has_mac = true;
  std::memcpy(out.dst_mac.data(), frame.data(), 6);
  std::memcpy(out.src_mac.data(), frame.data() + 6, 6);
  const std::uint16_t type = core::load_u16be(frame, 12);
  if (type <= kMaxLengthField) {  // 802.3 with LLC/SNAP (STP, ...): not IP for us
    out.ethertype = 0;
    return {Network::not_ip, frame.subspan(14)};
  }
  return after_ethertype(ctx, type, frame.subspan(14));
}

// Linux SLL: packet type(2) ARPHRD(2) address length(2) address(8) protocol(2).
LinkResult linux_sll(DecodeContext& ctx, core::Bytes frame) {
  if (frame.size() < 16) {
    ctx.cut(DecodeAnomaly::truncated_link);
    return {};
  }
  if (core::load_u16be(frame, 2) == kArphrdNetlink) return {Network::not_ip, frame.subspan(16)};
  const std::uint16_t protocol = core::load_u16be(frame, 14);
  if (protocol <= kMaxLengthField) return {Network::not_ip, frame.subspan(16)};
  return after_ethertype(ctx, protocol, frame.subspan(16));
}

// Linux SLL2: protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) address length(1)
// address(8).
LinkResult linux_sll2(DecodeContext& ctx, core::Bytes frame) {
  if (frame.size() < 20) {
    ctx.cut(DecodeAnomaly::truncated_link);
    return {};
  }
  if (core::load_u16be(frame, 8) == kArphrdNetlink) return {Network::not_ip, frame.subspan(20)};
  const std::uint16_t protocol = core::load_u16be(frame, 0);
  if (protocol <= kMaxLengthField) return {Network::not_ip, frame.subspan(20)};
  return after_ethertype(ctx, protocol, frame.subspan(20));
}

// DLT_NULL holds the family in the capturing host's byte order; like Wireshark, read it one way
// and swap when the upper half is set (families are small numbers). DLT_LOOP is network order.
LinkResult loopback(DecodeContext& ctx, core::Bytes frame, bool network_order) {
  core::ByteReader r(frame);
  const auto family = network_order ? r.u32be() : r.u32le();
  if (!family) {
    ctx.cut(DecodeAnomaly::truncated_link);
    return {};
  }
  std::uint32_t f = *family;
  if (!network_order && (f & 0xffff0000u) != 0) {
    f = ((f & 0xff) << 24) | ((f & 0xff00) << 8) | ((f >> 8) & 0xff00) | (f >> 24);
  }
  const Network network = network_of_family(f);
  if (network == Network::ipv4) ctx.out.ethertype = kEthertypeIpv4;
  if (network == Network::ipv6) ctx.out.ethertype = kEthertypeIpv6;
  return {network, r.rest()};
}

LinkResult raw(DecodeContext& ctx, core::Bytes frame, Network network) {
  if (frame.empty()) {
    ctx.cut(DecodeAnomaly::truncated_link);
    return {};
  }
  return {network, frame};
}

}  // namespace

LinkResult decode_link(DecodeContext& ctx, int link_type, core::Bytes frame) {
  switch (static_cast<LinkType>(link_type)) {
    case LinkType::ethernet:
      return ethernet(ctx, frame);
    case LinkType::linux_sll:
      return linux_sll(ctx, frame);
    case LinkType::linux_sll2:
      return linux_sll2(ctx, frame);
    case LinkType::null_bsd:
      return loopback(ctx, frame, false);
    case LinkType::loop:
      return loopback(ctx, frame, true);
    case LinkType::raw:
    case LinkType::raw_openbsd:
    case LinkType::raw_alt:
      return raw(ctx, frame, Network::by_version);
    case LinkType::ipv4:
      return raw(ctx, frame, Network::ipv4);
    case LinkType::ipv6:
      return raw(ctx, frame, Network::ipv6);
  }
  ctx.fail(DecodeAnomaly::unsupported_link_type);
  return {};
}

}  // namespace normwatch::decode::detail
