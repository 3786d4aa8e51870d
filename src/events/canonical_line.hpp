// canonical_line(): the canonical event line (event.hpp, to_json_line) written field by field.
#pragma once

#include <string>

#include "normwatch/events/event.hpp"

namespace normwatch::events::detail {

std::string canonical_line(const Event& event);

}  // namespace normwatch::events::detail
