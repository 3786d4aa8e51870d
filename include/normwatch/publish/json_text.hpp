// Tiny helpers to write the JSON bodies of health, loss and config_change events (the events
// module re-parses and canonicalises them in to_json_line, so only validity matters here).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace normwatch::publish {

// Appends `text` as a JSON string literal (quotes, escapes for '"', '\\' and control characters).
void append_json_string(std::string& out, std::string_view text);

// Appends "key":
inline void append_json_key(std::string& out, std::string_view key) {
  append_json_string(out, key);
  out.push_back(':');
}

}  // namespace normwatch::publish
