// IpAddress construction, parsing and text form (inet_pton/inet_ntop do the RFC work).
#include "normwatch/core/ip_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

namespace normwatch::core {

IpAddress IpAddress::v4(Bytes four) {
  IpAddress a;
  a.family = IpFamily::v4;
  for (std::size_t i = 0; i < 4 && i < four.size(); ++i) a.bytes[i] = static_cast<std::uint8_t>(four[i]);
  return a;
}

IpAddress IpAddress::v4(std::uint32_t host_order) {
  IpAddress a;
  a.family = IpFamily::v4;
  a.bytes[0] = static_cast<std::uint8_t>(host_order >> 24);
  a.bytes[1] = static_cast<std::uint8_t>(host_order >> 16);
  a.bytes[2] = static_cast<std::uint8_t>(host_order >> 8);
  a.bytes[3] = static_cast<std::uint8_t>(host_order);
  return a;
}

IpAddress IpAddress::v6(Bytes sixteen) {
  IpAddress a;
  a.family = IpFamily::v6;
  for (std::size_t i = 0; i < 16 && i < sixteen.size(); ++i) a.bytes[i] = static_cast<std::uint8_t>(sixteen[i]);
  return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  IpAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    a.family = IpFamily::v4;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.family = IpFamily::v6;
    return a;
  }
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (is_v4()) {
    inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  } else if (is_v6()) {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  } else {
    return "-";
  }
  return buf;
}

std::string format_endpoint(const IpAddress& address, std::uint16_t port) {
  if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(port);
  return address.to_string() + ":" + std::to_string(port);
}

}  // namespace normwatch::core
