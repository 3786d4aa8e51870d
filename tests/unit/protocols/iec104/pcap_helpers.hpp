// Test-only capture reading for the IEC 104 capture tests, through libpcap (pcap and pcapng):
// Ethernet (802.1Q), Linux SLL or raw IP, IPv4/IPv6, TCP payloads per flow and direction in
// capture order. No reassembly: the public IEC 104 captures have no retransmissions, and the
// synthetic heinrihs-s ones carry broken TCP sequence numbers, so capture order is what works.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "normwatch/protocols/common/protocol_id.hpp"

namespace normwatch::protocols::iec104::test {

struct TcpPayload {
  std::size_t flow = 0;       // index of the connection (5-tuple, either direction)
  Side side = Side::client;   // client: SYN sender, else the side talking to port 2404, else first seen
  std::uint64_t frame_no = 0; // 1-based
  std::int64_t ts_ns = 0;
  std::vector<std::byte> bytes;
};

// Calls on_payload for every non-empty TCP payload in capture order; false with `error` set when
// libpcap cannot open the file.
bool read_tcp_payloads(const std::string& path, const std::function<void(const TcpPayload&)>& on_payload,
                       std::string& error);

}  // namespace normwatch::protocols::iec104::test
