// CURVE key generation and key files (zmq_curve_keypair / zmq_curve_public, Z85 text).
#include "normwatch/publish/curve_keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <cerrno>
#include <sstream>

#include "normwatch/publish/durable_file.hpp"

namespace normwatch::publish {

namespace {

core::Result<void, std::string> write_new_file(const std::filesystem::path& path, const std::string& text,
                                               mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return core::unexpected(path.string() + " exists; not overwriting a key");
    return core::unexpected("cannot create " + path.string() + ": " + errno_text(errno));
  }
  ::fchmod(fd, mode);  // whatever the umask says
  const ssize_t n = ::write(fd, text.data(), text.size());
  const bool ok = n == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) return core::unexpected("cannot write " + path.string() + ": " + errno_text(err));
  return {};
}

core::Result<std::string, std::string> read_key_line(const std::filesystem::path& path) {
  auto text = read_small_file(path, 4096);
  if (!text) return core::unexpected(text.error());
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    std::size_t start = 0;
    while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
    line.erase(0, start);
    if (line.empty() || line[0] == '#') continue;
    if (!valid_z85_key(line)) return core::unexpected(path.string() + " does not hold a 40-character Z85 CURVE key");
    return line;
  }
  return core::unexpected(path.string() + " holds no key");
}

}  // namespace

bool valid_z85_key(std::string_view text) {
  if (text.size() != kZ85KeyLength) return false;
  std::string copy(text);
  std::uint8_t raw[32];
  return zmq_z85_decode(raw, copy.c_str()) != nullptr;
}

core::Result<CurveKeyPair, std::string> generate_key_pair() {
  char pub[kZ85KeyLength + 1];
  char sec[kZ85KeyLength + 1];
  if (zmq_curve_keypair(pub, sec) != 0) {
    return core::unexpected(std::string("zmq_curve_keypair failed (libzmq built without CURVE?): ") +
                            zmq_strerror(zmq_errno()));
  }
  return CurveKeyPair{pub, sec};
}

core::Result<void, std::string> write_key_pair(const std::filesystem::path& name, const CurveKeyPair& pair) {
  std::filesystem::path secret = name;
  secret += ".key";
  std::filesystem::path pub = name;
  pub += ".pub";
  if (std::filesystem::exists(secret)) return core::unexpected(secret.string() + " exists; not overwriting a key");
  if (std::filesystem::exists(pub)) return core::unexpected(pub.string() + " exists; not overwriting a key");
  if (auto r = write_new_file(secret, pair.secret_z85 + "\n", 0600); !r) return r;
  if (auto r = write_new_file(pub, pair.public_z85 + "\n", 0644); !r) {
    ::unlink(secret.c_str());
    return r;
  }
  return {};
}

core::Result<std::string, std::string> read_public_key(const std::filesystem::path& path) { return read_key_line(path); }

core::Result<CurveKeyPair, std::string> read_secret_key(const std::filesystem::path& path, std::string* warning) {
  auto secret = read_key_line(path);
  if (!secret) return core::unexpected(secret.error());
  char pub[kZ85KeyLength + 1];
  if (zmq_curve_public(pub, secret->c_str()) != 0) {
    return core::unexpected(path.string() + ": cannot derive the public key: " + zmq_strerror(zmq_errno()));
  }
  struct stat st {};
  if (warning != nullptr && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    *warning = path.string() + " is readable by other users (chmod 600 it)";
  }
  return CurveKeyPair{pub, *secret};
}

}  // namespace normwatch::publish
