// Test-only pcap/pcapng reader and per-connection replay (see pcap_helpers.hpp).
#include "protocols/modbus/pcap_helpers.hpp"

#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <tuple>

#include "normwatch/core/byte_reader.hpp"

namespace normwatch::protocols::modbus::testing {

namespace {
constexpr std::uint32_t kLinkEthernet = 1;

std::uint32_t load32(core::Bytes b, std::size_t at, bool big) {
  core::ByteReader r(b.subspan(at, 4));
  return big ? r.u32be().value_or(0) : r.u32le().value_or(0);
}

// Ethernet (+VLAN) / IPv4 / TCP; false for anything else.
bool decode_frame(core::Bytes frame, TcpSegment& out) {
  core::ByteReader r(frame);
  if (!r.skip(12)) return false;
  auto type = r.u16be();
  while (type && (*type == 0x8100 || *type == 0x88A8)) {
    if (!r.skip(2)) return false;
    type = r.u16be();
  }
  if (!type || *type != 0x0800) return false;
  const core::Bytes ip = r.rest();
  if (ip.size() < 20) return false;
  const std::size_t ihl = (static_cast<unsigned>(ip[0]) & 0x0F) * 4U;
  const std::size_t total = core::load_u16be(ip, 2);
  const std::uint16_t frag = core::load_u16be(ip, 6);
  if (static_cast<unsigned>(ip[9]) != 6 || (frag & 0x3FFF) != 0 || ihl < 20 || ip.size() < ihl + 20) return false;
  out.src_ip = core::load_u32be(ip, 12);
  out.dst_ip = core::load_u32be(ip, 16);
  const core::Bytes tcp = ip.subspan(ihl);
  out.src_port = core::load_u16be(tcp, 0);
  out.dst_port = core::load_u16be(tcp, 2);
  out.seq = core::load_u32be(tcp, 4);
  const std::size_t hlen = (static_cast<unsigned>(tcp[12]) >> 4) * 4U;
  out.syn = (static_cast<unsigned>(tcp[13]) & 0x02) != 0;
  if (hlen < 20 || tcp.size() < hlen) return false;
  std::size_t payload = total > ihl + hlen ? total - ihl - hlen : 0;
  if (payload > tcp.size() - hlen) payload = tcp.size() - hlen;
  const core::Bytes data = tcp.subspan(hlen, payload);
  out.payload.assign(data.begin(), data.end());
  return true;
}

void add_frame(core::Bytes frame, std::uint32_t link, std::uint64_t frame_no, core::Timestamp ts,
               std::vector<TcpSegment>& out) {
  if (link != kLinkEthernet) return;
  TcpSegment seg;
  seg.frame_no = frame_no;
  seg.ts = ts;
  if (decode_frame(frame, seg)) out.push_back(std::move(seg));
}

bool read_pcap(core::Bytes file, std::vector<TcpSegment>& out) {
  const std::uint32_t magic = load32(file, 0, false);
  const bool big = magic == 0xD4C3B2A1 || magic == 0x4D3CB2A1;
  const bool nano = magic == 0xA1B23C4D || magic == 0x4D3CB2A1;
  const std::uint32_t link = load32(file, 20, big);
  std::size_t at = 24;
  std::uint64_t frame_no = 0;
  while (at + 16 <= file.size()) {
    const std::uint32_t sec = load32(file, at, big);
    const std::uint32_t frac = load32(file, at + 4, big);
    const std::uint32_t caplen = load32(file, at + 8, big);
    at += 16;
    if (caplen > file.size() - at) break;
    add_frame(file.subspan(at, caplen), link, ++frame_no, core::Timestamp::from_seconds(sec, nano ? frac : frac * 1000LL), out);
    at += caplen;
  }
  return true;
}

bool read_pcapng(core::Bytes file, std::vector<TcpSegment>& out) {
  std::vector<std::uint32_t> links;
  bool big = false;
  std::size_t at = 0;
  std::uint64_t frame_no = 0;
  while (at + 12 <= file.size()) {
    const std::uint32_t type = load32(file, at, big);
    if (type == 0x0A0D0D0A) {
      big = load32(file, at + 8, false) != 0x1A2B3C4D;
      links.clear();
    }
    const std::uint32_t length = load32(file, at + 4, big);
    if (length < 12 || length > file.size() - at) break;
    const core::Bytes body = file.subspan(at + 8, length - 12);
    if (type == 1 && body.size() >= 2) {
      links.push_back(big ? core::load_u16be(body, 0) : static_cast<std::uint32_t>(body[0]) | (static_cast<std::uint32_t>(body[1]) << 8));
    } else if (type == 6 && body.size() >= 20) {
      const std::uint32_t iface = load32(body, 0, big);
      const std::uint64_t stamp = (static_cast<std::uint64_t>(load32(body, 4, big)) << 32) | load32(body, 8, big);
      const std::uint32_t caplen = load32(body, 12, big);
      ++frame_no;
      if (caplen <= body.size() - 20 && iface < links.size()) {
        add_frame(body.subspan(20, caplen), links[iface], frame_no,
                  core::Timestamp{static_cast<std::int64_t>(stamp) * 1000}, out);
      }
    } else if (type == 3 || type == 2) {
      ++frame_no;  // simple / obsolete packet blocks: counted, not decoded
    }
    at += length;
  }
  return true;
}

struct DirState {
  bool started = false;
  std::uint32_t next = 0;
};
struct Connection {
  std::unique_ptr<ModbusSession> session;
  DirState dirs[2];
  std::uint64_t last_frame = 0;
  core::Timestamp last_ts;
};

void add_counters(SessionCounters& sum, const SessionCounters& c) {
  sum.pdus += c.pdus;
  sum.requests += c.requests;
  sum.responses += c.responses;
  sum.exceptions += c.exceptions;
  sum.malformed += c.malformed;
  sum.paired += c.paired;
  sum.unanswered += c.unanswered;
  sum.unsolicited += c.unsolicited;
  sum.evicted += c.evicted;
  sum.resyncs += c.resyncs;
  sum.bytes_skipped += c.bytes_skipped;
  sum.gaps += c.gaps;
  sum.partial_frames_dropped += c.partial_frames_dropped;
  sum.role_corrections += c.role_corrections;
  for (std::size_t i = 0; i < kAnomalyCount; ++i) sum.anomalies[i] += c.anomalies[i];
}
}  // namespace

std::optional<std::vector<TcpSegment>> read_tcp_segments(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  const std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const core::Bytes file(reinterpret_cast<const std::byte*>(raw.data()), raw.size());
  if (file.size() < 24) return std::nullopt;
  std::vector<TcpSegment> out;
  const std::uint32_t magic = load32(file, 0, false);
  if (magic == 0x0A0D0D0A) {
    read_pcapng(file, out);
  } else if (magic == 0xA1B2C3D4 || magic == 0xD4C3B2A1 || magic == 0xA1B23C4D || magic == 0x4D3CB2A1) {
    read_pcap(file, out);
  } else {
    return std::nullopt;
  }
  return out;
}

SessionCounters replay_connections(const std::vector<TcpSegment>& segments, std::uint16_t port, PduSink& sink) {
  using Key = std::tuple<std::uint32_t, std::uint16_t, std::uint32_t, std::uint16_t>;  // client, server
  std::map<Key, Connection> connections;
  SessionCounters sum;
  for (const TcpSegment& seg : segments) {
    const bool to_port = seg.dst_port == port;
    if (!to_port && seg.src_port != port) continue;
    const Key key = to_port ? Key{seg.src_ip, seg.src_port, seg.dst_ip, seg.dst_port}
                            : Key{seg.dst_ip, seg.dst_port, seg.src_ip, seg.src_port};
    Connection& c = connections[key];
    const Side side = to_port ? Side::client : Side::server;
    const std::uint32_t start = seg.seq + (seg.syn ? 1U : 0U);
    if (c.session && seg.syn && c.dirs[static_cast<int>(side)].started && c.dirs[static_cast<int>(side)].next != start) {
      // The port pair was reused by a new connection.
      c.session->on_end(SegmentContext{c.last_frame, c.last_ts});
      add_counters(sum, c.session->counters());
      c = Connection{};
    }
    if (!c.session) c.session = std::make_unique<ModbusSession>(sink);
    DirState& d = c.dirs[static_cast<int>(side)];
    if (!d.started) {
      d.started = true;
      d.next = start;
    }
    if (seg.payload.empty()) continue;
    const auto len = static_cast<std::uint32_t>(seg.payload.size());
    // Sequence arithmetic modulo 2^32: "behind" when start lies in the half before next.
    const std::uint32_t ahead = start - d.next;
    const std::uint32_t behind = d.next - start;
    core::Bytes bytes(seg.payload);
    bool gap = false;
    if (ahead != 0 && ahead >= 0x80000000U) {
      if (behind >= len) continue;  // retransmission
      bytes = bytes.subspan(behind);
    } else if (ahead != 0) {
      gap = true;
    }
    d.next = start + len;
    c.last_frame = seg.frame_no;
    c.last_ts = seg.ts;
    c.session->on_stream(side, bytes, gap, SegmentContext{seg.frame_no, seg.ts});
  }
  for (auto& [key, c] : connections) {
    c.session->on_end(SegmentContext{c.last_frame, c.last_ts});
    add_counters(sum, c.session->counters());
  }
  return sum;
}

}  // namespace normwatch::protocols::modbus::testing
