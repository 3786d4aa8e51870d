// Test-only pcap reading for the DNP3 capture tests: classic pcap files (either byte order, µs or
// ns), Ethernet (with 802.1Q) / IPv4 / TCP or UDP, with per-direction in-order TCP delivery by
// sequence number (retransmitted bytes dropped, holes reported as gaps). Enough for the public
// test captures; the product's own capture and reassembly live in capture/, decode/ and stream/.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/common/protocol_id.hpp"

namespace normwatch::protocols::dnp3::test {

struct Payload {
  std::size_t flow = 0;        // index of the flow (5-tuple, either direction)
  Side side = Side::client;    // client: the SYN sender, or the first sender seen
  bool udp = false;
  bool gap_before = false;     // TCP only
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint64_t frame_no = 0;  // 1-based
  std::int64_t ts_ns = 0;
  std::vector<std::byte> bytes;
};

// Reads the file and calls `on_payload` for each non-empty TCP/UDP payload in capture order.
// Returns false (with `error` set) when the file cannot be read as a classic pcap.
bool read_pcap_payloads(const std::string& path, const std::function<void(const Payload&)>& on_payload,
                        std::string& error);

}  // namespace normwatch::protocols::dnp3::test
