// Iteration over the variable records of a parsed PDU, for rules: FC20/21 file records
// (§6.14, §6.15) and FC43/14 device identification objects (§6.21). Each step is bounds-checked
// and stops at the first record that does not fit.
#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/modbus/pdu.hpp"

namespace normwatch::protocols::modbus {

std::optional<std::size_t> FileRecordView::next(std::size_t offset, FileRecord& out) const {
  if (offset >= bytes_.size()) return std::nullopt;
  core::ByteReader r(bytes_.subspan(offset));
  out = FileRecord{};
  if (kind_ == Kind::read_response) {
    // Sub-response: length (reference type + data), reference type, data.
    const auto length = r.u8();
    const auto type = r.u8();
    if (!length || !type || *length < 1 || (*length - 1U) % 2 != 0) return std::nullopt;
    const auto data = r.take(*length - 1U);
    if (!data) return std::nullopt;
    out.reference_type = *type;
    out.record_length = static_cast<std::uint16_t>((*length - 1U) / 2U);
    out.data = RegisterView(*data);
    return offset + r.position();
  }
  const auto type = r.u8();
  const auto file = r.u16be();
  const auto record = r.u16be();
  const auto length = r.u16be();
  if (!type || !file || !record || !length) return std::nullopt;
  out.reference_type = *type;
  out.file_number = *file;
  out.record_number = *record;
  out.record_length = *length;
  if (kind_ == Kind::write) {
    const auto data = r.take(2U * *length);
    if (!data) return std::nullopt;
    out.data = RegisterView(*data);
  }
  return offset + r.position();
}

std::size_t FileRecordView::count() const {
  std::size_t n = 0;
  std::size_t offset = 0;
  FileRecord rec;
  while (const auto next = this->next(offset, rec)) {
    ++n;
    offset = *next;
  }
  return n;
}

std::optional<std::size_t> DeviceObjectView::next(std::size_t offset, DeviceObject& out) const {
  if (offset >= bytes_.size()) return std::nullopt;
  core::ByteReader r(bytes_.subspan(offset));
  const auto id = r.u8();
  const auto length = r.u8();
  if (!id || !length) return std::nullopt;
  const auto value = r.take(*length);
  if (!value) return std::nullopt;
  out.id = *id;
  out.value = *value;
  return offset + r.position();
}

std::size_t DeviceObjectView::count() const {
  std::size_t n = 0;
  std::size_t offset = 0;
  DeviceObject obj;
  while (const auto next = this->next(offset, obj)) {
    ++n;
    offset = *next;
  }
  return n;
}

FileRecordView Pdu::file_records() const {
  if (is_exception() || (fc() != 20 && fc() != 21)) return {};
  if (fc() == 21) return {data, FileRecordView::Kind::write};
  return {data, is_response() ? FileRecordView::Kind::read_response : FileRecordView::Kind::read_request};
}

}  // namespace normwatch::protocols::modbus
