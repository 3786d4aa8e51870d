// How the registry and the classifier reach IEC 60870-5-104: its well-known port (a hint only), a
// content probe that recognises APDUs on any port and refuses other payload on 2404, and the
// session factory.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/common/session.hpp"
#include "normwatch/protocols/iec104/config.hpp"
#include "normwatch/protocols/registry.hpp"

namespace normwatch::protocols::iec104 {

inline constexpr std::array<std::uint16_t, 1> kTcpPorts{2404};
inline constexpr std::array<std::uint16_t, 0> kUdpPorts{};

// Looks at the first bytes one side sent: yes for one or more believable APDUs (start 0x68, valid
// length and control field, an ASDU of a defined type), maybe for too few bytes, no otherwise.
protocols::ProbeResult probe(core::Bytes first_bytes, bool is_udp);

std::unique_ptr<protocols::Session> make_session(protocols::PduSink& sink, const protocols::SessionConfig& config);
// With per-conduit IEC 104 settings (field widths, k, w...). Throws std::invalid_argument at
// start-up when `iec104` is not valid().
std::unique_ptr<protocols::Session> make_session(protocols::PduSink& sink, const protocols::SessionConfig& config,
                                                 const Config& iec104);

}  // namespace normwatch::protocols::iec104
