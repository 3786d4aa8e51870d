// IEC 60870-5-104 entry points for the registry: the content probe (any port; refuses other
// payload on 2404) and the session factory.
#include "normwatch/protocols/iec104/registration.hpp"

#include <stdexcept>

#include "normwatch/protocols/iec104/framer.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"
#include "normwatch/protocols/iec104/session.hpp"

namespace normwatch::protocols::iec104 {

namespace {
// A probe looks at a handful of APDUs at most: enough to be sure, bounded work.
constexpr int kProbeApdus = 4;
}  // namespace

protocols::ProbeResult probe(core::Bytes first_bytes, bool is_udp) {
  if (is_udp) return ProbeResult::no;  // 104 runs over TCP only
  const Widths widths;
  core::Bytes rest = first_bytes;
  for (int i = 0; i < kProbeApdus; ++i) {
    switch (plausible_apdu_start(rest, widths)) {
      case Plausibility::no: return ProbeResult::no;
      case Plausibility::need_more: return i == 0 ? ProbeResult::maybe : ProbeResult::yes;
      case Plausibility::yes: break;
    }
    const std::size_t total = static_cast<std::size_t>(static_cast<std::uint8_t>(rest[1])) + 2;
    if (total >= rest.size()) return ProbeResult::yes;
    rest = rest.subspan(total);
  }
  return ProbeResult::yes;
}

std::unique_ptr<protocols::Session> make_session(protocols::PduSink& sink, const protocols::SessionConfig& config) {
  return make_session(sink, config, Config{});
}

std::unique_ptr<protocols::Session> make_session(protocols::PduSink& sink, const protocols::SessionConfig& config,
                                                 const Config& iec104) {
  if (!iec104.valid()) throw std::invalid_argument("iec104: invalid session configuration");
  Config effective = iec104;
  if (config.max_outstanding_requests < effective.limits.max_outstanding_commands) {
    effective.limits.max_outstanding_commands = config.max_outstanding_requests;
  }
  return std::make_unique<Iec104Session>(sink, effective, config.max_frame_bytes);
}

}  // namespace normwatch::protocols::iec104
