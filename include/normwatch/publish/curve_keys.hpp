// CURVE key files (issue 7 §4; ZeroMQ RFC 26). NAME.pub holds the 40-character Z85 public key,
// NAME.key the Z85 secret key (mode 0600); both are one line of text, '#' lines are comments.
// `normwatch keygen NAME` writes a pair; the collector's --allow DIR holds the sensors' .pub files
// and each sensor pins the collector's .pub (--collector-pub).
#pragma once

#include <filesystem>
#include <string>

#include "normwatch/core/result.hpp"

namespace normwatch::publish {

inline constexpr std::size_t kZ85KeyLength = 40;

struct CurveKeyPair {
  std::string public_z85;
  std::string secret_z85;
};

core::Result<CurveKeyPair, std::string> generate_key_pair();

// Writes NAME.key (0600, created exclusively) and NAME.pub; refuses to overwrite either.
core::Result<void, std::string> write_key_pair(const std::filesystem::path& name, const CurveKeyPair& pair);

// A 40-character Z85 text that decodes to 32 bytes.
bool valid_z85_key(std::string_view text);

core::Result<std::string, std::string> read_public_key(const std::filesystem::path& path);
// Reads a secret key and derives its public half. Warns (returns the warning in `warning`) when
// the file is readable by group or others.
core::Result<CurveKeyPair, std::string> read_secret_key(const std::filesystem::path& path, std::string* warning = nullptr);

}  // namespace normwatch::publish
