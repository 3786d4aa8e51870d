// Variable-width integer reads for ByteReader (fixed widths are inline in the header).
#include "normwatch/core/byte_reader.hpp"

namespace normwatch::core {

std::optional<std::uint64_t> ByteReader::uint_le(std::size_t width) {
  if (width == 0 || width > 8 || !has(width)) return std::nullopt;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    value |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(bytes_[pos_ + i])) << (8 * i);
  }
  pos_ += width;
  return value;
}

std::optional<std::uint64_t> ByteReader::uint_be(std::size_t width) {
  if (width == 0 || width > 8 || !has(width)) return std::nullopt;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    value = (value << 8) | static_cast<std::uint8_t>(bytes_[pos_ + i]);
  }
  pos_ += width;
  return value;
}

}  // namespace normwatch::core
