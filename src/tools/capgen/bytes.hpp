// Byte buffers for the capture generator: a growable buffer, a read-only view, and ByteWriter,
// which appends big- and little-endian fields so encoders read like the wire format they build.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace normwatch::tools::capgen {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

class ByteWriter {
 public:
  explicit ByteWriter(Bytes& out) : out_(out) {}

  ByteWriter& u8(unsigned v) {
    out_.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  ByteWriter& u16be(unsigned v) { return u8(v >> 8).u8(v); }
  ByteWriter& u16le(unsigned v) { return u8(v).u8(v >> 8); }
  ByteWriter& u24le(std::uint32_t v) { return u8(v).u8(v >> 8).u8(v >> 16); }
  ByteWriter& u32be(std::uint32_t v) { return u16be(v >> 16).u16be(v & 0xFFFF); }
  ByteWriter& u32le(std::uint32_t v) { return u16le(v & 0xFFFF).u16le(v >> 16); }
  ByteWriter& bytes(ByteView v) {
    out_.insert(out_.end(), v.begin(), v.end());
    return *this;
  }
  ByteWriter& text(std::string_view s) {
    for (char c : s) out_.push_back(static_cast<std::uint8_t>(c));
    return *this;
  }
  ByteWriter& fill(std::size_t n, std::uint8_t value) {
    out_.insert(out_.end(), n, value);
    return *this;
  }
  std::size_t size() const { return out_.size(); }

 private:
  Bytes& out_;
};

// Overwrites a big-endian u16 already reserved in `b` (lengths and checksums known only later).
inline void patch_u16be(Bytes& b, std::size_t at, unsigned v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

inline Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace normwatch::tools::capgen
