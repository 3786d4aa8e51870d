// Strict JSON scanner for event lines (see json_scan.hpp). Grammar from RFC 8259 §2-§7; UTF-8
// well-formedness per RFC 3629 §4 (no overlongs, no surrogates, nothing above U+10FFFF).
#include "json_scan.hpp"

namespace normwatch::events::detail {

namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  void skip_ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool at_end() const { return p_ == end_; }
  bool starts_number() const { return p_ < end_ && (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')); }
  bool peek(char c) const { return p_ < end_ && *p_ == c; }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++p_;
    return true;
  }

  // A string; decoded into *out when out != nullptr. Runs of plain ASCII are copied at once.
  bool string(std::string* out) {
    if (!eat('"')) return false;
    if (out != nullptr) out->clear();
    const char* run = p_;
    auto flush = [&] {
      if (out != nullptr && p_ > run) out->append(run, static_cast<std::size_t>(p_ - run));
    };
    while (p_ < end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        ++p_;
        continue;
      }
      flush();
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (!escape(out)) return false;
      } else {
        const char* start = p_;
        if (!utf8_sequence()) return false;
        if (out != nullptr) out->append(start, static_cast<std::size_t>(p_ - start));
      }
      run = p_;
    }
    return false;
  }

  // A number; *unsigned_value is set when it is a plain non-negative integer that fits 64 bits.
  bool number(std::optional<std::uint64_t>* unsigned_value) {
    const char* start = p_;
    bool negative = eat('-');
    if (p_ >= end_) return false;
    bool integer = true;
    std::uint64_t value = 0;
    bool overflow = false;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
        const auto digit = static_cast<std::uint64_t>(*p_ - '0');
        if (value > (UINT64_MAX - digit) / 10) overflow = true;
        value = value * 10 + digit;
        ++p_;
      }
    } else {
      return false;
    }
    if (eat('.')) {
      integer = false;
      if (!digits()) return false;
    }
    if (peek('e') || peek('E')) {
      ++p_;
      integer = false;
      if (peek('+') || peek('-')) ++p_;
      if (!digits()) return false;
    }
    if (unsigned_value != nullptr) {
      if (integer && !negative && !overflow) {
        *unsigned_value = value;
      } else {
        unsigned_value->reset();
      }
    }
    return p_ > start;
  }

  // Any value, validated and skipped.
  bool value(int depth) {
    if (depth > kMaxJsonDepth) return false;
    skip_ws();
    if (p_ >= end_) return false;
    switch (*p_) {
      case '"':
        return string(nullptr);
      case '{':
        return object(depth, [this](const std::string&, int d) { return value(d); });
      case '[': {
        ++p_;
        skip_ws();
        if (eat(']')) return true;
        for (;;) {
          if (!value(depth + 1)) return false;
          skip_ws();
          if (eat(']')) return true;
          if (!eat(',')) return false;
        }
      }
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number(nullptr);
    }
  }

  // An object; on_member(key, depth) parses each member's value (positioned before it).
  template <class OnMember>
  bool object(int depth, OnMember on_member) {
    if (depth > kMaxJsonDepth || !eat('{')) return false;
    skip_ws();
    if (eat('}')) return true;
    std::string key;
    for (;;) {
      skip_ws();
      if (!string(&key)) return false;
      skip_ws();
      if (!eat(':')) return false;
      skip_ws();
      if (!on_member(key, depth + 1)) return false;
      skip_ws();
      if (eat('}')) return true;
      if (!eat(',')) return false;
    }
  }

 private:
  bool digits() {
    const char* start = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ > start;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  bool hex4(std::uint32_t& out) {
    if (end_ - p_ < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      out <<= 4;
      if (c >= '0' && c <= '9') {
        out |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        out |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        out |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  static void put_utf8(std::string* out, std::uint32_t cp) {
    if (out == nullptr) return;
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool escape(std::string* out) {
    ++p_;  // the backslash
    if (p_ >= end_) return false;
    const char c = *p_++;
    char plain = 0;
    switch (c) {
      case '"': plain = '"'; break;
      case '\\': plain = '\\'; break;
      case '/': plain = '/'; break;
      case 'b': plain = '\b'; break;
      case 'f': plain = '\f'; break;
      case 'n': plain = '\n'; break;
      case 'r': plain = '\r'; break;
      case 't': plain = '\t'; break;
      case 'u': {
        std::uint32_t cp = 0;
        if (!hex4(cp)) return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // lone low surrogate
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          std::uint32_t low = 0;
          if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u') return false;
          p_ += 2;
          if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        put_utf8(out, cp);
        return true;
      }
      default:
        return false;
    }
    if (out != nullptr) out->push_back(plain);
    return true;
  }

  bool utf8_sequence() {
    const auto b0 = static_cast<unsigned char>(*p_);
    int length = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      length = 3;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;  // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      length = 4;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (end_ - p_ < length) return false;
    for (int i = 1; i < length; ++i) {
      const auto b = static_cast<unsigned char>(p_[i]);
      if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) return false;
    }
    p_ += length;
    return true;
  }

  const char* p_;
  const char* end_;
};

bool capture_string(Scanner& s, int depth, std::optional<std::string>& slot, bool& duplicate) {
  if (slot) {
    duplicate = true;
    return false;
  }
  if (!s.peek('"')) return s.value(depth);  // wrong type: left unset, the caller names it
  std::string value;
  if (!s.string(&value)) return false;
  slot = std::move(value);
  return true;
}

}  // namespace

bool scan_event_json(std::string_view line, ScannedEvent& out) {
  Scanner s(line);
  s.skip_ws();
  // Members not captured are validated and skipped. A captured member of the wrong type is left
  // unset (or flagged) so that the caller names the problem.
  bool duplicate = false;
  const bool ok = s.object(0, [&](const std::string& key, int depth) {
    if (key == "schema") return capture_string(s, depth, out.schema, duplicate);
    if (key == "id") return capture_string(s, depth, out.id, duplicate);
    if (key == "sensor") return capture_string(s, depth, out.sensor, duplicate);
    if (key == "ts") return capture_string(s, depth, out.ts, duplicate);
    if (key == "kind") return capture_string(s, depth, out.kind, duplicate);
    if (key == "severity") return capture_string(s, depth, out.severity, duplicate);
    if (key == "epoch" || key == "seq") {
      std::optional<std::uint64_t>& slot = key == "epoch" ? out.epoch : out.seq;
      bool& bad = key == "epoch" ? out.epoch_not_unsigned : out.seq_not_unsigned;
      if (slot || bad) {
        duplicate = true;
        return false;
      }
      if (!s.starts_number()) {
        bad = true;
        return s.value(depth);
      }
      if (!s.number(&slot)) return false;
      if (!slot) bad = true;
      return true;
    }
    if (key == "rule") {
      if (out.has_rule || out.rule_not_object) {
        duplicate = true;
        return false;
      }
      if (!s.peek('{')) {
        out.rule_not_object = true;
        return s.value(depth);
      }
      out.has_rule = true;
      return s.object(depth, [&](const std::string& member, int d) {
        if (member == "id" && s.peek('"')) return s.string(&out.rule_id);
        return s.value(d);
      });
    }
    if (key == "zones") {
      if (out.has_zones || out.zones_not_object) {
        duplicate = true;
        return false;
      }
      if (!s.peek('{')) {
        out.zones_not_object = true;
        return s.value(depth);
      }
      out.has_zones = true;
      return s.object(depth, [&](const std::string& member, int d) {
        if (member == "source" && s.peek('"')) return s.string(&out.source_zone);
        if (member == "destination" && s.peek('"')) return s.string(&out.destination_zone);
        return s.value(d);
      });
    }
    if (key == "chain") {
      if (out.has_chain || out.chain_not_object) {
        duplicate = true;
        return false;
      }
      if (!s.peek('{')) {
        out.chain_not_object = true;
        return s.value(depth);
      }
      out.has_chain = true;
      return s.object(depth, [&](const std::string& member, int d) {
        if (member == "prev" && s.peek('"')) return capture_string(s, d, out.chain_prev, duplicate);
        if (member == "prev_seq" && s.starts_number()) return s.number(&out.chain_prev_seq);
        return s.value(d);
      });
    }
    if (key == "checkpoint") out.has_checkpoint = true;
    return s.value(depth);
  });
  if (!ok || duplicate) return false;
  s.skip_ws();
  return s.at_end();
}

}  // namespace normwatch::events::detail
