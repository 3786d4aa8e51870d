// IpAddress: an IPv4 or IPv6 address held by value (16 bytes + family), comparable and hashable,
// so flow keys carry full addresses rather than hashes of them.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "normwatch/core/byte_reader.hpp"

namespace normwatch::core {

enum class IpFamily : std::uint8_t { none = 0, v4 = 4, v6 = 6 };

struct IpAddress {
  IpFamily family = IpFamily::none;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4 bytes, the rest stay zero

  static IpAddress v4(Bytes four);
  static IpAddress v4(std::uint32_t host_order);
  static IpAddress v6(Bytes sixteen);
  // Dotted quad or RFC 5952 text; std::nullopt when the text is not an address.
  static std::optional<IpAddress> parse(std::string_view text);

  bool is_v4() const { return family == IpFamily::v4; }
  bool is_v6() const { return family == IpFamily::v6; }
  std::size_t size() const { return is_v4() ? 4 : (is_v6() ? 16 : 0); }
  std::string to_string() const;

  constexpr auto operator<=>(const IpAddress&) const = default;
};

// "10.0.0.1:502" or "[2001:db8::1]:20000".
std::string format_endpoint(const IpAddress& address, std::uint16_t port);

}  // namespace normwatch::core
