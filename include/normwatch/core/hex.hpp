// Hex text <-> bytes, for readable test vectors ("00 01 00 00 00 06 01 03") and for printing
// payload excerpts in events.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/core/byte_reader.hpp"

namespace normwatch::core {

// Accepts pairs of hex digits separated by optional spaces, colons or newlines.
std::optional<std::vector<std::byte>> parse_hex(std::string_view text);
std::string to_hex(Bytes bytes);

}  // namespace normwatch::core
