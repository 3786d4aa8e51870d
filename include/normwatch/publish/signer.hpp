// Signer: the sensor's Ed25519 identity key that signs evidence checkpoints (issue 10 §1;
// events/chain.hpp). `normwatch keygen NAME` writes it next to the CURVE pair:
//   NAME.sign.key  the 32-byte Ed25519 seed as 64 hex characters (secret, mode 0600)
//   NAME.sign.pub  the 32-byte Ed25519 public key as 64 hex characters
// One line each; '#' lines are comments. The collector's --allow directory and an inspector's
// bundle (keys/SENSOR.sign.pub) pin the public key; the secret never leaves the sensor.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "normwatch/core/result.hpp"

namespace normwatch::publish {

class Signer {
 public:
  static core::Result<Signer, std::string> generate();
  // Reads NAME.sign.key; `warning` gets a note when the file is readable by group or others.
  static core::Result<Signer, std::string> read(const std::filesystem::path& path, std::string* warning = nullptr);
  static core::Result<Signer, std::string> from_seed_hex(std::string_view seed_hex);

  // Writes NAME.sign.key (0600, created exclusively) and NAME.sign.pub; refuses to overwrite.
  core::Result<void, std::string> write(const std::filesystem::path& name) const;

  // 64 hex characters.
  std::string public_key_hex() const;
  // Detached Ed25519 signature over `message`, 128 hex characters.
  std::string sign_hex(std::string_view message) const;

 private:
  Signer() = default;
  std::array<std::uint8_t, 32> seed_{};
  std::array<std::uint8_t, 32> public_{};
  std::array<std::uint8_t, 64> secret_{};
};

// Reads a NAME.sign.pub file: 64 hex characters (returned lower-case).
core::Result<std::string, std::string> read_sign_public_key(const std::filesystem::path& path);

// NAME.sign.key / NAME.sign.pub for a key NAME.
std::filesystem::path sign_secret_path(const std::filesystem::path& name);
std::filesystem::path sign_public_path(const std::filesystem::path& name);

}  // namespace normwatch::publish
