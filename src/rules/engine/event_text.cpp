// Event construction and the short texts events carry (see event_text.hpp).
#include "event_text.hpp"

#include <cstdarg>
#include <cstdio>

#include "vocabulary.hpp"

namespace normwatch::rules::engine::detail {

namespace {

// printf-style append (fmt stays out of the engine's dependencies).
[[gnu::format(printf, 2, 3)]] void appendf(std::string& out, const char* format, ...) {
  char buf[160];
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  if (n > 0) out.append(buf, static_cast<std::size_t>(n) < sizeof buf ? static_cast<std::size_t>(n) : sizeof buf - 1);
}

}  // namespace

events::Event make_event(EventParts p) {
  events::Event e;
  e.ts = p.ts;
  e.kind = p.rule->kind;
  e.severity = p.severity;
  e.rule = events::RuleRef{p.rule->id, p.rule->version, p.rule->name, p.rule->severity, p.rule->attack, p.rule->norms};
  if (p.where != nullptr && p.where->src_ip.family != core::IpFamily::none) {
    e.source = events::Endpoint{p.where->src_ip, p.where->src_port};
    e.destination = events::Endpoint{p.where->dst_ip, p.where->dst_port};
    e.transport = p.where->udp ? "udp" : "tcp";
    e.vlan = p.where->vlan;
  }
  e.protocol = std::string(p.protocol);
  e.source_zone = std::string(p.source_zone);
  e.destination_zone = std::string(p.destination_zone);
  e.pdu_json = std::move(p.pdu_json);
  e.evidence_frames = std::move(p.frames);
  e.explanations = p.rule->explanations;
  for (auto& x : p.extra_explanations) e.explanations.push_back(std::move(x));
  e.message = std::move(p.message);
  return e;
}

std::string describe_facts(const PduFacts& f) {
  std::string out(protocols::name(f.protocol));
  switch (f.protocol) {
    case protocols::ProtocolId::modbus:
      appendf(out, " fc %d", static_cast<int>(f.function));
      if (f.sub >= 0) appendf(out, " sub 0x%02X", static_cast<unsigned>(f.sub));
      if (f.exception >= 0) appendf(out, " exception %d", static_cast<int>(f.exception));
      appendf(out, " unit %lld", static_cast<long long>(f.unit));
      break;
    case protocols::ProtocolId::dnp3:
      if (f.function >= 0) {
        appendf(out, " fc 0x%02X", static_cast<unsigned>(f.function));
      } else {
        out += " link frame";
      }
      appendf(out, " dst %lld", static_cast<long long>(f.unit));
      if (f.group >= 0) appendf(out, " g%dv%d", static_cast<int>(f.group), static_cast<int>(f.variation));
      if (f.has_iin) appendf(out, " iin 0x%04X", static_cast<unsigned>(f.iin));
      break;
    case protocols::ProtocolId::iec104:
      if (f.function >= 0) {
        appendf(out, " type %d cot %d ca %lld", static_cast<int>(f.function), static_cast<int>(f.cot),
                static_cast<long long>(f.unit));
      } else if (f.sub >= 0) {
        appendf(out, " U 0x%02X", static_cast<unsigned>(f.sub));
      } else {
        out += " S frame";
      }
      break;
    case protocols::ProtocolId::unknown:
      break;
  }
  if (f.address >= 0 && f.protocol != protocols::ProtocolId::dnp3) {
    appendf(out, " %s %lld", f.protocol == protocols::ProtocolId::iec104 ? "ioa" : "addr", static_cast<long long>(f.address));
  } else if (f.address >= 0) {
    appendf(out, " index %lld", static_cast<long long>(f.address));
  }
  if (f.count > 1) appendf(out, " count %u", static_cast<unsigned>(f.count));
  if (f.qualifier >= 0) appendf(out, " qualifier 0x%02X", static_cast<unsigned>(f.qualifier));
  if (f.broadcast) out += " broadcast";
  if (f.malformed) out += " malformed";
  return out;
}

std::string endpoint_text(const core::IpAddress& ip, std::uint16_t port) { return core::format_endpoint(ip, port); }

std::string threshold_text(const Threshold& t, std::uint32_t count, std::string_view key) {
  const double seconds = static_cast<double>(t.window_ns) / 1e9;
  std::string out;
  appendf(out, "%u", static_cast<unsigned>(count));
  if (t.distinct != DistinctField::none) {
    appendf(out, " distinct %.*s values", static_cast<int>(name(t.distinct).size()), name(t.distinct).data());
  }
  appendf(out, " in %gs per %.*s ", seconds, static_cast<int>(name(t.by).size()), name(t.by).data());
  out += key;
  return out;
}

}  // namespace normwatch::rules::engine::detail
