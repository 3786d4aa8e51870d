// Fuzz target: parse_event_header, the collector's first look at every line a sensor sends
// (events/json_scan.cpp, a hand-written strict JSON scanner). Besides not crashing, a line the
// scanner accepts must be valid JSON to nlohmann::json too, and must read back the same header.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "normwatch/events/event_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto header = normwatch::events::parse_event_header(line);
  if (!header) return 0;
  const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) std::abort();  // the scanner accepted invalid JSON
  if (j["sensor"] != header->sensor || j["seq"] != header->seq || j["epoch"] != header->epoch) std::abort();
  return 0;
}
