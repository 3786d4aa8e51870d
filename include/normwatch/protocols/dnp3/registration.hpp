// DNP3's entry in the protocol registry: well-known ports (a hint only), a content probe that
// accepts DNP3 on any port and refuses other payload on 20000 (Zeek #3962 is the Modbus version
// of that bug), and the session factory.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/dnp3/limits.hpp"
#include "normwatch/protocols/registry.hpp"

namespace normwatch::protocols::dnp3 {

inline constexpr std::array<std::uint16_t, 1> kTcpPorts{20000};
inline constexpr std::array<std::uint16_t, 1> kUdpPorts{20000};

// yes: 0x05 0x64, LEN >= 5 and a valid header CRC at the start; maybe: a proper prefix of such a
// header (fewer than 10 bytes); no: anything else.
protocols::ProbeResult probe(core::Bytes first_bytes, bool is_udp);

std::unique_ptr<protocols::Session> make_session(protocols::PduSink& sink, const protocols::SessionConfig& config);
std::unique_ptr<protocols::Session> make_session(protocols::PduSink& sink, const protocols::SessionConfig& config,
                                                 const Limits& limits);

}  // namespace normwatch::protocols::dnp3
