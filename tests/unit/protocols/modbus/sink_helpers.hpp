// Test helpers for the Modbus unit tests: hex vectors, a FieldWriter that renders describe()
// as "key=value" text, and a PduSink that records what a session reports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/modbus/pdu.hpp"

namespace normwatch::protocols::modbus::testing {

// Bytes of a hex string; fails the running test on bad hex.
std::vector<std::byte> hex(std::string_view text);

// An ADU from a PDU in hex: MBAP header with the given transaction and unit id, length computed.
std::vector<std::byte> adu(std::string_view pdu_hex, std::uint16_t tid = 1, std::uint8_t unit = 1);

// Bytes and the PDU parsed from them (the PDU's spans point into `bytes`).
struct Parsed {
  std::vector<std::byte> bytes;
  Pdu pdu;
};
Parsed parse(std::string_view pdu_hex, Direction direction, std::uint16_t tid = 1, std::uint8_t unit = 1);
// The malformed reason text of a parsed PDU ("" when well formed).
std::string reason(const Pdu& pdu);

// describe() rendered as "tid=1 unit=10 fc=3 response=false addr=5 qty=2".
std::string describe_text(const Pdu& pdu);

struct SeenPdu {
  std::uint64_t frame_no = 0;
  Side from = Side::client;
  std::string malformed;
  std::string fields;                  // describe_text
  std::vector<std::uint16_t> registers;
  std::vector<bool> bits;
};

struct SeenAnomaly {
  std::string name;
  std::uint64_t frame_no = 0;
  Side from = Side::client;
  std::string detail;
};

class RecordingSink : public PduSink {
 public:
  void on_pdu(const PduRecord& record) override;
  void on_anomaly(const AnomalyRecord& record) override;

  std::vector<SeenPdu> pdus;
  std::vector<SeenAnomaly> anomalies;

  std::vector<std::string> fields() const;
  std::vector<std::string> anomaly_names() const;
  std::size_t count(std::string_view anomaly_name) const;
};

}  // namespace normwatch::protocols::modbus::testing
