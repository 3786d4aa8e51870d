// Loss accounting and the loss event body (see loss.hpp).
#include "normwatch/publish/loss.hpp"

#include <algorithm>

#include "normwatch/publish/json_text.hpp"

namespace normwatch::publish {

namespace {
constexpr std::array<std::string_view, kLossReasonCount> kReasonNames = {
    "queue_full", "spool_full", "spool_write_error", "oversize", "sequence_error"};
}

std::string_view name(LossReason reason) { return kReasonNames[static_cast<std::size_t>(reason)]; }

std::uint64_t LossCount::total() const {
  std::uint64_t sum = 0;
  for (const std::uint64_t n : by_kind) sum += n;
  return sum;
}

bool LossCount::includes_findings() const {
  for (std::size_t k = 0; k < kEventKindCount; ++k) {
    if (by_kind[k] != 0 && !events::is_droppable(static_cast<events::EventKind>(k))) return true;
  }
  return false;
}

void LossCount::add(events::EventKind kind, core::Timestamp ts, std::uint64_t n) {
  if (n == 0) return;
  if (empty() || ts < first_ts) first_ts = ts;
  if (empty() || ts > last_ts) last_ts = ts;
  by_kind[static_cast<std::size_t>(kind)] += n;
}

void LossCount::merge(const LossCount& other) {
  if (other.empty()) return;
  if (empty()) {
    *this = other;
    return;
  }
  first_ts = std::min(first_ts, other.first_ts);
  last_ts = std::max(last_ts, other.last_ts);
  for (std::size_t k = 0; k < kEventKindCount; ++k) by_kind[k] += other.by_kind[k];
}

events::Event make_loss_event(LossReason reason, const LossCount& count, std::uint64_t total_dropped) {
  events::Event e;
  e.kind = events::EventKind::loss;
  e.severity = count.includes_findings() ? events::Severity::high : events::Severity::low;
  e.ts = count.last_ts;
  std::string body = "{\"loss\":{";
  append_json_key(body, "reason");
  append_json_string(body, name(reason));
  body += ",\"dropped\":" + std::to_string(count.total());
  body += ",\"by_kind\":{";
  bool first = true;
  std::string summary;
  for (std::size_t k = 0; k < kEventKindCount; ++k) {
    if (count.by_kind[k] == 0) continue;
    const std::string_view kind_name = events::name(static_cast<events::EventKind>(k));
    if (!first) {
      body.push_back(',');
      summary += ", ";
    }
    first = false;
    append_json_key(body, kind_name);
    body += std::to_string(count.by_kind[k]);
    summary += std::to_string(count.by_kind[k]) + " " + std::string(kind_name);
  }
  body += "},\"total_dropped\":" + std::to_string(total_dropped);
  body += ",\"first_ts\":";
  append_json_string(body, count.first_ts.to_rfc3339());
  body += ",\"last_ts\":";
  append_json_string(body, count.last_ts.to_rfc3339());
  body += "}}";
  e.body_json = std::move(body);
  e.message = "dropped " + std::to_string(count.total()) + " events (" + summary + "): " + std::string(name(reason));
  return e;
}

}  // namespace normwatch::publish
