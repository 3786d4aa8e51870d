// Parsers for the scalar values of a policy file: CIDR prefixes, MAC addresses, RFC 3339 times and
// address ranges (Modbus reference notation or plain 0-based). Each returns the value or the
// reason it is not one; no exceptions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "normwatch/core/ip_address.hpp"
#include "normwatch/core/result.hpp"
#include "normwatch/core/timestamp.hpp"
#include "normwatch/rules/facts.hpp"

namespace normwatch::rules::detail {

struct Cidr {
  core::IpAddress network;  // host bits zero
  int prefix = 0;           // 0..32 or 0..128
};

// "10.10.1.0/24", "fd00:10:10:1::/64". Host bits set is an error (the message names the network).
core::Result<Cidr, std::string> parse_cidr(std::string_view text);

// "00:80:f4:12:34:56" or "00-80-F4-12-34-56".
std::optional<std::array<std::uint8_t, 6>> parse_mac(std::string_view text);

// RFC 3339 with a required offset: "2025-12-01T22:00:00Z", "2025-12-01T22:00Z" (seconds may be
// left out), "2025-12-01T23:30:00.5+01:30". 'T' may be 't' or a space.
core::Result<core::Timestamp, std::string> parse_rfc3339(std::string_view text);

struct AddressRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
};

// One write_ranges entry: "N" or "N-M". For a Modbus table, a decimal number of exactly 5 or 6
// digits whose first digit is the table's reference prefix (0 coils, 1 discrete inputs, 3 input
// registers, 4 holding registers) is a 1-based Modicon reference: 40001 and 400001 are holding
// register 0, 00001 is coil 0. Anything else (fewer digits, or 0x hex) is a plain 0-based address
// 0..65535. Both ends must use the same notation. For `objects` (DNP3 point index, IEC 104 IOA)
// only plain numbers, 0..2^32-1.
core::Result<AddressRange, std::string> parse_address_range(std::string_view text, DataTable table);

// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);

}  // namespace normwatch::rules::detail
