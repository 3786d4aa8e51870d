// Ed25519 identity keys and checkpoint signatures with libsodium (see signer.hpp).
#include "normwatch/publish/signer.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "normwatch/events/chain.hpp"
#include "normwatch/publish/durable_file.hpp"

namespace normwatch::publish {

namespace {

bool sodium_ready() {
  static const int kInit = sodium_init();
  return kInit >= 0;
}

core::Result<void, std::string> write_new(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return core::unexpected(path.string() + " exists; not overwriting a key");
    return core::unexpected("cannot create " + path.string() + ": " + errno_text(errno));
  }
  ::fchmod(fd, mode);
  const ssize_t n = ::write(fd, text.data(), text.size());
  const bool ok = n == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) return core::unexpected("cannot write " + path.string() + ": " + errno_text(err));
  return {};
}

core::Result<std::string, std::string> read_hex_line(const std::filesystem::path& path, const char* what) {
  auto text = read_small_file(path, 4096);
  if (!text) return core::unexpected(text.error());
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t\r");
    line = line.substr(first, last - first + 1);
    const auto bytes = events::from_hex(line, 32);
    if (!bytes) return core::unexpected(path.string() + " does not hold " + what + " (64 hex characters)");
    return events::to_hex(*bytes);
  }
  return core::unexpected(path.string() + " holds no key");
}

}  // namespace

std::filesystem::path sign_secret_path(const std::filesystem::path& name) {
  std::filesystem::path p = name;
  p += ".sign.key";
  return p;
}

std::filesystem::path sign_public_path(const std::filesystem::path& name) {
  std::filesystem::path p = name;
  p += ".sign.pub";
  return p;
}

core::Result<Signer, std::string> Signer::generate() {
  if (!sodium_ready()) return core::unexpected(std::string("libsodium failed to initialise"));
  Signer s;
  randombytes_buf(s.seed_.data(), s.seed_.size());
  crypto_sign_seed_keypair(s.public_.data(), s.secret_.data(), s.seed_.data());
  return s;
}

core::Result<Signer, std::string> Signer::from_seed_hex(std::string_view seed_hex) {
  if (!sodium_ready()) return core::unexpected(std::string("libsodium failed to initialise"));
  const auto seed = events::from_hex(seed_hex, 32);
  if (!seed) return core::unexpected(std::string("an Ed25519 seed is 64 hex characters"));
  Signer s;
  std::copy(seed->begin(), seed->end(), s.seed_.begin());
  crypto_sign_seed_keypair(s.public_.data(), s.secret_.data(), s.seed_.data());
  return s;
}

core::Result<Signer, std::string> Signer::read(const std::filesystem::path& path, std::string* warning) {
  auto seed = read_hex_line(path, "an Ed25519 seed");
  if (!seed) return core::unexpected(seed.error());
  struct stat st {};
  if (warning != nullptr && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    *warning = path.string() + " is readable by other users (chmod 600 it)";
  }
  return from_seed_hex(*seed);
}

core::Result<void, std::string> Signer::write(const std::filesystem::path& name) const {
  const auto secret = sign_secret_path(name);
  const auto pub = sign_public_path(name);
  if (std::filesystem::exists(secret)) return core::unexpected(secret.string() + " exists; not overwriting a key");
  if (std::filesystem::exists(pub)) return core::unexpected(pub.string() + " exists; not overwriting a key");
  if (auto r = write_new(secret, "# normwatch Ed25519 signing seed (secret)\n" + events::to_hex(seed_) + "\n", 0600);
      !r) {
    return r;
  }
  if (auto r = write_new(pub, "# normwatch Ed25519 public key\n" + public_key_hex() + "\n", 0644); !r) {
    ::unlink(secret.c_str());
    return r;
  }
  return {};
}

std::string Signer::public_key_hex() const { return events::to_hex(public_); }

std::string Signer::sign_hex(std::string_view message) const {
  std::array<std::uint8_t, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_.data());
  return events::to_hex(signature);
}

core::Result<std::string, std::string> read_sign_public_key(const std::filesystem::path& path) {
  return read_hex_line(path, "an Ed25519 public key");
}

}  // namespace normwatch::publish
