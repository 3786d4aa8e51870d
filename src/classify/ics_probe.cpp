// Which ICS parser a flow belongs to: the parsers' own probes decide on content (on any port), and
// an ICS port carrying something else is named as such rather than parsed as that protocol.
#include <algorithm>

#include "normwatch/classify/classifier.hpp"
#include "normwatch/protocols/registry.hpp"

namespace normwatch::classify {

namespace {
bool uses_port(std::span<const std::uint16_t> ports, const flow::FlowKey& key) {
  return std::find(ports.begin(), ports.end(), key.port_a) != ports.end() ||
         std::find(ports.begin(), ports.end(), key.port_b) != ports.end();
}
}  // namespace

protocols::ProtocolId port_hint(const flow::FlowKey& key) {
  const bool udp = key.ip_proto == 17;
  for (const auto& p : protocols::registry()) {
    if (uses_port(udp ? p.udp_ports : p.tcp_ports, key)) return p.id;
  }
  return protocols::ProtocolId::unknown;
}

protocols::ProtocolId Classifier::probe_ics(FlowClassification& state, const flow::Flow& flow, core::Bytes first_bytes,
                                            bool is_udp) {
  if (state.ics_decided()) return state.ics_;
  state.port_hint_ = port_hint(flow.key);
  state.probe_bytes_seen_ += static_cast<std::uint32_t>(first_bytes.size());

  bool waiting = false;
  // The port's own protocol is asked first, so that an ambiguous payload goes to the hinted parser.
  auto try_one = [&](const protocols::ProtocolDescriptor& p) {
    switch (p.probe(first_bytes, is_udp)) {
      case protocols::ProbeResult::yes:
        state.ics_ = p.id;
        state.verdict_ = IcsVerdict::content;
        state.app_name_ = p.name;
        ++counters_.ics_by_content;
        if (state.port_hint_ != p.id) ++counters_.ics_off_port;
        return true;
      case protocols::ProbeResult::maybe:
        waiting = true;
        return false;
      case protocols::ProbeResult::no:
        return false;
    }
    return false;
  };
  if (const auto* hinted = protocols::find_protocol(state.port_hint_); hinted != nullptr && try_one(*hinted)) {
    return state.ics_;
  }
  for (const auto& p : protocols::registry()) {
    if (p.id != state.port_hint_ && try_one(p)) return state.ics_;
  }
  if (waiting && state.probe_bytes_seen_ < options_.max_probe_bytes) return protocols::ProtocolId::unknown;

  if (state.port_hint_ != protocols::ProtocolId::unknown) {
    state.verdict_ = IcsVerdict::foreign_on_ics_port;
    ++counters_.foreign_on_ics_port;
  } else {
    state.verdict_ = IcsVerdict::not_ics;
  }
  return protocols::ProtocolId::unknown;
}

}  // namespace normwatch::classify
