// Test-only classic-pcap reader and minimal Ethernet/IPv4/TCP/UDP parsing (see pcap_helpers.hpp).
#include "protocols/dnp3/pcap_helpers.hpp"

#include <array>
#include <fstream>
#include <iterator>
#include <map>
#include <tuple>

namespace normwatch::protocols::dnp3::test {

namespace {

struct Endpoint {
  std::uint32_t addr = 0;
  std::uint16_t port = 0;
  auto operator<=>(const Endpoint&) const = default;
};

struct FlowState {
  std::size_t index = 0;
  Endpoint client;
  bool seq_known[2] = {false, false};
  std::uint32_t next_seq[2] = {0, 0};
};

std::uint32_t rd32(const std::vector<std::byte>& b, std::size_t at, bool swap) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(b[at + static_cast<std::size_t>(i)]) << (8 * i);
  if (swap) v = (v >> 24) | ((v >> 8) & 0xFF00) | ((v << 8) & 0xFF0000) | (v << 24);
  return v;
}

}  // namespace

bool read_pcap_payloads(const std::string& path, const std::function<void(const Payload&)>& on_payload,
                        std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path;
    return false;
  }
  std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> file(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) file[i] = static_cast<std::byte>(raw[i]);
  if (file.size() < 24) {
    error = "short file";
    return false;
  }
  const std::uint32_t magic = rd32(file, 0, false);
  bool swap = false;
  bool nanos = false;
  if (magic == 0xA1B2C3D4u || magic == 0xA1B23C4Du) {
    nanos = magic == 0xA1B23C4Du;
  } else if (magic == 0xD4C3B2A1u || magic == 0x4D3CB2A1u) {
    swap = true;
    nanos = magic == 0x4D3CB2A1u;
  } else {
    error = "not a classic pcap file";
    return false;
  }
  const std::uint32_t linktype = rd32(file, 20, swap);
  // 1: Ethernet; 101 and 228: raw IPv4 (suricata-verify's dnp3-flood uses 228).
  if (linktype != 1 && linktype != 101 && linktype != 228) {
    error = "link type " + std::to_string(linktype) + " not handled by the test reader";
    return false;
  }
  const bool ethernet = linktype == 1;

  std::map<std::tuple<Endpoint, Endpoint>, FlowState> flows;
  std::size_t pos = 24;
  std::uint64_t frame_no = 0;
  while (pos + 16 <= file.size()) {
    const std::uint32_t sec = rd32(file, pos, swap);
    const std::uint32_t frac = rd32(file, pos + 4, swap);
    const std::uint32_t caplen = rd32(file, pos + 8, swap);
    pos += 16;
    if (pos + caplen > file.size()) break;
    ++frame_no;
    core::ByteReader r(core::Bytes(file.data() + pos, caplen));
    pos += caplen;

    if (ethernet) {
      r.skip(12);
      auto ethertype = r.u16be();
      while (ethertype && *ethertype == 0x8100) {
        r.skip(2);
        ethertype = r.u16be();
      }
      if (!ethertype || *ethertype != 0x0800) continue;
    }
    const auto vihl = r.u8();
    if (!vihl || (*vihl >> 4) != 4) continue;
    const std::size_t ihl = (*vihl & 0x0F) * 4u;
    r.skip(1);
    const auto total_len = r.u16be();
    r.skip(4);
    r.skip(1);
    const auto proto = r.u8();
    r.skip(2);
    const auto src = r.u32be();
    const auto dst = r.u32be();
    if (!total_len || !proto || !src || !dst || ihl < 20 || !r.skip(ihl - 20)) continue;
    if (*proto != 6 && *proto != 17) continue;
    const std::size_t l4_len = *total_len >= ihl ? *total_len - ihl : 0;
    const core::Bytes l4 = r.rest().first(std::min(l4_len, r.remaining()));
    core::ByteReader t(l4);
    const auto sport = t.u16be();
    const auto dport = t.u16be();
    if (!sport || !dport) continue;
    Payload p;
    p.udp = *proto == 17;
    std::uint32_t seq = 0;
    std::uint8_t flags = 0;
    if (p.udp) {
      t.skip(4);
    } else {
      seq = t.u32be().value_or(0);
      t.skip(4);
      const auto off = t.u8();
      flags = t.u8().value_or(0);
      if (!off || !t.skip(((*off >> 4) * 4u) - 14)) continue;
    }
    const Endpoint a{*src, *sport};
    const Endpoint b{*dst, *dport};
    const auto key = a < b ? std::make_tuple(a, b) : std::make_tuple(b, a);
    auto [it, inserted] = flows.try_emplace(key);
    FlowState& f = it->second;
    if (inserted) {
      f.index = flows.size() - 1;
      // The SYN sender (or the first sender seen) is the client; a SYN-ACK reveals the other one.
      f.client = (!p.udp && (flags & 0x12) == 0x12) ? b : a;
    }
    p.flow = f.index;
    p.side = a == f.client ? Side::client : Side::server;
    p.src_port = *sport;
    p.dst_port = *dport;
    p.frame_no = frame_no;
    p.ts_ns = static_cast<std::int64_t>(sec) * 1'000'000'000 + (nanos ? frac : static_cast<std::int64_t>(frac) * 1000);
    core::Bytes data = t.rest();
    if (!p.udp) {
      const int d = p.side == Side::client ? 0 : 1;
      const bool syn = (flags & 0x02) != 0;
      std::uint32_t start = seq + (syn ? 1 : 0);
      if (!f.seq_known[d]) {
        f.seq_known[d] = true;
        f.next_seq[d] = start;
      }
      const auto ahead = static_cast<std::int32_t>(start - f.next_seq[d]);
      if (ahead < 0) {
        // Retransmission: keep only bytes beyond what was delivered.
        const auto already = static_cast<std::size_t>(-static_cast<std::int64_t>(ahead));
        if (already >= data.size()) continue;
        data = data.subspan(already);
        start = f.next_seq[d];
      }
      p.gap_before = ahead > 0;
      f.next_seq[d] = start + static_cast<std::uint32_t>(data.size());
    }
    if (data.empty()) continue;
    p.bytes.assign(data.begin(), data.end());
    on_payload(p);
  }
  return true;
}

}  // namespace normwatch::protocols::dnp3::test
