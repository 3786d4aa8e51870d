// The protocol registry: one entry per parsed protocol (see registry.hpp). Adding a protocol means
// adding its folder and one entry here.
#include "normwatch/protocols/registry.hpp"

#include <array>

#include "normwatch/protocols/dnp3/registration.hpp"
#include "normwatch/protocols/iec104/registration.hpp"
#include "normwatch/protocols/modbus/registration.hpp"

namespace normwatch::protocols {

namespace {

const std::array<ProtocolDescriptor, 3> kProtocols{{
    {ProtocolId::modbus, "modbus", modbus::kTcpPorts, modbus::kUdpPorts, &modbus::probe,
     [](PduSink& sink, const SessionConfig& config) { return modbus::make_session(sink, config); }},
    {ProtocolId::dnp3, "dnp3", dnp3::kTcpPorts, dnp3::kUdpPorts, &dnp3::probe,
     [](PduSink& sink, const SessionConfig& config) { return dnp3::make_session(sink, config); }},
    {ProtocolId::iec104, "iec104", iec104::kTcpPorts, iec104::kUdpPorts, &iec104::probe,
     [](PduSink& sink, const SessionConfig& config) { return iec104::make_session(sink, config); }},
}};
}  // namespace

std::span<const ProtocolDescriptor> registry() { return kProtocols; }

const ProtocolDescriptor* find_protocol(ProtocolId id) {
  for (const auto& p : kProtocols) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace normwatch::protocols
