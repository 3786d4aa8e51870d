// The ICS protocols normwatch parses, and which side of a conversation sent a PDU.
#pragma once

#include <cstdint>
#include <string_view>

namespace normwatch::protocols {

enum class ProtocolId : std::uint8_t { unknown = 0, modbus, dnp3, iec104 };

constexpr std::string_view name(ProtocolId id) {
  switch (id) {
    case ProtocolId::modbus: return "modbus";
    case ProtocolId::dnp3: return "dnp3";
    case ProtocolId::iec104: return "iec104";
    case ProtocolId::unknown: break;
  }
  return "unknown";
}

// The client is the side that opened the connection (Modbus client, DNP3 master, IEC 104
// controlling station) as far as the flow layer knows; sessions may correct it from content.
enum class Side : std::uint8_t { client = 0, server = 1 };

constexpr Side other(Side s) { return s == Side::client ? Side::server : Side::client; }

}  // namespace normwatch::protocols
