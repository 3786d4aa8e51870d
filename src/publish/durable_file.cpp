// Crash-safe file replacement, directory fsync and the spool directory lock (POSIX).
#include "normwatch/publish/durable_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace normwatch::publish {

std::string errno_text(int err) { return std::strerror(err); }

namespace {

core::Result<void, std::string> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::unexpected(errno_text(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace

core::Result<void, std::string> fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return core::unexpected("cannot open directory " + dir.string() + ": " + errno_text(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return core::unexpected("fsync of directory " + dir.string() + " failed: " + errno_text(err));
  return {};
}

core::Result<void, std::string> replace_file(const std::filesystem::path& path, std::string_view content,
                                             bool durable) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return core::unexpected("cannot write " + tmp.string() + ": " + errno_text(errno));
  auto written = write_all(fd, content);
  if (written && durable && ::fsync(fd) != 0) written = core::unexpected(errno_text(errno));
  ::close(fd);
  if (!written) return core::unexpected("cannot write " + tmp.string() + ": " + written.error());
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return core::unexpected("cannot rename " + tmp.string() + " to " + path.string() + ": " + errno_text(errno));
  }
  if (durable) return fsync_directory(path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
  return {};
}

core::Result<std::string, std::string> read_small_file(const std::filesystem::path& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return core::unexpected("cannot read " + path.string() + ": " + errno_text(errno));
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return core::unexpected("cannot read " + path.string() + ": " + errno_text(err));
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) {
      ::close(fd);
      return core::unexpected(path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  ::close(fd);
  return out;
}

core::Result<DirectoryLock, std::string> DirectoryLock::acquire(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return core::unexpected("cannot open " + path.string() + ": " + errno_text(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return core::unexpected("spool directory " + dir.string() + " is in use by another process");
    return core::unexpected("cannot lock " + path.string() + ": " + errno_text(err));
  }
  return DirectoryLock(fd);
}

DirectoryLock::DirectoryLock(DirectoryLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

DirectoryLock& DirectoryLock::operator=(DirectoryLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace normwatch::publish
