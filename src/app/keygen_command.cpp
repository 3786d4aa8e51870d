// `normwatch keygen NAME` (see keygen_command.hpp).
#include "keygen_command.hpp"

#include <cstdio>
#include <filesystem>

#include "normwatch/publish/curve_keys.hpp"
#include "normwatch/publish/signer.hpp"

namespace normwatch::app {

int run_keygen(const std::string& name) {
  if (name.empty()) {
    std::fprintf(stderr, "normwatch: keygen needs a NAME\n");
    return 1;
  }
  auto pair = publish::generate_key_pair();
  if (!pair) {
    std::fprintf(stderr, "normwatch: %s\n", pair.error().c_str());
    return 1;
  }
  // The Ed25519 identity key that signs evidence checkpoints (issue 10): checked before anything
  // is written, so that a name in use leaves no half-written set.
  for (const auto& path : {publish::sign_secret_path(name), publish::sign_public_path(name)}) {
    if (std::filesystem::exists(path)) {
      std::fprintf(stderr, "normwatch: %s exists; not overwriting a key\n", path.c_str());
      return 1;
    }
  }
  auto signer = publish::Signer::generate();
  if (!signer) {
    std::fprintf(stderr, "normwatch: %s\n", signer.error().c_str());
    return 1;
  }
  if (auto r = publish::write_key_pair(name, *pair); !r) {
    std::fprintf(stderr, "normwatch: %s\n", r.error().c_str());
    return 1;
  }
  if (auto r = signer->write(name); !r) {
    std::fprintf(stderr, "normwatch: %s\n", r.error().c_str());
    return 1;
  }
  std::printf("wrote %s.key (secret: keep it on this machine, mode 0600) and %s.pub (public)\n", name.c_str(),
              name.c_str());
  std::printf("public key: %s\n", pair->public_z85.c_str());
  std::printf("wrote %s.sign.key (secret Ed25519 signing key, mode 0600) and %s.sign.pub (pin it at the collector "
              "and with inspectors)\n",
              name.c_str(), name.c_str());
  std::printf("signing key: %s\n", signer->public_key_hex().c_str());
  return 0;
}

}  // namespace normwatch::app
