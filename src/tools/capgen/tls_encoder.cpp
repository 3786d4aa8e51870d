// TLS 1.3 ClientHello / ServerHello / application_data records (RFC 8446 §4.1.2, §4.1.3, §5.1,
// §5.2; server_name from RFC 6066 §3). Lengths are patched once the body is written.
#include "capgen/tls_encoder.hpp"

namespace normwatch::tools::capgen::tls {
namespace {

constexpr std::uint8_t kHandshake = 22;
constexpr std::uint8_t kChangeCipherSpec = 20;
constexpr std::uint8_t kApplicationData = 23;
constexpr std::uint8_t kClientHello = 1;
constexpr std::uint8_t kServerHello = 2;
constexpr std::uint16_t kTls12 = 0x0303;  // legacy_version of TLS 1.3 messages
constexpr std::uint16_t kTls13 = 0x0304;
constexpr std::uint16_t kAes128GcmSha256 = 0x1301;
constexpr std::uint16_t kX25519 = 0x001D;
constexpr std::uint16_t kExtServerName = 0;
constexpr std::uint16_t kExtSupportedGroups = 10;
constexpr std::uint16_t kExtSignatureAlgorithms = 13;
constexpr std::uint16_t kExtAlpn = 16;  // RFC 7301 §3.1
constexpr std::uint16_t kExtSupportedVersions = 43;
constexpr std::uint16_t kExtKeyShare = 51;

// Writes a u16 length placeholder; returns where it is, for patch_length.
std::size_t open_u16(ByteWriter& w) {
  const std::size_t at = w.size();
  w.u16be(0);
  return at;
}
void close_u16(Bytes& b, std::size_t at) { patch_u16be(b, at, static_cast<unsigned>(b.size() - at - 2)); }

// Record header (§5.1) and handshake header (§4): type, u24 length; both lengths patched at the end.
std::size_t open_handshake(ByteWriter& w, std::uint8_t type) {
  w.u8(kHandshake).u16be(0x0301).u16be(0);  // record legacy_version 0x0301 as a first flight sends it
  const std::size_t at = w.size();
  w.u8(type).u8(0).u16be(0);
  return at;
}
void close_handshake(Bytes& b, std::size_t at) {
  patch_u16be(b, at - 2, static_cast<unsigned>(b.size() - at));
  const std::size_t body = b.size() - at - 4;
  b[at + 1] = static_cast<std::uint8_t>(body >> 16);
  patch_u16be(b, at + 2, static_cast<unsigned>(body & 0xFFFF));
}

}  // namespace

Bytes client_hello(std::string_view server_name, ByteView random) {
  Bytes out;
  ByteWriter w(out);
  const std::size_t hs = open_handshake(w, kClientHello);
  w.u16be(kTls12).bytes(random.subspan(0, 32));
  w.u8(32).bytes(random.subspan(32, 32));                      // legacy_session_id
  w.u16be(6).u16be(kAes128GcmSha256).u16be(0x1302).u16be(0x1303);  // cipher_suites
  w.u8(1).u8(0);                                               // legacy_compression_methods: null
  const std::size_t extensions = open_u16(w);
  w.u16be(kExtServerName);
  const std::size_t sni = open_u16(w);
  const std::size_t sni_list = open_u16(w);
  w.u8(0).u16be(static_cast<unsigned>(server_name.size())).text(server_name);  // host_name
  close_u16(out, sni_list);
  close_u16(out, sni);
  w.u16be(kExtSupportedGroups).u16be(6).u16be(4).u16be(kX25519).u16be(0x0017);
  w.u16be(kExtSignatureAlgorithms).u16be(8).u16be(6).u16be(0x0403).u16be(0x0804).u16be(0x0401);
  w.u16be(kExtAlpn).u16be(14).u16be(12).u8(2).text("h2").u8(8).text("http/1.1");
  w.u16be(kExtSupportedVersions).u16be(5).u8(4).u16be(kTls13).u16be(kTls12);
  w.u16be(kExtKeyShare).u16be(38).u16be(36).u16be(kX25519).u16be(32).bytes(random.subspan(64, 32));
  close_u16(out, extensions);
  close_handshake(out, hs);
  return out;
}

Bytes server_hello(ByteView session_id, ByteView random) {
  Bytes out;
  ByteWriter w(out);
  const std::size_t hs = open_handshake(w, kServerHello);
  patch_u16be(out, 1, kTls12);
  w.u16be(kTls12).bytes(random.subspan(0, 32));
  w.u8(32).bytes(session_id.subspan(0, 32));
  w.u16be(kAes128GcmSha256).u8(0);
  const std::size_t extensions = open_u16(w);
  w.u16be(kExtSupportedVersions).u16be(2).u16be(kTls13);
  w.u16be(kExtKeyShare).u16be(36).u16be(kX25519).u16be(32).bytes(random.subspan(32, 32));
  close_u16(out, extensions);
  close_handshake(out, hs);
  w.u8(kChangeCipherSpec).u16be(kTls12).u16be(1).u8(1);
  return out;
}

Bytes application_data(ByteView ciphertext) {
  Bytes out;
  ByteWriter(out).u8(kApplicationData).u16be(kTls12).u16be(static_cast<unsigned>(ciphertext.size())).bytes(ciphertext);
  return out;
}

}  // namespace normwatch::tools::capgen::tls
