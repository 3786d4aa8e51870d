// The protocol registry: one entry per parsed protocol (see registry.hpp).
#include "normwatch/protocols/registry.hpp"

#include <array>

namespace normwatch::protocols {

namespace {
// Entries are added as each protocol folder lands (modbus, dnp3, iec104).
const std::array<ProtocolDescriptor, 0> kProtocols{};
}  // namespace

std::span<const ProtocolDescriptor> registry() { return kProtocols; }

const ProtocolDescriptor* find_protocol(ProtocolId id) {
  for (const auto& p : kProtocols) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace normwatch::protocols
