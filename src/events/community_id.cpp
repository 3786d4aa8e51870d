// Community ID v1 (corelight/community-id-spec): base64(SHA-1(seed, ordered addresses, proto, pad,
// ordered ports)), so events join Zeek and Suricata records of the same flow.
#include <openssl/evp.h>

#include <array>
#include <vector>

#include "normwatch/events/event.hpp"

namespace normwatch::events {

std::string community_id(const core::IpAddress& src, std::uint16_t sport, const core::IpAddress& dst,
                         std::uint16_t dport, std::uint8_t ip_proto, std::uint16_t seed) {
  // Order the endpoints so both directions give the same id (address first, then port).
  const std::size_t n = src.size();
  bool swap = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (src.bytes[i] != dst.bytes[i]) {
      swap = src.bytes[i] > dst.bytes[i];
      break;
    }
    if (i == n - 1) swap = sport > dport;
  }
  const auto& a = swap ? dst : src;
  const auto& b = swap ? src : dst;
  const std::uint16_t pa = swap ? dport : sport;
  const std::uint16_t pb = swap ? sport : dport;

  std::vector<unsigned char> buf;
  buf.push_back(static_cast<unsigned char>(seed >> 8));
  buf.push_back(static_cast<unsigned char>(seed));
  buf.insert(buf.end(), a.bytes.begin(), a.bytes.begin() + static_cast<std::ptrdiff_t>(n));
  buf.insert(buf.end(), b.bytes.begin(), b.bytes.begin() + static_cast<std::ptrdiff_t>(n));
  buf.push_back(ip_proto);
  buf.push_back(0);
  buf.push_back(static_cast<unsigned char>(pa >> 8));
  buf.push_back(static_cast<unsigned char>(pa));
  buf.push_back(static_cast<unsigned char>(pb >> 8));
  buf.push_back(static_cast<unsigned char>(pb));

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_len = 0;
  EVP_Digest(buf.data(), buf.size(), digest.data(), &digest_len, EVP_sha1(), nullptr);
  std::array<unsigned char, 64> b64{};
  const int len = EVP_EncodeBlock(b64.data(), digest.data(), static_cast<int>(digest_len));
  return "1:" + std::string(reinterpret_cast<const char*>(b64.data()), static_cast<std::size_t>(len));
}

}  // namespace normwatch::events
