// SSH binary packets and key exchange messages (RFC 4253 §6, §7.1, §7.3; RFC 5656 §4, §7.1;
// RFC 8731 curve25519-sha256; RFC 8709 ssh-ed25519 keys and signatures; chacha20-poly1305@openssh.com
// as OpenSSH's PROTOCOL.chacha20poly1305 describes it).
#include "capgen/ssh_encoder.hpp"

#include <string_view>

namespace normwatch::tools::capgen::ssh {
namespace {

constexpr std::uint8_t kMsgKexinit = 20;
constexpr std::uint8_t kMsgNewkeys = 21;
constexpr std::uint8_t kMsgKexEcdhInit = 30;
constexpr std::uint8_t kMsgKexEcdhReply = 31;
constexpr std::size_t kBlock = 8;  // cipher block size before keys are in use (§6)

void string(ByteWriter& w, std::string_view s) { w.u32be(static_cast<std::uint32_t>(s.size())).text(s); }
void string(ByteWriter& w, ByteView b) { w.u32be(static_cast<std::uint32_t>(b.size())).bytes(b); }

// packet_length, padding_length, payload, at least 4 bytes of padding to a multiple of 8 (§6).
Bytes binary_packet(ByteView payload) {
  std::size_t padding = kBlock - (5 + payload.size()) % kBlock;
  if (padding < 4) padding += kBlock;
  Bytes out;
  out.reserve(5 + payload.size() + padding);  // also spares GCC 12 a false -Warray-bounds at -O3
  ByteWriter(out)
      .u32be(static_cast<std::uint32_t>(1 + payload.size() + padding))
      .u8(static_cast<unsigned>(padding))
      .bytes(payload)
      .fill(padding, 0);
  return out;
}

}  // namespace

Bytes kexinit(ByteView cookie) {
  Bytes payload;
  payload.reserve(256);
  ByteWriter w(payload);
  w.u8(kMsgKexinit).bytes(cookie.subspan(0, 16));
  string(w, std::string_view("curve25519-sha256,curve25519-sha256@libssh.org,ext-info-c"));
  string(w, std::string_view("ssh-ed25519"));
  string(w, std::string_view("chacha20-poly1305@openssh.com"));  // encryption, both directions
  string(w, std::string_view("chacha20-poly1305@openssh.com"));
  string(w, std::string_view("hmac-sha2-256"));  // MAC (unused with GCM), both directions
  string(w, std::string_view("hmac-sha2-256"));
  string(w, std::string_view("none"));  // compression, both directions
  string(w, std::string_view("none"));
  string(w, std::string_view(""));  // languages
  string(w, std::string_view(""));
  w.u8(0).u32be(0);  // first_kex_packet_follows, reserved
  return binary_packet(payload);
}

Bytes kex_ecdh_init(ByteView public_key) {
  Bytes payload;
  payload.reserve(64);
  ByteWriter w(payload);
  w.u8(kMsgKexEcdhInit);
  string(w, public_key.subspan(0, 32));
  return binary_packet(payload);
}

Bytes kex_ecdh_reply_and_newkeys(ByteView material) {
  Bytes host_key;
  ByteWriter hk(host_key);
  string(hk, std::string_view("ssh-ed25519"));
  string(hk, material.subspan(0, 32));
  Bytes signature;
  ByteWriter sig(signature);
  string(sig, std::string_view("ssh-ed25519"));
  string(sig, material.subspan(64, 64));
  Bytes payload;
  ByteWriter w(payload);
  w.u8(kMsgKexEcdhReply);
  string(w, ByteView(host_key));
  string(w, material.subspan(32, 32));
  string(w, ByteView(signature));
  Bytes out = binary_packet(payload);
  const Bytes keys = newkeys();
  out.insert(out.end(), keys.begin(), keys.end());
  return out;
}

Bytes newkeys() {
  const std::uint8_t payload[] = {kMsgNewkeys};
  return binary_packet(payload);
}

Bytes encrypted_packet(ByteView ciphertext_and_tag) {
  Bytes out;
  out.reserve(4 + ciphertext_and_tag.size());
  ByteWriter(out).u32be(static_cast<std::uint32_t>(ciphertext_and_tag.size() - 16)).bytes(ciphertext_and_tag);
  return out;
}

}  // namespace normwatch::tools::capgen::ssh
