// Hex text <-> bytes.
#include "normwatch/core/hex.hpp"

namespace normwatch::core {

namespace {
int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::vector<std::byte>> parse_hex(std::string_view text) {
  std::vector<std::byte> out;
  int high = -1;
  for (char c : text) {
    if (c == ' ' || c == ':' || c == '\n' || c == '\t' || c == '\r') {
      if (high >= 0) return std::nullopt;  // a lone digit before a separator
      continue;
    }
    const int n = nibble(c);
    if (n < 0) return std::nullopt;
    if (high < 0) {
      high = n;
    } else {
      out.push_back(static_cast<std::byte>((high << 4) | n));
      high = -1;
    }
  }
  if (high >= 0) return std::nullopt;
  return out;
}

std::string to_hex(Bytes bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::byte b : bytes) {
    const auto v = static_cast<unsigned>(b);
    out.push_back(kDigits[v >> 4]);
    out.push_back(kDigits[v & 0xF]);
  }
  return out;
}

}  // namespace normwatch::core
