// libFuzzer target for the whole Modbus session: the input is cut into chunks, each sent by
// either side as stream bytes (with or without a gap before it) or as a datagram, then the flow
// ends. The first byte picks a small outstanding-table size so that eviction is reached. Every
// record is described and checked; memory must stay bounded and nothing may crash.
#include <cstddef>
#include <cstdint>

#include "normwatch/core/field_writer.hpp"
#include "normwatch/protocols/modbus/session.hpp"

namespace {
using namespace normwatch;
using namespace normwatch::protocols;
using namespace normwatch::protocols::modbus;

class NullWriter : public core::FieldWriter {
 public:
  void integer(std::string_view, std::int64_t) override {}
  void unsigned_integer(std::string_view, std::uint64_t) override {}
  void real(std::string_view, double) override {}
  void boolean(std::string_view, bool) override {}
  void string(std::string_view, std::string_view) override {}
  void begin_object(std::string_view) override {}
  void end_object() override {}
  void begin_array(std::string_view) override {}
  void end_array() override {}
};

class CheckingSink : public PduSink {
 public:
  void on_pdu(const PduRecord& record) override {
    NullWriter w;
    record.describe(w);
    const Pdu* pdu = record.as<Pdu>();
    if (pdu == nullptr) __builtin_trap();
    if (pdu->malformed.present() == record.malformed.empty()) __builtin_trap();
    const BitView bits = pdu->bits();
    for (std::size_t i = 0; i < bits.size(); ++i) (void)bits[i];
    for (const std::uint16_t r : pdu->registers()) (void)r;
  }
  void on_anomaly(const AnomalyRecord& record) override {
    if (record.name.empty()) __builtin_trap();
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  CheckingSink sink;
  Config config;
  config.max_outstanding = 1 + data[0] % 8;
  ModbusSession session(sink, config);
  std::size_t at = 1;
  std::uint64_t frame = 0;
  while (at + 2 <= size) {
    const std::uint8_t flags = data[at];
    const std::size_t length = 1 + data[at + 1] % 64;
    at += 2;
    const std::size_t n = length < size - at ? length : size - at;
    const core::Bytes chunk = core::as_bytes(data + at, n);
    at += n;
    const Side side = (flags & 1) != 0 ? Side::server : Side::client;
    const SegmentContext ctx{++frame, core::Timestamp{static_cast<std::int64_t>(frame)}};
    if ((flags & 0x80) != 0) {
      session.on_datagram(side, chunk, ctx);
    } else {
      session.on_stream(side, chunk, (flags & 2) != 0, ctx);
    }
    if (session.outstanding() > config.max_outstanding) __builtin_trap();
  }
  session.on_end(SegmentContext{++frame, {}});
  if (session.outstanding() != 0) __builtin_trap();
  return 0;
}
