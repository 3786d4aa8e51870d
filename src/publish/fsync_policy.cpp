// Parsing and printing of the spool's fsync policy (see fsync_policy.hpp for the semantics).
#include "normwatch/publish/fsync_policy.hpp"

#include <charconv>

namespace normwatch::publish {

namespace {

bool parse_positive(std::string_view text, std::uint32_t& out) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0) return false;
  out = value;
  return true;
}

}  // namespace

core::Result<FsyncPolicy, std::string> parse_fsync_policy(std::string_view text) {
  FsyncPolicy p;
  const std::string bad = "bad fsync policy '" + std::string(text) + "' (always | batch[:N:MS] | interval:MS)";
  if (text == "always") {
    p.mode = FsyncPolicy::Mode::always;
    return p;
  }
  if (text == "batch") return p;
  if (text.starts_with("batch:")) {
    const std::string_view rest = text.substr(6);
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos || !parse_positive(rest.substr(0, colon), p.batch_events) ||
        !parse_positive(rest.substr(colon + 1), p.interval_ms)) {
      return core::unexpected(bad);
    }
    return p;
  }
  if (text.starts_with("interval:")) {
    p.mode = FsyncPolicy::Mode::interval;
    if (!parse_positive(text.substr(9), p.interval_ms)) return core::unexpected(bad);
    return p;
  }
  return core::unexpected(bad);
}

std::string to_string(const FsyncPolicy& policy) {
  switch (policy.mode) {
    case FsyncPolicy::Mode::always:
      return "always";
    case FsyncPolicy::Mode::batch:
      return "batch:" + std::to_string(policy.batch_events) + ":" + std::to_string(policy.interval_ms);
    case FsyncPolicy::Mode::interval:
      return "interval:" + std::to_string(policy.interval_ms);
  }
  return "batch";
}

}  // namespace normwatch::publish
