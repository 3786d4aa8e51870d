// libpcap-based TCP payload reader for the IEC 104 capture tests (see pcap_helpers.hpp).
// libpcap is loaded at run time: a module's test program links only that module's library, and
// the capture test skips cleanly where libpcap is missing.
#include "pcap_helpers.hpp"

#include <dlfcn.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <array>
#include <map>

namespace normwatch::protocols::iec104::test {

namespace {

struct Libpcap {
  decltype(&::pcap_open_offline) open_offline = nullptr;
  decltype(&::pcap_datalink) datalink = nullptr;
  decltype(&::pcap_next_ex) next_ex = nullptr;
  decltype(&::pcap_close) close = nullptr;

  bool load(std::string& error) {
    void* lib = nullptr;
    for (const char* name : {"libpcap.so.0.8", "libpcap.so.1", "libpcap.so"}) {
      lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
      if (lib != nullptr) break;
    }
    if (lib == nullptr) {
      error = "libpcap not found";
      return false;
    }
    open_offline = reinterpret_cast<decltype(open_offline)>(dlsym(lib, "pcap_open_offline"));
    datalink = reinterpret_cast<decltype(datalink)>(dlsym(lib, "pcap_datalink"));
    next_ex = reinterpret_cast<decltype(next_ex)>(dlsym(lib, "pcap_next_ex"));
    close = reinterpret_cast<decltype(close)>(dlsym(lib, "pcap_close"));
    if (open_offline == nullptr || datalink == nullptr || next_ex == nullptr || close == nullptr) {
      error = "libpcap lacks a needed symbol";
      return false;
    }
    return true;
  }
};

struct Endpoint {
  std::array<std::uint8_t, 16> addr{};
  std::uint16_t port = 0;
  auto operator<=>(const Endpoint&) const = default;
};

struct FlowInfo {
  std::size_t index = 0;
  Endpoint client;
  bool client_known = false;
};

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

}  // namespace

bool read_tcp_payloads(const std::string& path, const std::function<void(const TcpPayload&)>& on_payload,
                       std::string& error) {
  static Libpcap lib;
  static std::string load_error;
  static const bool loaded = lib.load(load_error);
  if (!loaded) {
    error = load_error;
    return false;
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* pcap = lib.open_offline(path.c_str(), errbuf);
  if (pcap == nullptr) {
    error = errbuf;
    return false;
  }
  const int link = lib.datalink(pcap);
  std::map<std::pair<Endpoint, Endpoint>, FlowInfo> flows;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  std::uint64_t frame_no = 0;
  while (lib.next_ex(pcap, &header, &data) == 1) {
    ++frame_no;
    const std::uint8_t* p = data;
    std::size_t n = header->caplen;
    std::uint16_t ethertype = 0;
    if (link == DLT_EN10MB) {
      if (n < 14) continue;
      ethertype = be16(p + 12);
      p += 14;
      n -= 14;
      while ((ethertype == 0x8100 || ethertype == 0x88a8) && n >= 4) {
        ethertype = be16(p + 2);
        p += 4;
        n -= 4;
      }
    } else if (link == DLT_LINUX_SLL) {
      if (n < 16) continue;
      ethertype = be16(p + 14);
      p += 16;
      n -= 16;
    } else if (link == DLT_RAW || link == DLT_IPV4 || link == DLT_IPV6) {
      if (n < 1) continue;
      ethertype = (p[0] >> 4) == 6 ? 0x86dd : 0x0800;
    } else {
      continue;
    }
    Endpoint src, dst;
    std::uint8_t proto = 0;
    if (ethertype == 0x0800) {
      if (n < 20) continue;
      const std::size_t ihl = static_cast<std::size_t>(p[0] & 0x0F) * 4;
      const std::size_t total = be16(p + 2);
      if (ihl < 20 || n < ihl || total < ihl) continue;
      if ((be16(p + 6) & 0x3FFF) != 0) continue;  // fragments: not in these captures
      proto = p[9];
      std::copy(p + 12, p + 16, src.addr.begin());
      std::copy(p + 16, p + 20, dst.addr.begin());
      n = std::min(n, total) - ihl;
      p += ihl;
    } else if (ethertype == 0x86dd) {
      if (n < 40) continue;
      proto = p[6];
      const std::size_t payload = be16(p + 4);
      std::copy(p + 8, p + 24, src.addr.begin());
      std::copy(p + 24, p + 40, dst.addr.begin());
      p += 40;
      n = std::min<std::size_t>(n - 40, payload);
    } else {
      continue;
    }
    if (proto != 6 || n < 20) continue;
    const std::size_t offset = static_cast<std::size_t>(p[12] >> 4) * 4;
    if (offset < 20 || n < offset) continue;
    src.port = be16(p);
    dst.port = be16(p + 2);
    const std::uint8_t flags = p[13];
    const auto key = src < dst ? std::make_pair(src, dst) : std::make_pair(dst, src);
    auto [it, inserted] = flows.try_emplace(key, FlowInfo{flows.size(), {}, false});
    FlowInfo& flow = it->second;
    if (!flow.client_known) {
      if ((flags & 0x12) == 0x02) {  // SYN without ACK
        flow.client = src;
        flow.client_known = true;
      } else if (dst.port == 2404 || src.port == 2404) {
        flow.client = dst.port == 2404 ? src : dst;
        flow.client_known = true;
      }
    }
    const std::size_t len = n - offset;
    if (len == 0) continue;
    if (!flow.client_known) {
      flow.client = src;
      flow.client_known = true;
    }
    TcpPayload out;
    out.flow = flow.index;
    out.side = src == flow.client ? Side::client : Side::server;
    out.frame_no = frame_no;
    out.ts_ns = static_cast<std::int64_t>(header->ts.tv_sec) * 1'000'000'000 + header->ts.tv_usec * 1000;
    const auto* begin = reinterpret_cast<const std::byte*>(p + offset);
    out.bytes.assign(begin, begin + len);
    on_payload(out);
  }
  lib.close(pcap);
  return true;
}

}  // namespace normwatch::protocols::iec104::test
