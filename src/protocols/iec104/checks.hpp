// Conformance checks on a parsed ASDU (IEC 60870-5-101 §7.2: type, cause of transmission, variable
// structure qualifier, common address) and on decoded information elements (§7.2.6: reserved
// bits and values of qualifiers, command states, time fields, non-finite floats). They report
// facts as named anomalies with the offending value; rules decide what alerts.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "normwatch/protocols/iec104/anomaly.hpp"
#include "normwatch/protocols/iec104/config.hpp"
#include "normwatch/protocols/iec104/elements.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"

namespace normwatch::protocols::iec104 {

struct Finding {
  Anomaly anomaly = Anomaly::count_;
  std::uint32_t value = 0;  // the offending value (type id, COT, qualifier octet, time field...)
  std::uint32_t ioa = 0;    // first object it was found in (element checks)
  std::uint16_t objects = 0;  // how many objects of the ASDU showed it
};

// The distinct findings of one APDU: each anomaly at most once, with its first value and IOA.
class Findings {
 public:
  void clear() { size_ = 0; }
  void add(Anomaly a, std::uint32_t value, std::uint32_t ioa = 0) {
    for (std::size_t i = 0; i < size_; ++i) {
      if (items_[i].anomaly == a) {
        ++items_[i].objects;
        return;
      }
    }
    if (size_ < items_.size()) items_[size_++] = Finding{a, value, ioa, 1};
  }
  std::size_t size() const { return size_; }
  const Finding& operator[](std::size_t i) const { return items_[i]; }

 private:
  std::array<Finding, kAnomalyCount> items_{};
  std::size_t size_ = 0;
};

// Type, COT, VSQ and common address facts of a header-complete ASDU.
void check_asdu_header(const Asdu& asdu, const Config& config, Findings& out);
// Reserved bits and values, time fields and floats of one decoded element.
void check_element(const ElementValue& value, std::uint32_t ioa, Findings& out);

}  // namespace normwatch::protocols::iec104
