// Small POSIX helpers for files that must survive a crash: atomic replace (write a temporary,
// fsync it, rename it over the old one, fsync the directory), directory fsync, and an exclusive
// lock file so that two sensors never share one spool directory.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "normwatch/core/result.hpp"

namespace normwatch::publish {

// Replaces `path` with `content` so that after a crash either the old or the new content is
// there, never a torn mix. `durable` = fsync file and directory (false: rename only).
core::Result<void, std::string> replace_file(const std::filesystem::path& path, std::string_view content,
                                             bool durable = true);

core::Result<void, std::string> fsync_directory(const std::filesystem::path& dir);

// Whole file as text; an error names the path and errno text.
core::Result<std::string, std::string> read_small_file(const std::filesystem::path& path,
                                                       std::size_t max_bytes = 1 << 20);

// Holds flock(LOCK_EX) on DIR/lock for its lifetime.
class DirectoryLock {
 public:
  static core::Result<DirectoryLock, std::string> acquire(const std::filesystem::path& dir);
  DirectoryLock(DirectoryLock&& other) noexcept;
  DirectoryLock& operator=(DirectoryLock&& other) noexcept;
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;
  ~DirectoryLock();

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

std::string errno_text(int err);

}  // namespace normwatch::publish
