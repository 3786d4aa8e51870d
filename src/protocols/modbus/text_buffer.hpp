// Private to the Modbus folder: builds short texts (malformed reasons, anomaly details) in a
// fixed buffer, so that reporting a PDU never allocates. Text past the end is cut off.
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <span>
#include <string_view>

namespace normwatch::protocols::modbus::detail {

class TextBuffer {
 public:
  explicit TextBuffer(std::span<char> buffer) : buffer_(buffer) {}
  TextBuffer& put(char c) {
    if (used_ < buffer_.size()) buffer_[used_++] = c;
    return *this;
  }
  TextBuffer& put(std::string_view s) {
    for (const char c : s) put(c);
    return *this;
  }
  TextBuffer& number(std::uint64_t v, int base = 10, int min_digits = 1) {
    std::array<char, 24> tmp{};
    const auto result = std::to_chars(tmp.data(), tmp.data() + tmp.size(), v, base);
    const auto digits = static_cast<int>(result.ptr - tmp.data());
    for (int i = digits; i < min_digits; ++i) put('0');
    for (const char* p = tmp.data(); p != result.ptr; ++p) {
      put(*p >= 'a' && *p <= 'f' ? static_cast<char>(*p - 'a' + 'A') : *p);
    }
    return *this;
  }
  // 0x0A (digits 2) or 0x01F4 (digits 4)
  TextBuffer& hex(std::uint32_t v, int digits) {
    put("0x");
    return number(v, 16, digits);
  }
  std::string_view view() const { return {buffer_.data(), used_}; }

 private:
  std::span<char> buffer_;
  std::size_t used_ = 0;
};

}  // namespace normwatch::protocols::modbus::detail
