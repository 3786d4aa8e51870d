// Test helpers for the Modbus unit tests (see sink_helpers.hpp).
#include "protocols/modbus/sink_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "normwatch/core/hex.hpp"
#include "normwatch/protocols/modbus/parser.hpp"

namespace normwatch::protocols::modbus::testing {

namespace {
class TextWriter : public core::FieldWriter {
 public:
  void integer(std::string_view key, std::int64_t value) override { add(key, std::to_string(value)); }
  void unsigned_integer(std::string_view key, std::uint64_t value) override { add(key, std::to_string(value)); }
  void real(std::string_view key, double value) override { add(key, std::to_string(value)); }
  void boolean(std::string_view key, bool value) override { add(key, value ? "true" : "false"); }
  void string(std::string_view key, std::string_view value) override { add(key, std::string(value)); }
  void begin_object(std::string_view key) override { add(key, "{"); }
  void end_object() override { text += " }"; }
  void begin_array(std::string_view key) override { add(key, "["); }
  void end_array() override { text += " ]"; }
  std::string text;

 private:
  void add(std::string_view key, const std::string& value) {
    if (!text.empty()) text += ' ';
    text.append(key);
    text += '=';
    text += value;
  }
};
}  // namespace

std::vector<std::byte> hex(std::string_view text) {
  auto bytes = core::parse_hex(text);
  EXPECT_TRUE(bytes.has_value()) << "bad hex vector: " << text;
  return bytes.value_or(std::vector<std::byte>{});
}

std::vector<std::byte> adu(std::string_view pdu_hex, std::uint16_t tid, std::uint8_t unit) {
  const std::vector<std::byte> pdu = hex(pdu_hex);
  const std::size_t length = pdu.size() + 1;
  std::vector<std::byte> out(kMbapSize + pdu.size());
  out[0] = std::byte(tid >> 8);
  out[1] = std::byte(tid & 0xFF);
  out[4] = std::byte(length >> 8);
  out[5] = std::byte(length & 0xFF);
  out[6] = std::byte{unit};
  std::copy(pdu.begin(), pdu.end(), out.begin() + kMbapSize);
  return out;
}

Parsed parse(std::string_view pdu_hex, Direction direction, std::uint16_t tid, std::uint8_t unit) {
  Parsed p;
  p.bytes = adu(pdu_hex, tid, unit);
  p.pdu = parse_adu(p.bytes, direction);
  return p;
}

std::string reason(const Pdu& pdu) {
  std::array<char, 128> buffer{};
  return std::string(format_malformation(pdu.malformed, buffer));
}

std::string describe_text(const Pdu& pdu) {
  TextWriter w;
  describe(pdu, w);
  return w.text;
}

void RecordingSink::on_pdu(const PduRecord& record) {
  SeenPdu seen;
  seen.frame_no = record.frame_no;
  seen.from = record.from;
  seen.malformed = std::string(record.malformed);
  TextWriter w;
  record.describe(w);
  seen.fields = w.text;
  if (const Pdu* pdu = record.as<Pdu>()) {
    for (const std::uint16_t r : pdu->registers()) seen.registers.push_back(r);
    const BitView bits = pdu->bits();
    for (std::size_t i = 0; i < bits.size(); ++i) seen.bits.push_back(bits[i]);
  }
  pdus.push_back(std::move(seen));
}

void RecordingSink::on_anomaly(const AnomalyRecord& record) {
  anomalies.push_back(SeenAnomaly{std::string(record.name), record.frame_no, record.from, std::string(record.detail)});
}

std::vector<std::string> RecordingSink::fields() const {
  std::vector<std::string> out;
  for (const auto& p : pdus) out.push_back(p.fields);
  return out;
}

std::vector<std::string> RecordingSink::anomaly_names() const {
  std::vector<std::string> out;
  for (const auto& a : anomalies) out.push_back(a.name);
  return out;
}

std::size_t RecordingSink::count(std::string_view anomaly_name) const {
  std::size_t n = 0;
  for (const auto& a : anomalies) n += a.name == anomaly_name ? 1 : 0;
  return n;
}

}  // namespace normwatch::protocols::modbus::testing
