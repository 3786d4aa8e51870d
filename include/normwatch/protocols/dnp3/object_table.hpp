// Per-code facts as constexpr tables (one lookup each): how an object of a (group, variation) is
// laid out (IEEE 1815-2012 annex A), what each application function code carries (clause 4.2.2.5)
// and which link function codes exist (clause 9.2.4.1.3).
#pragma once

#include <cstdint>
#include <string_view>

namespace normwatch::protocols::dnp3 {

enum class ObjectLayout : std::uint8_t {
  unknown,        // not a group/variation we know: its size cannot be computed
  none,           // no object data (variation 0 "any", class objects g60)
  fixed,          // `size` bytes per object
  packed,         // `size` bits per object, packed LSB first: ceil(n * bits / 8) bytes
  octet_string,   // g110-g113: the variation is the length in bytes
  attribute,      // g0 device attribute: data type, length, value (length + 256 for type 0xFF)
  size_prefixed,  // variable-size objects that need a size prefix (qualifier 0x5B and kin)
};

struct ObjectSpec {
  ObjectLayout layout = ObjectLayout::unknown;
  std::uint8_t size = 0;  // fixed: bytes; packed: bits
};

ObjectSpec object_spec(std::uint8_t group, std::uint8_t variation);

struct FunctionInfo {
  std::string_view name;           // "" for reserved codes
  bool is_response = false;        // 129, 130, 131: carry IIN
  bool carries_data = false;       // object headers are followed by object data
  bool expects_response = false;   // a request the outstation answers (pairing)
  bool known() const { return !name.empty(); }
};

const FunctionInfo& function_info(std::uint8_t function_code);

struct LinkFunctionInfo {
  std::string_view name;            // "" for reserved codes
  bool carries_user_data = false;   // primary 3 (confirmed) and 4 (unconfirmed user data)
  bool known() const { return !name.empty(); }
};

const LinkFunctionInfo& link_function_info(bool primary, std::uint8_t function_code);

}  // namespace normwatch::protocols::dnp3
