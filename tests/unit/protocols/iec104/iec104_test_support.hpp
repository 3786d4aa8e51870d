// Shared test support for the IEC 104 unit tests: hex vectors, a recording PduSink, a FieldWriter
// that renders compact JSON, and a small APDU builder for sequence tests.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/core/field_writer.hpp"
#include "normwatch/core/hex.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/common/session.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"

namespace normwatch::protocols::iec104::test {

inline std::vector<std::byte> hex(std::string_view text) {
  auto bytes = core::parse_hex(text);
  if (!bytes) throw std::invalid_argument("bad hex vector");
  return *bytes;
}

// Renders fields as compact JSON (keys in the order written) for readable expectations.
class JsonWriter final : public core::FieldWriter {
 public:
  void integer(std::string_view key, std::int64_t v) override { add(key, std::to_string(v)); }
  void unsigned_integer(std::string_view key, std::uint64_t v) override { add(key, std::to_string(v)); }
  void real(std::string_view key, double v) override;
  void boolean(std::string_view key, bool v) override { add(key, v ? "true" : "false"); }
  void string(std::string_view key, std::string_view v) override { add(key, "\"" + std::string(v) + "\""); }
  void begin_object(std::string_view key) override { open(key, '{'); }
  void end_object() override { close('}'); }
  void begin_array(std::string_view key) override { open(key, '['); }
  void end_array() override { close(']'); }

  std::string str() const { return "{" + out_ + "}"; }

 private:
  void sep() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  void add(std::string_view key, const std::string& value) {
    sep();
    if (!in_array_.empty() && in_array_.back()) {
      out_ += value;
    } else {
      out_ += "\"" + std::string(key) + "\":" + value;
    }
  }
  void open(std::string_view key, char c) {
    add(key, std::string(1, c));
    first_ = true;
    in_array_.push_back(c == '[');
  }
  void close(char c) {
    out_ += c;
    first_ = false;
    in_array_.pop_back();
  }
  std::string out_;
  bool first_ = true;
  std::vector<bool> in_array_;
};

inline std::string describe_json(const Pdu& pdu) {
  JsonWriter w;
  describe(pdu, w);
  return w.str();
}

struct SeenPdu {
  std::string json;  // describe() output
  std::string malformed;
  Side from = Side::client;
  std::uint64_t frame_no = 0;
};

struct SeenAnomaly {
  std::string name;
  std::string detail;
  Side from = Side::client;
  std::uint64_t frame_no = 0;
};

class RecordingSink final : public PduSink {
 public:
  void on_pdu(const PduRecord& r) override {
    JsonWriter w;
    r.describe(w);
    pdus.push_back({w.str(), std::string(r.malformed), r.from, r.frame_no});
  }
  void on_anomaly(const AnomalyRecord& r) override {
    anomalies.push_back({std::string(r.name), std::string(r.detail), r.from, r.frame_no});
  }
  std::vector<std::string> anomaly_names() const {
    std::vector<std::string> names;
    for (const auto& a : anomalies) names.push_back(a.name);
    return names;
  }
  std::size_t count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& a : anomalies) n += a.name == name ? 1 : 0;
    return n;
  }
  void clear() {
    pdus.clear();
    anomalies.clear();
  }
  std::vector<SeenPdu> pdus;
  std::vector<SeenAnomaly> anomalies;
};

// APDU builders (hex text) for sequence tests.
std::string i_frame(std::uint16_t tx, std::uint16_t rx, std::string_view asdu_hex = "64 01 06 00 01 00 00 00 00 14");
std::string s_frame(std::uint16_t rx);
inline constexpr std::string_view kStartdtAct = "68 04 07 00 00 00";
inline constexpr std::string_view kStartdtCon = "68 04 0b 00 00 00";
inline constexpr std::string_view kStopdtAct = "68 04 13 00 00 00";
inline constexpr std::string_view kStopdtCon = "68 04 23 00 00 00";
inline constexpr std::string_view kTestfrAct = "68 04 43 00 00 00";
inline constexpr std::string_view kTestfrCon = "68 04 83 00 00 00";

}  // namespace normwatch::protocols::iec104::test
