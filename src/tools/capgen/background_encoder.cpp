// DNS, HTTP, SSH banner and NTP payload encoding (RFC 1035, RFC 9112, RFC 4253 §4.2, RFC 5905).
#include "capgen/background_encoder.hpp"

#include <string>

namespace normwatch::tools::capgen::background {
namespace {

constexpr std::uint16_t kTypeA = 1;
constexpr std::uint16_t kClassIn = 1;

// Dotted name as length-prefixed labels ending in the root label (RFC 1035 §3.1).
void write_name(ByteWriter& w, std::string_view name) {
  while (!name.empty()) {
    const std::size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    w.u8(static_cast<unsigned>(label.size())).text(label);
    name = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
  }
  w.u8(0);
}

// NTP timestamp: seconds since 1900 and a 32-bit binary fraction (RFC 5905 §6).
void write_ntp_time(ByteWriter& w, std::int64_t unix_us) {
  constexpr std::int64_t kNtpEpochOffset = 2'208'988'800;
  const auto seconds = static_cast<std::uint32_t>(unix_us / 1'000'000 + kNtpEpochOffset);
  const auto fraction = static_cast<std::uint32_t>(((unix_us % 1'000'000) << 32) / 1'000'000);
  w.u32be(seconds).u32be(fraction);
}

}  // namespace

Bytes dns_query(std::uint16_t id, std::string_view name) {
  Bytes out;
  ByteWriter w(out);
  w.u16be(id).u16be(0x0100).u16be(1).u16be(0).u16be(0).u16be(0);  // standard query, RD set
  write_name(w, name);
  w.u16be(kTypeA).u16be(kClassIn);
  return out;
}

Bytes dns_response(std::uint16_t id, std::string_view name, const core::IpAddress& address, std::uint32_t ttl) {
  Bytes out;
  ByteWriter w(out);
  w.u16be(id).u16be(0x8180).u16be(1).u16be(1).u16be(0).u16be(0);  // response, RD+RA, no error
  write_name(w, name);
  w.u16be(kTypeA).u16be(kClassIn);
  w.u16be(0xC00C).u16be(kTypeA).u16be(kClassIn).u32be(ttl).u16be(4);  // pointer to the question name
  w.bytes(ByteView(address.bytes.data(), 4));
  return out;
}

Bytes http_get(std::string_view host, std::string_view path) {
  Bytes out;
  ByteWriter(out)
      .text("GET ")
      .text(path)
      .text(" HTTP/1.1\r\nHost: ")
      .text(host)
      .text("\r\nUser-Agent: plant-monitor/1.0\r\nAccept: */*\r\n\r\n");
  return out;
}

Bytes http_response(std::string_view body) {
  Bytes out;
  ByteWriter(out)
      .text("HTTP/1.1 200 OK\r\nServer: historian/2.4\r\nContent-Type: text/plain\r\nContent-Length: ")
      .text(std::to_string(body.size()))
      .text("\r\n\r\n")
      .text(body);
  return out;
}

Bytes ssh_banner(std::string_view software) {
  Bytes out;
  ByteWriter(out).text("SSH-2.0-").text(software).text("\r\n");
  return out;
}

Bytes ntp_client(std::int64_t unix_us) {
  Bytes out;
  ByteWriter w(out);
  w.u8(0x23).u8(0).u8(6).u8(0xEC);  // LI 0, version 4, mode 3; stratum 0; poll 6; precision -20
  w.u32be(0).u32be(0).u32be(0);     // root delay, root dispersion, reference id
  w.fill(24, 0);                    // reference, origin and receive timestamps
  write_ntp_time(w, unix_us);       // transmit timestamp
  return out;
}

Bytes ntp_server(std::int64_t request_unix_us, std::int64_t receive_unix_us, std::int64_t transmit_unix_us) {
  Bytes out;
  ByteWriter w(out);
  w.u8(0x24).u8(2).u8(6).u8(0xE9);                          // LI 0, version 4, mode 4; stratum 2; poll 6; precision -23
  w.u32be(0x00000148).u32be(0x000003A2).u32be(0x0A0A0205);  // root delay, dispersion, ref id 10.10.2.5
  write_ntp_time(w, receive_unix_us - 16'000'000);          // reference timestamp: last sync
  write_ntp_time(w, request_unix_us);                       // origin: the client's transmit time
  write_ntp_time(w, receive_unix_us);
  write_ntp_time(w, transmit_unix_us);
  return out;
}

}  // namespace normwatch::tools::capgen::background
