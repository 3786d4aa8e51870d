// Test helpers for the DNP3 unit tests (see dnp3_test_helpers.hpp).
#include "protocols/dnp3/dnp3_test_helpers.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "normwatch/core/hex.hpp"
#include "normwatch/protocols/dnp3/crc.hpp"

namespace normwatch::protocols::dnp3::test {

ByteVec hex(std::string_view text) {
  auto v = core::parse_hex(text);
  if (!v) {
    std::fprintf(stderr, "bad hex vector: %.*s\n", static_cast<int>(text.size()), text.data());
    std::abort();
  }
  return *v;
}

ByteVec concat(std::initializer_list<ByteVec> parts) {
  ByteVec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::string to_hex(core::Bytes bytes) { return core::to_hex(bytes); }

namespace {
void put_crc(ByteVec& out, core::Bytes covered) {
  const std::uint16_t crc = crc16_dnp(covered);
  out.push_back(static_cast<std::byte>(crc & 0xFF));
  out.push_back(static_cast<std::byte>(crc >> 8));
}
}  // namespace

ByteVec link_frame(std::uint8_t control, std::uint16_t dst, std::uint16_t src, core::Bytes user_data) {
  ByteVec out{std::byte{0x05}, std::byte{0x64}, static_cast<std::byte>(5 + user_data.size()), static_cast<std::byte>(control),
              static_cast<std::byte>(dst & 0xFF), static_cast<std::byte>(dst >> 8), static_cast<std::byte>(src & 0xFF),
              static_cast<std::byte>(src >> 8)};
  put_crc(out, core::Bytes(out));
  for (std::size_t i = 0; i < user_data.size(); i += 16) {
    const auto block = user_data.subspan(i, std::min<std::size_t>(16, user_data.size() - i));
    out.insert(out.end(), block.begin(), block.end());
    put_crc(out, block);
  }
  return out;
}

ByteVec segment(bool fir, bool fin, std::uint8_t seq, core::Bytes app) {
  ByteVec out{static_cast<std::byte>((fin ? 0x80 : 0) | (fir ? 0x40 : 0) | (seq & 0x3F))};
  out.insert(out.end(), app.begin(), app.end());
  return out;
}

ByteVec fragment_frames(std::uint8_t control, std::uint16_t dst, std::uint16_t src, core::Bytes fragment,
                        std::uint8_t first_seq) {
  ByteVec out;
  std::size_t pos = 0;
  std::uint8_t seq = first_seq;
  do {
    const std::size_t n = std::min<std::size_t>(249, fragment.size() - pos);
    const bool fir = pos == 0;
    const bool fin = pos + n == fragment.size();
    const ByteVec seg = segment(fir, fin, seq, fragment.subspan(pos, n));
    const ByteVec frame = link_frame(control, dst, src, core::Bytes(seg));
    out.insert(out.end(), frame.begin(), frame.end());
    pos += n;
    seq = static_cast<std::uint8_t>((seq + 1) & 0x3F);
  } while (pos < fragment.size());
  return out;
}

void JsonWriter::key(std::string_view k) {
  if (!first_.back()) out_ += ',';
  first_.back() = false;
  if (!in_array_.back()) {
    out_ += '"';
    out_ += k;
    out_ += "\":";
  }
}
void JsonWriter::integer(std::string_view k, std::int64_t v) {
  key(k);
  out_ += std::to_string(v);
}
void JsonWriter::unsigned_integer(std::string_view k, std::uint64_t v) {
  key(k);
  out_ += std::to_string(v);
}
void JsonWriter::real(std::string_view k, double v) {
  key(k);
  out_ += std::to_string(v);
}
void JsonWriter::boolean(std::string_view k, bool v) {
  key(k);
  out_ += v ? "true" : "false";
}
void JsonWriter::string(std::string_view k, std::string_view v) {
  key(k);
  out_ += '"';
  out_ += v;
  out_ += '"';
}
void JsonWriter::begin_object(std::string_view k) {
  key(k);
  out_ += '{';
  in_array_.push_back(false);
  first_.push_back(true);
}
void JsonWriter::end_object() {
  out_ += '}';
  in_array_.pop_back();
  first_.pop_back();
}
void JsonWriter::begin_array(std::string_view k) {
  key(k);
  out_ += '[';
  in_array_.push_back(true);
  first_.push_back(true);
}
void JsonWriter::end_array() {
  out_ += ']';
  in_array_.pop_back();
  first_.pop_back();
}

std::string describe_json(const Pdu& pdu) {
  JsonWriter w;
  describe(pdu, w);
  return "{" + w.str() + "}";
}

void RecordingSink::on_pdu(const PduRecord& record) {
  RecordedPdu r;
  r.frame_no = record.frame_no;
  r.from = record.from;
  r.malformed = std::string(record.malformed);
  JsonWriter w;
  record.describe(w);
  r.json = "{" + w.str() + "}";
  if (const Pdu* p = record.as<Pdu>()) {
    r.pdu = *p;
    r.request_function = p->request_function;
    r.controls = p->app.controls.size();
    r.analog_outputs = p->app.analog_outputs.size();
    r.times = p->app.times.size();
    r.secure_auth = p->app.secure_auth;
  }
  pdus.push_back(std::move(r));
}

void RecordingSink::on_anomaly(const AnomalyRecord& record) {
  anomalies.push_back(RecordedAnomaly{std::string(record.name), record.frame_no, record.from, std::string(record.detail)});
}

std::vector<std::string> RecordingSink::anomaly_names() const {
  std::vector<std::string> out;
  for (const auto& a : anomalies) out.push_back(a.name);
  return out;
}

std::size_t RecordingSink::count(std::string_view anomaly) const {
  std::size_t n = 0;
  for (const auto& a : anomalies) n += a.name == anomaly ? 1 : 0;
  return n;
}

}  // namespace normwatch::protocols::dnp3::test
