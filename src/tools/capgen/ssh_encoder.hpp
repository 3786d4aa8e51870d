// SSH transport messages for background traffic (RFC 4253): the binary packet (§6, no MAC before
// the first NEWKEYS), SSH_MSG_KEXINIT (§7.1), curve25519 key exchange (RFC 5656 §4 messages,
// RFC 8731 names), SSH_MSG_NEWKEYS (§7.3), and what a chacha20-poly1305@openssh.com packet looks
// like afterwards (encrypted length, ciphertext, 16-byte tag), so dissectors see a whole session.
#pragma once

#include <cstdint>

#include "capgen/bytes.hpp"

namespace normwatch::tools::capgen::ssh {

// `cookie` 16 bytes; offers curve25519-sha256, ssh-ed25519, chacha20-poly1305@openssh.com, no
// compression.
Bytes kexinit(ByteView cookie);
// `public_key` 32 bytes (Q_C).
Bytes kex_ecdh_init(ByteView public_key);
// `material` 128 bytes: host key (32), Q_S (32), signature (64); NEWKEYS follows in the same segment.
Bytes kex_ecdh_reply_and_newkeys(ByteView material);
Bytes newkeys();
// An encrypted packet: 4 bytes of encrypted length (written as the length itself: to an observer
// any 4 bytes look alike), then `ciphertext_and_tag` (ciphertext plus the 16-byte Poly1305 tag).
Bytes encrypted_packet(ByteView ciphertext_and_tag);

}  // namespace normwatch::tools::capgen::ssh
