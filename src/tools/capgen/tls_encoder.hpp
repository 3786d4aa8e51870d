// TLS 1.3 handshake records for the benchmark's background traffic, so that nDPI has a real
// ClientHello (with SNI) and ServerHello to classify: RFC 8446 §4.1.2-4.1.3 messages in TLS
// records (§5.1), extensions server_name (RFC 6066 §3), ALPN h2/http/1.1 (RFC 7301),
// supported_groups, signature_algorithms, supported_versions and key_share. The encrypted part is
// application_data records (§5.2).
#pragma once

#include <cstdint>
#include <string_view>

#include "capgen/bytes.hpp"

namespace normwatch::tools::capgen::tls {

// `random` gives the 32-byte random, the 32-byte legacy session id and the 32-byte X25519 key
// share, in that order (96 bytes, chosen by the scenario so the capture stays reproducible).
Bytes client_hello(std::string_view server_name, ByteView random);
// Answers a ClientHello with TLS_AES_128_GCM_SHA256, echoing `session_id` (32 bytes); `random`
// gives the server random and key share (64 bytes). Followed by a ChangeCipherSpec record, as
// TLS 1.3 middlebox compatibility mode sends it (RFC 8446 Appendix D.4).
Bytes server_hello(ByteView session_id, ByteView random);
// One application_data record carrying `ciphertext`.
Bytes application_data(ByteView ciphertext);

}  // namespace normwatch::tools::capgen::tls
