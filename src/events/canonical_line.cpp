// The canonical event line written directly (event.hpp, to_json_line): the bytes nlohmann-json's
// dump of the event object gives (keys sorted byte-wise, no whitespace, ensure_ascii off, invalid
// UTF-8 replaced), without building the object first. Building and destroying that tree of maps
// was half of the delivery worker's CPU (perf, tests/bench/delivery-bench.sh). Strings that need
// escaping and the free-form pdu/body objects still go through nlohmann, so the bytes cannot
// drift; tests/unit/events/canonical_line_test.cpp compares the two encodings.
#include "canonical_line.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <string_view>

namespace normwatch::events::detail {

namespace {

constexpr auto kReplace = nlohmann::json::error_handler_t::replace;

nlohmann::json parse_object(const std::string& text) {
  if (text.empty()) return nlohmann::json::object();
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json{{"unparsable", text}} : parsed;
}

class LineWriter {
 public:
  explicit LineWriter(std::string& out) : out_(out) {}

  void string(std::string_view s) {
    for (const char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u > 0x7E || c == '"' || c == '\\') {
        // Escapes and anything beyond printable ASCII: exactly as the library writes them.
        out_ += nlohmann::json(s).dump(-1, ' ', false, kReplace);
        return;
      }
    }
    out_ += '"';
    out_ += s;
    out_ += '"';
  }
  template <class Int>
  void number(Int v) {
    std::array<char, 24> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out_.append(buf.data(), r.ptr);
  }
  void json(const nlohmann::json& j) { out_ += j.dump(-1, ' ', false, kReplace); }
  void strings(const std::vector<std::string>& list) {
    out_ += '[';
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i > 0) out_ += ',';
      string(list[i]);
    }
    out_ += ']';
  }
  void separator(bool& first) {
    if (!first) out_ += ',';
    first = false;
  }
  // Opens member `key` of the current object (keys are plain ASCII names, written as they are).
  void key(std::string_view k, bool& first) {
    separator(first);
    out_ += '"';
    out_ += k;
    out_ += "\":";
  }
  void raw(std::string_view s) { out_ += s; }

 private:
  std::string& out_;
};

void write_endpoint(LineWriter& w, const Endpoint& e) {
  bool first = true;
  w.raw("{");
  w.key("ip", first);
  w.string(e.ip.to_string());
  w.key("port", first);
  w.number(e.port);
  w.raw("}");
}

// One top-level member: its key and how to write its value.
struct Member {
  std::string_view key;
  void (*write)(LineWriter&, const Event&) = nullptr;
  bool (*present)(const Event&) = nullptr;
  // Set after the body was merged in the old encoder, so ours replaces a body member of that name.
  bool wins_over_body = false;
};

bool has_network(const Event& e) { return !e.transport.empty() || !e.protocol.empty(); }

void write_network(LineWriter& w, const Event& e) {
  bool first = true;
  w.raw("{");
  if (e.source && e.destination && (e.transport == "tcp" || e.transport == "udp")) {
    w.key("community_id", first);
    w.string(community_id(e.source->ip, e.source->port, e.destination->ip, e.destination->port,
                          e.transport == "tcp" ? 6 : 17));
  }
  if (!e.protocol.empty()) {
    w.key("protocol", first);
    w.string(e.protocol);
  }
  if (!e.transport.empty()) {
    w.key("transport", first);
    w.string(e.transport);
  }
  if (e.vlan != 0) {
    // ECS network.vlan.id, a string there.
    bool inner_first = true;
    w.key("vlan", first);
    w.raw("{");
    w.key("id", inner_first);
    w.string(std::to_string(e.vlan));
    w.raw("}");
  }
  w.raw("}");
}

void write_rule(LineWriter& w, const Event& e) {
  const RuleRef& r = *e.rule;
  bool first = true;
  w.raw("{");
  w.key("attack", first);
  w.strings(r.attack);
  w.key("id", first);
  w.string(r.id);
  w.key("name", first);
  w.string(r.name);
  w.key("norms", first);
  w.strings(r.norms);
  w.key("severity", first);
  w.string(name(r.severity));
  w.key("version", first);
  w.number(r.version);
  w.raw("}");
}

void write_evidence(LineWriter& w, const Event& e) {
  bool first = true;
  w.raw("{");
  if (!e.evidence_frames.empty()) {
    w.key("frames", first);
    w.raw("[");
    for (std::size_t i = 0; i < e.evidence_frames.size(); ++i) {
      if (i > 0) w.raw(",");
      w.number(e.evidence_frames[i]);
    }
    w.raw("]");
  }
  if (e.slice) {
    if (!e.slice->dropped.empty()) {
      w.key("slice_dropped", first);
      w.string(e.slice->dropped);
    } else {
      w.key("slice", first);
      bool inner = true;
      w.raw("{");
      w.key("first_frame", inner);
      w.number(e.slice->first_frame);
      w.key("frames", inner);
      w.number(e.slice->frames);
      w.key("last_frame", inner);
      w.number(e.slice->last_frame);
      w.key("name", inner);
      w.string(e.slice->name);
      w.key("sha256", inner);
      w.string(e.slice->sha256);
      w.raw("}");
    }
  }
  w.raw("}");
}

// In byte-wise key order, as the library's std::map keeps them.
constexpr std::array<Member, 18> kMembers = {{
    {"chain",
     [](LineWriter& w, const Event& e) {
       bool first = true;
       w.raw("{");
       w.key("prev", first);
       w.string(e.chain->prev);
       w.key("prev_seq", first);
       w.number(e.chain->prev_seq);
       w.raw("}");
     },
     [](const Event& e) { return e.chain.has_value(); }},
    {"destination", [](LineWriter& w, const Event& e) { write_endpoint(w, *e.destination); },
     [](const Event& e) { return e.destination.has_value(); }},
    {"epoch", [](LineWriter& w, const Event& e) { w.number(e.epoch); }, nullptr},
    {"evidence", write_evidence, [](const Event& e) { return !e.evidence_frames.empty() || e.slice.has_value(); },
     true},
    {"explanations", [](LineWriter& w, const Event& e) { w.strings(e.explanations); },
     [](const Event& e) { return !e.explanations.empty(); }, true},
    {"id", [](LineWriter& w, const Event& e) { w.string(e.id()); }, nullptr},
    {"kind", [](LineWriter& w, const Event& e) { w.string(name(e.kind)); }, nullptr},
    {"message", [](LineWriter& w, const Event& e) { w.string(e.message); },
     [](const Event& e) { return !e.message.empty(); }, true},
    {"network", write_network, has_network},
    {"pdu", [](LineWriter& w, const Event& e) { w.json(parse_object(e.pdu_json)); },
     [](const Event& e) { return !e.pdu_json.empty(); }},
    {"rule", write_rule, [](const Event& e) { return e.rule.has_value(); }},
    {"schema", [](LineWriter& w, const Event&) { w.raw("\"normwatch.event/1\""); }, nullptr},
    {"sensor", [](LineWriter& w, const Event& e) { w.string(e.sensor); }, nullptr},
    {"seq", [](LineWriter& w, const Event& e) { w.number(e.seq); }, nullptr},
    {"severity", [](LineWriter& w, const Event& e) { w.string(name(e.severity)); }, nullptr},
    {"source", [](LineWriter& w, const Event& e) { write_endpoint(w, *e.source); },
     [](const Event& e) { return e.source.has_value(); }},
    {"ts", [](LineWriter& w, const Event& e) { w.string(e.ts.to_rfc3339()); }, nullptr},
    {"zones",
     [](LineWriter& w, const Event& e) {
       bool first = true;
       w.raw("{");
       w.key("destination", first);
       w.string(e.destination_zone);
       w.key("source", first);
       w.string(e.source_zone);
       w.raw("}");
     },
     [](const Event& e) { return !e.source_zone.empty() || !e.destination_zone.empty(); }},
}};

constexpr bool members_sorted() {
  for (std::size_t i = 1; i < kMembers.size(); ++i) {
    if (!(kMembers[i - 1].key < kMembers[i].key)) return false;
  }
  return true;
}
static_assert(members_sorted(), "kMembers must be in byte-wise key order");

}  // namespace

std::string canonical_line(const Event& e) {
  std::string out;
  out.reserve(768);
  LineWriter w(out);
  // Extra kind-specific members (health ...) merge into the top level and replace ours of the same
  // name, as nlohmann's update() did (except the members it set after the merge: evidence,
  // explanations, message); both lists are sorted, so one merge pass keeps the order. A body
  // member "evidence" next to a slice is not supported (the old encoder threw on it).
  nlohmann::json body = nlohmann::json::object();
  if (!e.body_json.empty()) {
    nlohmann::json parsed = parse_object(e.body_json);
    if (parsed.is_object()) body = std::move(parsed);
  }
  auto extra = body.cbegin();
  const auto extra_end = body.cend();
  bool first = true;
  const auto write_extra = [&] {
    w.separator(first);
    w.string(extra.key());  // keys from the body may need escaping
    w.raw(":");
    w.json(extra.value());
    ++extra;
  };

  w.raw("{");
  for (const Member& m : kMembers) {
    while (extra != extra_end && std::string_view(extra.key()) < m.key) write_extra();
    const bool ours = m.present == nullptr || m.present(e);
    if (extra != extra_end && std::string_view(extra.key()) == m.key) {
      if (!(ours && m.wins_over_body)) {
        write_extra();  // the body's value replaces ours
        continue;
      }
      ++extra;
    }
    if (!ours) continue;
    w.key(m.key, first);
    m.write(w, e);
  }
  while (extra != extra_end) write_extra();
  w.raw("}");
  return out;
}

}  // namespace normwatch::events::detail
