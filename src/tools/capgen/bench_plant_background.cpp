// The non-ICS scripts of `bench-plant`, traffic nDPI names from its first packets: HTTP/1.1
// keep-alive polling of a historian (RFC 9112), TLS 1.3 sessions (RFC 8446), SSH sessions
// (identification strings, RFC 4253 §4.2, key exchange, then encrypted packets), DNS A lookups (RFC 1035)
// and NTPv4 client/server exchanges (RFC 5905). Payload contents after the handshakes are
// seeded random bytes: they only need the sizes of real sessions.
#include <array>
#include <string_view>

#include "capgen/background_encoder.hpp"
#include "capgen/bench_plant_script.hpp"
#include "capgen/frame_builder.hpp"
#include "capgen/ssh_encoder.hpp"
#include "capgen/tls_encoder.hpp"

namespace normwatch::tools::capgen::plant_script {
namespace {

Bytes random_bytes(Rng& rng, std::size_t n) {
  Bytes out(n);
  for (std::uint8_t& b : out) b = static_cast<std::uint8_t>(rng.next() >> 56);
  return out;
}

void add(std::vector<Step>& steps, Side side, bool opens, Bytes bytes, StepKind kind = StepKind::raw) {
  steps.push_back(Step{side, kind, opens, std::move(bytes)});
}

constexpr std::array<std::string_view, 8> kNames{
    "historian.plant.example", "mes.plant.example",   "wsus.corp.example",      "ntp.corp.example",
    "portal.corp.example",     "av-update.example",   "license.vendor.example", "mail.corp.example"};

}  // namespace

// Eight requests to the historian's REST interface, answered with small JSON bodies.
Script http() {
  static constexpr std::array<std::string_view, 4> kPaths{"/api/v1/status", "/api/v1/tags?area=1",
                                                          "/api/v1/alarms/active", "/api/v1/trend?tag=FT101"};
  Script s;
  s.ics = false;
  for (std::size_t i = 0; i < 8; ++i) {
    add(s.loop, Side::client, true, background::http_get("historian.plant.example", kPaths[i % kPaths.size()]));
    std::string body = "{\"status\":\"ok\",\"seq\":" + std::to_string(i) + ",\"values\":[";
    for (std::size_t v = 0; v < 4 + i * 6; ++v) {
      if (v > 0) body += ',';
      body += std::to_string(100 + v * 3 + i);
    }
    body += "]}\n";
    add(s.loop, Side::server, false, background::http_response(body));
  }
  return s;
}

// ClientHello with SNI, ServerHello + ChangeCipherSpec, the client's first encrypted record; then
// eight request/response exchanges of application_data records.
Script tls(Rng& rng) {
  Script s;
  s.ics = false;
  const Bytes client_random = random_bytes(rng, 96);
  add(s.prologue, Side::client, true, tls::client_hello("portal.corp.example", client_random));
  add(s.prologue, Side::server, false,
      tls::server_hello(ByteView(client_random).subspan(32, 32), random_bytes(rng, 64)));
  add(s.prologue, Side::client, false, tls::application_data(random_bytes(rng, 74)));
  for (std::size_t i = 0; i < 8; ++i) {
    add(s.loop, Side::client, true, tls::application_data(random_bytes(rng, 60 + rng.between(0, 120))));
    add(s.loop, Side::server, false, tls::application_data(random_bytes(rng, 200 + rng.between(0, 1000))));
  }
  return s;
}

// The server's identification string, the client's, the key exchange in clear (KEXINIT both
// ways, curve25519 ECDH, NEWKEYS), then chacha20-poly1305 packets both ways.
Script ssh(Rng& rng) {
  constexpr std::string_view kServer = "OpenSSH_9.2p1 Debian-2+deb12u3";
  constexpr std::string_view kClient = "OpenSSH_9.2p1 Debian-2+deb12u3";
  Script s;
  s.ics = false;
  add(s.prologue, Side::server, true, background::ssh_banner(kServer));
  add(s.prologue, Side::client, false, background::ssh_banner(kClient));
  add(s.prologue, Side::client, false, ssh::kexinit(random_bytes(rng, 16)));
  add(s.prologue, Side::server, false, ssh::kexinit(random_bytes(rng, 16)));
  add(s.prologue, Side::client, false, ssh::kex_ecdh_init(random_bytes(rng, 32)));
  add(s.prologue, Side::server, false, ssh::kex_ecdh_reply_and_newkeys(random_bytes(rng, 128)));
  add(s.prologue, Side::client, false, ssh::newkeys());
  for (std::size_t i = 0; i < 8; ++i) {
    add(s.loop, Side::client, true, ssh::encrypted_packet(random_bytes(rng, 32 + 16 * rng.between(0, 3) + 16)));
    add(s.loop, Side::server, false, ssh::encrypted_packet(random_bytes(rng, 48 + 16 * rng.between(0, 20) + 16)));
  }
  return s;
}

// 32 lookups of eight names, each answered with one A record.
Script dns(Rng& rng) {
  Script s;
  s.ics = false;
  s.tcp = false;
  for (std::size_t i = 0; i < 32; ++i) {
    const auto id = static_cast<std::uint16_t>(rng.next());
    const std::string_view name = kNames[i % kNames.size()];
    add(s.loop, Side::client, true, background::dns_query(id, name));
    add(s.loop, Side::server, false,
        background::dns_response(id, name, ipv4(192, 168, 10, static_cast<std::uint8_t>(10 + i % 8)), 300));
  }
  return s;
}

Script ntp() {
  Script s;
  s.ics = false;
  s.tcp = false;
  add(s.loop, Side::client, true, {}, StepKind::ntp_client);
  add(s.loop, Side::server, false, {}, StepKind::ntp_server);
  return s;
}

}  // namespace normwatch::tools::capgen::plant_script
