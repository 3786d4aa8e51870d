// Test helpers for the DNP3 unit tests: hex vectors, a link-frame builder whose CRCs come from the
// CRC function checked against published vectors in crc_test.cpp, a compact JSON FieldWriter and a
// recording PduSink.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/core/field_writer.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/dnp3/pdu.hpp"

namespace normwatch::protocols::dnp3::test {

using ByteVec = std::vector<std::byte>;

ByteVec hex(std::string_view text);                 // aborts the test program on bad hex
ByteVec concat(std::initializer_list<ByteVec> parts);
std::string to_hex(core::Bytes bytes);

// One link frame: header, header CRC, user data in 16-byte blocks each followed by its CRC.
ByteVec link_frame(std::uint8_t control, std::uint16_t dst, std::uint16_t src, core::Bytes user_data);
// A transport segment: header byte (FIN, FIR, seq) + application bytes.
ByteVec segment(bool fir, bool fin, std::uint8_t seq, core::Bytes app);
// An application fragment split into 249-byte segments, each in a link frame (sequence from
// first_seq, rolling over at 64).
ByteVec fragment_frames(std::uint8_t control, std::uint16_t dst, std::uint16_t src, core::Bytes fragment,
                        std::uint8_t first_seq = 0);

inline constexpr std::uint8_t kMasterUserData = 0xC4;      // DIR=1 PRM=1 unconfirmed user data
inline constexpr std::uint8_t kOutstationUserData = 0x44;  // DIR=0 PRM=1 unconfirmed user data

// Renders FieldWriter calls as compact JSON (keys in call order).
class JsonWriter final : public core::FieldWriter {
 public:
  void integer(std::string_view key, std::int64_t value) override;
  void unsigned_integer(std::string_view key, std::uint64_t value) override;
  void real(std::string_view key, double value) override;
  void boolean(std::string_view key, bool value) override;
  void string(std::string_view key, std::string_view value) override;
  void begin_object(std::string_view key) override;
  void end_object() override;
  void begin_array(std::string_view key) override;
  void end_array() override;
  const std::string& str() const { return out_; }

 private:
  void key(std::string_view k);
  std::string out_;
  std::vector<bool> in_array_{false};
  std::vector<bool> first_{true};
};

std::string describe_json(const Pdu& pdu);

struct RecordedPdu {
  std::uint64_t frame_no = 0;
  Side from = Side::client;
  std::string malformed;
  std::string json;      // describe() output, wrapped in {}
  Pdu pdu;               // copy: spans inside are dangling after the callback
  int request_function = -1;
  std::size_t controls = 0;
  std::size_t analog_outputs = 0;
  std::size_t times = 0;
  bool secure_auth = false;
};

struct RecordedAnomaly {
  std::string name;
  std::uint64_t frame_no = 0;
  Side from = Side::client;
  std::string detail;
};

class RecordingSink final : public PduSink {
 public:
  void on_pdu(const PduRecord& record) override;
  void on_anomaly(const AnomalyRecord& record) override;
  std::vector<RecordedPdu> pdus;
  std::vector<RecordedAnomaly> anomalies;
  std::vector<std::string> anomaly_names() const;
  std::size_t count(std::string_view anomaly) const;
};

}  // namespace normwatch::protocols::dnp3::test
