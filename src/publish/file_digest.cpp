// SHA-256 of files and directory trees via OpenSSL's EVP interface (already a dependency of the
// events module for Community ID).
#include "normwatch/publish/file_digest.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

namespace normwatch::publish {

namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

std::string to_hex(const unsigned char* digest, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2U);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void update(const void* data, std::size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &length);
    return to_hex(digest, length);
  }

 private:
  MdCtx ctx_;
};

std::optional<std::string> sha256_of_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  Sha256 sha;
  std::vector<char> buf(64 * 1024);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize n = in.gcount();
    if (n > 0) sha.update(buf.data(), static_cast<std::size_t>(n));
  }
  if (in.bad()) return std::nullopt;
  return sha.hex();
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  Sha256 sha;
  sha.update(data.data(), data.size());
  return sha.hex();
}

std::optional<std::string> sha256_of_path(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return sha256_of_file(path);
  if (!std::filesystem::is_directory(path, ec)) return std::nullopt;
  std::vector<std::string> files;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(std::filesystem::relative(it->path(), path, ec).generic_string());
  }
  if (ec) return std::nullopt;
  std::sort(files.begin(), files.end());
  Sha256 sha;
  for (const std::string& rel : files) {
    const auto file_hash = sha256_of_file(path / rel);
    if (!file_hash) return std::nullopt;
    const std::string line = rel + std::string(1, '\0') + *file_hash + "\n";
    sha.update(line.data(), line.size());
  }
  return sha.hex();
}

}  // namespace normwatch::publish
