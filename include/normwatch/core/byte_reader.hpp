// ByteReader: bounds-checked reads over packet bytes. Every parser reads through it, so no parser
// indexes raw memory or casts a struct over a packet (unaligned access is undefined behaviour).
// A read past the end returns std::nullopt / false and leaves the position unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace normwatch::core {

using Bytes = std::span<const std::byte>;

class ByteReader {
 public:
  explicit ByteReader(Bytes bytes) : bytes_(bytes) {}

  std::size_t size() const { return bytes_.size(); }
  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  bool empty() const { return pos_ == bytes_.size(); }
  bool has(std::size_t n) const { return remaining() >= n; }

  std::optional<std::uint8_t> u8() { return read<1, false, std::uint8_t>(); }
  std::optional<std::uint16_t> u16be() { return read<2, true, std::uint16_t>(); }
  std::optional<std::uint16_t> u16le() { return read<2, false, std::uint16_t>(); }
  std::optional<std::uint32_t> u24be() { return read<3, true, std::uint32_t>(); }
  std::optional<std::uint32_t> u24le() { return read<3, false, std::uint32_t>(); }
  std::optional<std::uint32_t> u32be() { return read<4, true, std::uint32_t>(); }
  std::optional<std::uint32_t> u32le() { return read<4, false, std::uint32_t>(); }
  std::optional<std::uint64_t> u48le() { return read<6, false, std::uint64_t>(); }
  std::optional<std::uint64_t> u64be() { return read<8, true, std::uint64_t>(); }
  std::optional<std::uint64_t> u64le() { return read<8, false, std::uint64_t>(); }

  // Unsigned little/big-endian integer of `width` bytes (1..8), for fields whose width is
  // configured (IEC 104 COT/CA/IOA) or coded (DNP3 prefixes and ranges).
  std::optional<std::uint64_t> uint_le(std::size_t width);
  std::optional<std::uint64_t> uint_be(std::size_t width);

  // The next n bytes as a view (lives as long as the underlying buffer).
  std::optional<Bytes> take(std::size_t n) {
    if (!has(n)) return std::nullopt;
    Bytes out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  bool skip(std::size_t n) {
    if (!has(n)) return false;
    pos_ += n;
    return true;
  }
  std::optional<std::uint8_t> peek_u8(std::size_t ahead = 0) const {
    if (remaining() <= ahead) return std::nullopt;
    return static_cast<std::uint8_t>(bytes_[pos_ + ahead]);
  }
  Bytes rest() const { return bytes_.subspan(pos_); }
  Bytes consumed() const { return bytes_.first(pos_); }

 private:
  template <std::size_t N, bool BigEndian, class T>
  std::optional<T> read() {
    if (!has(N)) return std::nullopt;
    T value = 0;
    for (std::size_t i = 0; i < N; ++i) {
      const auto byte = static_cast<T>(static_cast<std::uint8_t>(bytes_[pos_ + i]));
      if constexpr (BigEndian) {
        value = static_cast<T>((value << 8) | byte);
      } else {
        value = static_cast<T>(value | static_cast<T>(byte << (8 * i)));
      }
    }
    pos_ += N;
    return value;
  }

  Bytes bytes_;
  std::size_t pos_ = 0;
};

// Views over common byte containers without reinterpret_cast at call sites.
inline Bytes as_bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}

// Big-endian field load from a span the caller has already bounds-checked (decoders' fast path).
inline std::uint16_t load_u16be(Bytes b, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<unsigned>(b[at]) << 8) | static_cast<unsigned>(b[at + 1]));
}
inline std::uint32_t load_u32be(Bytes b, std::size_t at) {
  return (static_cast<std::uint32_t>(b[at]) << 24) | (static_cast<std::uint32_t>(b[at + 1]) << 16) |
         (static_cast<std::uint32_t>(b[at + 2]) << 8) | static_cast<std::uint32_t>(b[at + 3]);
}

}  // namespace normwatch::core
