// The demo plant's addresses, shared by every scenario so that all captures tell one story:
// control network 10.10.1.0/24 (field devices), operations network 10.10.2.0/24 (HMI, masters,
// services). MACs derive from the last two address octets.
#pragma once

#include "capgen/peers.hpp"

namespace normwatch::tools::capgen::plant {

inline Host v4_host(std::uint8_t c, std::uint8_t d) {
  return make_host((std::uint32_t{c} << 8) | d, ipv4(10, 10, c, d));
}

inline Host hmi() { return v4_host(2, 10); }
inline Host dnp3_master() { return v4_host(2, 11); }
inline Host iec104_station() { return v4_host(2, 12); }
inline Host engineering() { return v4_host(2, 20); }
inline Host dns_ntp_server() { return v4_host(2, 5); }
inline Host historian() { return v4_host(2, 50); }
inline Host jump_host() { return v4_host(2, 60); }
inline Host plc1() { return v4_host(1, 20); }
inline Host plc2() { return v4_host(1, 21); }
inline Host outstation() { return v4_host(1, 30); }
inline Host rtu() { return v4_host(1, 40); }

inline constexpr std::uint16_t kDnp3Master = 1;       // DNP3 link address of the master
inline constexpr std::uint16_t kDnp3Outstation = 10;  // and of the outstation
inline constexpr std::uint16_t kIec104CommonAddress = 1;

}  // namespace normwatch::tools::capgen::plant
