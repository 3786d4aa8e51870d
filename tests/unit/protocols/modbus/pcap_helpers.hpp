// Test-only reader for the shared public captures: TCP payloads of Ethernet/IPv4 frames from
// pcap and pcapng files, and a replay that feeds each TCP connection to its own Modbus session
// (in-order bytes per direction, retransmissions dropped, holes passed on as gaps).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "normwatch/core/timestamp.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/modbus/session.hpp"

namespace normwatch::protocols::modbus::testing {

struct TcpSegment {
  std::uint64_t frame_no = 0;
  core::Timestamp ts;
  std::uint32_t src_ip = 0;
  std::uint32_t dst_ip = 0;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  bool syn = false;
  std::vector<std::byte> payload;
};

// Every IPv4 TCP segment of the file (Ethernet, 802.1Q), or nullopt when it cannot be read.
std::optional<std::vector<TcpSegment>> read_tcp_segments(const std::string& path);

// Replays the connections that have `port` on one side; the side sending to `port` is named the
// client. Returns the summed counters of all sessions.
SessionCounters replay_connections(const std::vector<TcpSegment>& segments, std::uint16_t port, PduSink& sink);

}  // namespace normwatch::protocols::modbus::testing
