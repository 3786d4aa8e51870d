// libFuzzer target for the Modbus framer and pure parser: the input is offered to the MBAP framer
// in both modes, parsed as an ADU and as a bare PDU in both directions, described, and its
// records iterated; also probed. Nothing may crash, hang or read out of bounds.
#include <array>
#include <cstddef>
#include <cstdint>

#include "normwatch/core/field_writer.hpp"
#include "normwatch/protocols/modbus/parser.hpp"
#include "normwatch/protocols/modbus/registration.hpp"

namespace {
using namespace normwatch;
using namespace normwatch::protocols::modbus;

class NullWriter : public core::FieldWriter {
 public:
  void integer(std::string_view, std::int64_t) override {}
  void unsigned_integer(std::string_view, std::uint64_t v) override { sum += v; }
  void real(std::string_view, double) override {}
  void boolean(std::string_view, bool) override {}
  void string(std::string_view, std::string_view) override {}
  void begin_object(std::string_view) override {}
  void end_object() override {}
  void begin_array(std::string_view) override {}
  void end_array() override {}
  std::uint64_t sum = 0;
};

void exercise(const Pdu& pdu) {
  NullWriter w;
  describe(pdu, w);
  std::array<char, 64> text{};
  (void)format_malformation(pdu.malformed, text);
  std::uint64_t sum = 0;
  for (const std::uint16_t r : pdu.registers()) sum += r;
  const BitView bits = pdu.bits();
  for (std::size_t i = 0; i < bits.size(); ++i) sum += bits[i] ? 1 : 0;
  FileRecord rec;
  std::size_t offset = 0;
  const FileRecordView records = pdu.file_records();
  while (const auto next = records.next(offset, rec)) {
    for (const std::uint16_t r : rec.data) sum += r;
    offset = *next;
  }
  DeviceObject obj;
  offset = 0;
  const DeviceObjectView objects = pdu.device_objects();
  while (const auto next = objects.next(offset, obj)) {
    sum += obj.value.size();
    offset = *next;
  }
  (void)sum;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const core::Bytes bytes = core::as_bytes(data, size);
  for (const FramingMode mode : {FramingMode::in_sync, FramingMode::resync}) {
    const auto v = frame_mbap(bytes, mode, FramerLimits{});
    if (v.status == protocols::FrameStatus::complete && v.size > size) __builtin_trap();
  }
  for (const Direction d : {Direction::request, Direction::response}) {
    exercise(parse_adu(bytes, d));
    Pdu pdu;
    parse_pdu(bytes, d, pdu);
    exercise(pdu);
  }
  (void)fit_directions(bytes);
  (void)segment_aligned(bytes);
  (void)probe(bytes, false);
  (void)probe(bytes, true);
  return 0;
}
