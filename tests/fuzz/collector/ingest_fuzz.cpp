// Fuzz target: the collector's store ingesting a batch of untrusted lines (one per '\n'), as an
// authenticated but hostile sensor could send them: validation, quarantine, de-duplication and
// gap bookkeeping must hold up, and every line is accounted for exactly once.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "normwatch/collector/event_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto store = normwatch::collector::EventStore::open(":memory:").value();
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> lines;
  while (!payload.empty() && lines.size() < 256) {
    const auto nl = payload.find('\n');
    lines.push_back(payload.substr(0, nl));
    payload = nl == std::string_view::npos ? std::string_view() : payload.substr(nl + 1);
  }
  std::vector<normwatch::collector::LineResult> results;
  if (!store->ingest_batch(lines, "fuzz", 1, results)) std::abort();
  if (results.size() != lines.size()) std::abort();
  if (!store->commit()) std::abort();
  return 0;
}
