// Payloads of the non-ICS background traffic in the demo, so that nDPI classification has
// something to name: DNS (RFC 1035 §4), HTTP/1.1 (RFC 9112), SSH identification strings
// (RFC 4253 §4.2) and NTPv4 client/server packets (RFC 5905 §7.3).
#pragma once

#include <cstdint>
#include <string_view>

#include "capgen/bytes.hpp"
#include "normwatch/core/ip_address.hpp"

namespace normwatch::tools::capgen::background {

Bytes dns_query(std::uint16_t id, std::string_view name);
// A response with one A record for `name`, the name in the answer compressed to the question.
Bytes dns_response(std::uint16_t id, std::string_view name, const core::IpAddress& address, std::uint32_t ttl);

Bytes http_get(std::string_view host, std::string_view path);
Bytes http_response(std::string_view body);

Bytes ssh_banner(std::string_view software);

// Mode 3 (client) with only the transmit timestamp set; mode 4 (server) answering it.
Bytes ntp_client(std::int64_t unix_us);
Bytes ntp_server(std::int64_t request_unix_us, std::int64_t receive_unix_us, std::int64_t transmit_unix_us);

}  // namespace normwatch::tools::capgen::background
