// Shared pieces of the IEC 104 fuzz targets: a FieldWriter that only touches what it is given,
// a sink that describes every record, and checks that decoded views stay inside the input.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "normwatch/core/field_writer.hpp"
#include "normwatch/protocols/common/pdu_record.hpp"
#include "normwatch/protocols/iec104/pdu.hpp"

namespace normwatch::protocols::iec104::fuzz {

class TouchWriter final : public core::FieldWriter {
 public:
  void integer(std::string_view k, std::int64_t v) override { sum_ += k.size() + static_cast<std::uint64_t>(v); }
  void unsigned_integer(std::string_view k, std::uint64_t v) override { sum_ += k.size() + v; }
  void real(std::string_view k, double v) override { sum_ += k.size() + (v == v ? 1u : 2u); }
  void boolean(std::string_view k, bool v) override { sum_ += k.size() + (v ? 1u : 0u); }
  void string(std::string_view k, std::string_view v) override {
    sum_ += k.size();
    for (char c : v) sum_ += static_cast<unsigned char>(c);
  }
  void begin_object(std::string_view k) override { sum_ += k.size(); }
  void end_object() override {}
  void begin_array(std::string_view k) override { sum_ += k.size(); }
  void end_array() override {}
  std::uint64_t sum() const { return sum_; }

 private:
  std::uint64_t sum_ = 0;
};

inline void require(bool condition) {
  if (!condition) std::abort();
}

inline bool inside(core::Bytes part, core::Bytes whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

// Decodes everything a rule could ask of one APDU and checks the views stay inside it.
inline void exercise(const Pdu& pdu, TouchWriter& out) {
  describe(pdu, out);
  describe_objects(pdu, out);
  if (!pdu.has_asdu) return;
  const Asdu& a = pdu.asdu;
  require(a.objects_available <= a.num && a.ioa_count <= a.num);
  require(inside(a.body, pdu.bytes));
  for (std::size_t i = 0; i < a.ioa_count; ++i) out.unsigned_integer({}, a.ioa(i));
  for (std::size_t i = 0; i < a.objects_available; ++i) {
    const InformationObject o = a.object(i);
    require(inside(o.element, a.body));
    const ElementValue v = o.value();
    require(inside(o.segment(), o.element));
    out.unsigned_integer({}, v.state);
  }
}

class DescribingSink final : public PduSink {
 public:
  void on_pdu(const PduRecord& r) override {
    const Pdu* pdu = r.as<Pdu>();
    require(pdu != nullptr);
    r.describe(out);
    exercise(*pdu, out);
    out.string("malformed", r.malformed);
  }
  void on_anomaly(const AnomalyRecord& r) override {
    require(r.name.starts_with("iec104."));
    out.string(r.name, r.detail);
  }
  TouchWriter out;
};

}  // namespace normwatch::protocols::iec104::fuzz
