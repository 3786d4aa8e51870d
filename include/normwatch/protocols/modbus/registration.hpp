// What the protocol registry needs to know about Modbus/TCP: well-known ports (a hint only), a
// content probe that recognises Modbus on any port and refuses foreign payload on 502 (Zeek
// #3962), and the session factory.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/common/session.hpp"
#include "normwatch/protocols/registry.hpp"

namespace normwatch::protocols::modbus {

inline constexpr std::array<std::uint16_t, 1> kTcpPorts{502};
// Modbus over UDP uses the same MBAP header and port (TCP implementation guide §4.2 mentions
// it; some gateways speak it).
inline constexpr std::array<std::uint16_t, 1> kUdpPorts{502};

// Looks at the first bytes one side sent: every MBAP header in them must have protocol id 0 and
// a length of 2..254 that agrees with the bytes seen; an assigned or vendor function code a PDU
// size the function allows, an exception a defined code. `yes` once a whole ADU of an assigned or
// vendor function is seen; `maybe` when the bytes end inside the first frame or show only
// function 0 or unassigned codes (function-code scans start with those).
protocols::ProbeResult probe(core::Bytes first_bytes, bool is_udp);

std::unique_ptr<protocols::Session> make_session(protocols::PduSink& sink, const protocols::SessionConfig& config);

}  // namespace normwatch::protocols::modbus
