// One-line user messages shared by the file and live sources (libpcap names, link-type text).
// Private to src/capture.
#pragma once

#include <string>

namespace normwatch::capture::detail {

// "link type 105 (IEEE802_11) is not supported (normwatch reads ...)"
std::string unsupported_link_type_message(int dlt);

// True when libpcap's text says the input ended early (a record cut short).
bool is_truncation_reason(const std::string& reason);

}  // namespace normwatch::capture::detail
