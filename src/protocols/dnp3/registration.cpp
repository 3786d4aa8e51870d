// DNP3 registration: content probe (IEEE 1815-2012 clause 9.2 link header) and session factory.
#include "normwatch/protocols/dnp3/registration.hpp"

#include "normwatch/protocols/dnp3/crc.hpp"
#include "normwatch/protocols/dnp3/pdu.hpp"
#include "normwatch/protocols/dnp3/session.hpp"

namespace normwatch::protocols::dnp3 {

protocols::ProbeResult probe(core::Bytes first_bytes, bool /*is_udp*/) {
  // The same check for TCP and UDP: the first bytes one side sent must open a link frame. The
  // port plays no part, so foreign payload on 20000 is refused and DNP3 elsewhere is accepted.
  const std::size_t n = first_bytes.size();
  if (n == 0) return protocols::ProbeResult::maybe;
  if (static_cast<std::uint8_t>(first_bytes[0]) != kStartByte0) return protocols::ProbeResult::no;
  if (n >= 2 && static_cast<std::uint8_t>(first_bytes[1]) != kStartByte1) return protocols::ProbeResult::no;
  if (n >= 3 && static_cast<std::uint8_t>(first_bytes[2]) < kMinLinkLength) return protocols::ProbeResult::no;
  if (n < kLinkHeaderSize) return protocols::ProbeResult::maybe;
  return crc_matches(first_bytes.first(kLinkHeaderSize)) ? protocols::ProbeResult::yes : protocols::ProbeResult::no;
}

std::unique_ptr<protocols::Session> make_session(protocols::PduSink& sink, const protocols::SessionConfig& config,
                                                 const Limits& limits) {
  Limits effective = limits;
  effective.max_outstanding_requests = config.max_outstanding_requests;
  return std::make_unique<Dnp3Session>(sink, effective);
}

std::unique_ptr<protocols::Session> make_session(protocols::PduSink& sink, const protocols::SessionConfig& config) {
  return make_session(sink, config, Limits{});
}

}  // namespace normwatch::protocols::dnp3
