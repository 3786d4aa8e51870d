// What a protocol session hands to the rest of the sensor: each decoded PDU (typed, with a way to
// describe its fields) and each named anomaly. Records live for the duration of the callback.
#pragma once

#include <cstdint>
#include <string_view>

#include "normwatch/core/field_writer.hpp"
#include "normwatch/core/timestamp.hpp"
#include "normwatch/protocols/common/protocol_id.hpp"

namespace normwatch::protocols {

struct PduRecord {
  ProtocolId protocol = ProtocolId::unknown;
  std::uint64_t frame_no = 0;        // frame that carried the PDU's last byte
  core::Timestamp ts;                // that frame's timestamp
  Side from = Side::client;          // which side sent it
  std::string_view malformed;        // empty when the PDU parsed cleanly, else a short reason
  const void* pdu = nullptr;         // the protocol's own PDU type (see as<T>())
  void (*describe_fn)(const void* pdu, core::FieldWriter& out) = nullptr;

  // Writes the protocol-specific keys of decode-jsonl.md (not the common keys).
  void describe(core::FieldWriter& out) const {
    if (describe_fn != nullptr && pdu != nullptr) describe_fn(pdu, out);
  }
  // The typed PDU when it is of protocol T::kProtocol, else nullptr.
  template <class T>
  const T* as() const {
    return protocol == T::kProtocol ? static_cast<const T*>(pdu) : nullptr;
  }
};

// Makes a record for a protocol PDU type T that has `static constexpr ProtocolId kProtocol` and a
// free function `void describe(const T&, core::FieldWriter&)` found by argument-dependent lookup.
template <class T>
PduRecord make_pdu_record(const T& pdu, std::uint64_t frame_no, core::Timestamp ts, Side from,
                          std::string_view malformed = {}) {
  PduRecord r;
  r.protocol = T::kProtocol;
  r.frame_no = frame_no;
  r.ts = ts;
  r.from = from;
  r.malformed = malformed;
  r.pdu = &pdu;
  r.describe_fn = [](const void* p, core::FieldWriter& out) { describe(*static_cast<const T*>(p), out); };
  return r;
}

struct AnomalyRecord {
  ProtocolId protocol = ProtocolId::unknown;
  std::string_view name;             // stable, e.g. "modbus.bad_protocol_id", "dnp3.bad_link_crc"
  std::uint64_t frame_no = 0;
  core::Timestamp ts;
  Side from = Side::client;
  std::string_view detail;           // free text for humans (may be empty)
};

// Where sessions send what they find (the pipeline implements it; tests use a mock).
class PduSink {
 public:
  virtual ~PduSink() = default;
  virtual void on_pdu(const PduRecord& record) = 0;
  virtual void on_anomaly(const AnomalyRecord& record) = 0;
};

}  // namespace normwatch::protocols
