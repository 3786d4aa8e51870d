// The protocol registry: the one list of parsed protocols, with their well-known ports (a hint,
// never proof), a content probe that recognises the protocol on any port and refuses foreign
// payload on its port, and a session factory. Adding a protocol means adding one entry here.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/common/session.hpp"

namespace normwatch::protocols {

enum class ProbeResult : std::uint8_t {
  no,      // these bytes are not this protocol
  maybe,   // too few bytes to tell
  yes,     // well-formed header(s) of this protocol
};

// Limits and per-conduit options every session gets (protocol-specific defaults live in each
// protocol's own config; these are the shared knobs).
struct SessionConfig {
  std::size_t max_outstanding_requests = 64;   // pairing table per session
  std::size_t max_frame_bytes = 4096;          // largest frame the assembler buffers
};

struct ProtocolDescriptor {
  ProtocolId id;
  std::string_view name;
  std::span<const std::uint16_t> tcp_ports;
  std::span<const std::uint16_t> udp_ports;
  // Looks at the first payload bytes one side sent (TCP: stream start; UDP: one datagram).
  ProbeResult (*probe)(core::Bytes first_bytes, bool is_udp);
  std::unique_ptr<Session> (*make_session)(PduSink& sink, const SessionConfig& config);
};

std::span<const ProtocolDescriptor> registry();
const ProtocolDescriptor* find_protocol(ProtocolId id);

}  // namespace normwatch::protocols
