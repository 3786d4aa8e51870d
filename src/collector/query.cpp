// `normwatch-collector query`: filtered events from the store, as stored lines or a table.
#include "normwatch/collector/query.hpp"

#include <charconv>
#include <vector>

#include "normwatch/core/timestamp.hpp"
#include "normwatch/events/event.hpp"

namespace normwatch::collector {

core::Result<std::string, std::string> normalise_time(const std::string& text) {
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && end == text.data() + text.size()) {
    return core::Timestamp::from_seconds(seconds).to_rfc3339();
  }
  // RFC 3339 in UTC, or a prefix of it: compared as text, which orders like time.
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < 4) return core::unexpected("bad time '" + text + "' (RFC 3339 UTC or Unix seconds)");
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool ok = i < kShape.size() ? (kShape[i] == 'd' ? (c >= '0' && c <= '9') : c == kShape[i])
                                      : ((c >= '0' && c <= '9') || c == '.' || c == 'Z');
    if (!ok) return core::unexpected("bad time '" + text + "' (RFC 3339 UTC like 2024-01-31T12:00:00Z, or Unix seconds)");
  }
  // A whole time is brought to the stored form (six fraction digits): compared as text,
  // "...:09Z" or "...:09.2Z" would sort after a stored "...:09.203800Z".
  if (text.size() > kShape.size() && text.back() == 'Z') {
    std::string fraction = text.substr(kShape.size(), text.size() - kShape.size() - 1);
    if (!fraction.empty() && fraction.front() == '.') fraction.erase(0, 1);
    if (fraction.find('.') != std::string::npos || fraction.size() > 9) {
      return core::unexpected("bad time '" + text + "' (RFC 3339 UTC like 2024-01-31T12:00:00Z, or Unix seconds)");
    }
    fraction.resize(6, '0');  // sub-microsecond digits are below the store's resolution
    return text.substr(0, kShape.size()) + "." + fraction + "Z";
  }
  return text;
}

namespace {

struct Sql {
  std::string where;
  std::vector<std::string> params;
  void add(const std::string& clause, std::initializer_list<std::string> values) {
    where += where.empty() ? " WHERE " : " AND ";
    where += clause;
    for (const std::string& v : values) params.push_back(v);
  }
  std::string next() const { return "?" + std::to_string(params.size() + 1); }
};

core::Result<Sql, std::string> build_where(const QueryFilter& f) {
  Sql sql;
  if (!f.sensor.empty()) sql.add("sensor = " + sql.next(), {f.sensor});
  if (!f.rule.empty()) sql.add("rule_id = " + sql.next(), {f.rule});
  if (!f.kind.empty()) {
    if (!events::parse_event_kind(f.kind)) return core::unexpected("unknown kind '" + f.kind + "'");
    sql.add("kind = " + sql.next(), {f.kind});
  }
  if (!f.severity.empty()) {
    const bool and_above = f.severity.back() == '+';
    const std::string name = and_above ? f.severity.substr(0, f.severity.size() - 1) : f.severity;
    const auto severity = events::parse_severity(name);
    if (!severity || name.size() == 1) {
      return core::unexpected("unknown severity '" + f.severity + "' (info, low, medium, high, critical; add + for and above)");
    }
    if (!and_above) {
      sql.add("severity = " + sql.next(), {name});
    } else {
      std::string clause = "severity IN (";
      std::vector<std::string> names;
      for (int s = static_cast<int>(*severity); s <= static_cast<int>(events::Severity::critical); ++s) {
        if (!names.empty()) clause += ", ";
        clause += "?" + std::to_string(sql.params.size() + names.size() + 1);
        names.emplace_back(events::name(static_cast<events::Severity>(s)));
      }
      clause += ")";
      sql.where += sql.where.empty() ? " WHERE " : " AND ";
      sql.where += clause;
      for (auto& n : names) sql.params.push_back(n);
    }
  }
  if (!f.from.empty()) {
    auto t = normalise_time(f.from);
    if (!t) return core::unexpected(t.error());
    sql.add("ts >= " + sql.next(), {*t});
  }
  if (!f.to.empty()) {
    auto t = normalise_time(f.to);
    if (!t) return core::unexpected(t.error());
    sql.add("ts < " + sql.next(), {*t});
  }
  if (!f.zone.empty()) {
    const std::string a = sql.next();
    sql.params.push_back(f.zone);
    const std::string b = sql.next();
    sql.params.push_back(f.zone);
    sql.where += sql.where.empty() ? " WHERE " : " AND ";
    sql.where += "(source_zone = " + a + " OR destination_zone = " + b + ")";
  }
  return sql;
}

std::string clip(std::string_view text, std::size_t width) {
  if (text.size() <= width) return std::string(text);
  return std::string(text.substr(0, width - 1)) + "~";
}

}  // namespace

core::Result<std::uint64_t, std::string> print_events(EventStore& store, const QueryFilter& filter, bool json,
                                                      std::FILE* out) {
  auto sql = build_where(filter);
  if (!sql) return core::unexpected(sql.error());
  std::string text =
      "SELECT line, ts, sensor, epoch, seq, kind, severity, rule_id, source_zone, destination_zone, "
      "json_extract(line, '$.message') FROM events" +
      sql->where + " ORDER BY id";
  if (filter.limit > 0) text += " LIMIT " + std::to_string(filter.limit);
  auto stmt = store.database().prepare(text);
  if (!stmt) return core::unexpected(stmt.error());
  for (std::size_t i = 0; i < sql->params.size(); ++i) stmt->bind(static_cast<int>(i + 1), sql->params[i]);
  if (!json) {
    std::fprintf(out, "%-27s %-16s %-22s %-14s %-8s %-8s %-21s %s\n", "TS", "SENSOR", "EPOCH:SEQ", "KIND", "SEVERITY",
                 "RULE", "ZONES", "MESSAGE");
  }
  std::uint64_t n = 0;
  for (;;) {
    auto row = stmt->step();
    if (!row) return core::unexpected(row.error());
    if (!*row) break;
    ++n;
    if (json) {
      const std::string_view line = stmt->column_text(0);
      std::fwrite(line.data(), 1, line.size(), out);
      std::fputc('\n', out);
      continue;
    }
    const std::string id = std::to_string(stmt->column_int(3)) + ":" + std::to_string(stmt->column_int(4));
    std::string zones;
    if (!stmt->column_is_null(8) || !stmt->column_is_null(9)) {
      zones = std::string(stmt->column_text(8)) + ">" + std::string(stmt->column_text(9));
    }
    std::fprintf(out, "%-27s %-16s %-22s %-14s %-8s %-8s %-21s %s\n", std::string(stmt->column_text(1)).c_str(),
                 clip(stmt->column_text(2), 16).c_str(), clip(id, 22).c_str(),
                 std::string(stmt->column_text(5)).c_str(), std::string(stmt->column_text(6)).c_str(),
                 clip(stmt->column_text(7), 8).c_str(), clip(zones, 21).c_str(),
                 clip(stmt->column_text(10), 80).c_str());
  }
  return n;
}

}  // namespace normwatch::collector
