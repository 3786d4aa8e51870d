// Modbus layouts made of variable records: FC20/21 file records (§6.14, §6.15), FC43 MEI
// transport with Read Device Identification objects (§6.19-6.21) of the Modbus Application
// Protocol v1.1b3, and Schneider's FC90 UMAS envelope (session byte, UMAS code, data).
#include "layout_parsers.hpp"

namespace normwatch::protocols::modbus::detail {

namespace {
constexpr std::uint8_t kFileReferenceType = 6;
constexpr std::uint16_t kMaxRecordNumber = 0x270F;
// Byte-count ranges of §6.14 (FC20 request, response) and §6.15 (FC21).
constexpr std::uint8_t kMinFileReadRequestBytes = 0x07;
constexpr std::uint8_t kMaxFileRecordBytes = 0xF5;
constexpr std::uint8_t kMinFileWriteBytes = 0x09;
constexpr std::uint8_t kMaxFileWriteBytes = 0xFB;
constexpr std::uint8_t kUmasOk = 0xFE;
constexpr std::uint8_t kUmasError = 0xFD;

constexpr bool valid_conformity(std::uint8_t level) {
  return (level >= 0x01 && level <= 0x03) || (level >= 0x81 && level <= 0x83);
}

// Reads the byte count and the bytes it covers; nullopt (and the PDU marked) when short.
std::optional<core::Bytes> counted_bytes(core::ByteReader& r, std::uint8_t min, std::uint8_t max, Pdu& out) {
  if (!need(r, 1, out)) return std::nullopt;
  out.byte_count = u8(r);
  out.present |= kFieldByteCount;
  if (out.byte_count < min || out.byte_count > max) fail(out, Anomaly::bad_byte_count, out.byte_count, max);
  if (!need(r, out.byte_count, out)) return std::nullopt;
  return r.take(out.byte_count);
}

// Walks the records, checking each against §6.14/6.15; a record that runs past the byte count
// makes the byte count wrong.
void check_file_records(core::Bytes records, FileRecordView::Kind kind, Pdu& out) {
  const FileRecordView view(records, kind);
  std::size_t offset = 0;
  FileRecord rec;
  while (offset < records.size()) {
    const auto next = view.next(offset, rec);
    if (!next) {
      fail(out, Anomaly::bad_byte_count, out.byte_count);
      return;
    }
    if (rec.reference_type != kFileReferenceType) fail(out, Anomaly::bad_reference_type, rec.reference_type);
    if (kind != FileRecordView::Kind::read_response && rec.record_number > kMaxRecordNumber) {
      fail(out, Anomaly::bad_record_number, rec.record_number, kMaxRecordNumber);
    }
    offset = *next;
  }
}
}  // namespace

void parse_file_read_request(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  const auto records = counted_bytes(r, kMinFileReadRequestBytes, kMaxFileRecordBytes, out);
  if (!records) return;
  out.data = *records;
  if (records->size() % 7 != 0) fail(out, Anomaly::bad_byte_count, out.byte_count);
  check_file_records(*records, FileRecordView::Kind::read_request, out);
}

void parse_file_read_response(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  // §6.14 gives 0x07 as the least response length, but one sub-response of one register is 4
  // bytes: accept any count that holds whole sub-responses.
  const auto records = counted_bytes(r, 2, kMaxFileRecordBytes, out);
  if (!records) return;
  out.data = *records;
  check_file_records(*records, FileRecordView::Kind::read_response, out);
}

void parse_file_write(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  const auto records = counted_bytes(r, kMinFileWriteBytes, kMaxFileWriteBytes, out);
  if (!records) return;
  out.data = *records;
  check_file_records(*records, FileRecordView::Kind::write, out);
}

void parse_mei(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  if (!need(r, 1, out)) return;
  out.sub = u8(r);
  out.present |= kFieldSub;
  if (out.sub != kMeiReadDeviceId) {
    // 13 CANopen General Reference carries CANopen data as is; other MEI types are reserved.
    if (out.sub != kMeiCanopen) out.note = Anomaly::reserved_sub_function;
    out.data = r.rest();
    r.skip(r.remaining());
    return;
  }
  if (out.direction == Direction::request) {
    if (!need(r, 2, out)) return;
    out.read_device_id_code = u8(r);
    out.object_id = u8(r);
    out.present |= kFieldDeviceIdRequest;
    if (out.read_device_id_code < 1 || out.read_device_id_code > 4) {
      fail(out, Anomaly::bad_device_id_code, out.read_device_id_code);
    }
    return;
  }
  if (!need(r, 5, out)) return;
  out.read_device_id_code = u8(r);
  out.conformity_level = u8(r);
  out.more_follows = u8(r);
  out.next_object_id = u8(r);
  out.object_count = u8(r);
  out.present |= kFieldDeviceIdRequest | kFieldDeviceIdResponse;
  if (out.read_device_id_code < 1 || out.read_device_id_code > 4) {
    fail(out, Anomaly::bad_device_id_code, out.read_device_id_code);
  }
  if (!valid_conformity(out.conformity_level)) fail(out, Anomaly::bad_conformity_level, out.conformity_level);
  if (out.more_follows != 0x00 && out.more_follows != 0xFF) fail(out, Anomaly::bad_more_follows, out.more_follows);
  const std::size_t start = r.position();
  for (std::size_t found = 0; found < out.object_count; ++found) {
    if (r.empty()) {
      fail(out, Anomaly::object_count_mismatch, static_cast<std::uint32_t>(found), out.object_count);
      break;
    }
    if (!need(r, 2, out)) break;
    r.skip(1);
    const std::uint8_t length = u8(r);
    if (!need(r, length, out)) break;
    r.skip(length);
  }
  out.data = r.consumed().subspan(start);
}

void parse_umas(core::ByteReader& r, const FunctionShape&, Pdu& out) {
  if (!need(r, 2, out)) return;
  out.umas_session = u8(r);
  const std::uint8_t code = u8(r);
  out.present |= kFieldUmasSession;
  // Responses carry a status in the code's place (0xFE ok, 0xFD error); requests never do.
  const bool status_code = code == kUmasOk || code == kUmasError;
  if (out.direction == Direction::request) {
    out.sub = code;
    out.present |= kFieldSub;
    if (status_code) fail(out, Anomaly::bad_umas_code, code);
  } else {
    out.status = code;
    out.present |= kFieldStatus;
    if (!status_code) fail(out, Anomaly::bad_umas_code, code);
  }
  out.data = r.rest();
  r.skip(r.remaining());
}

}  // namespace normwatch::protocols::modbus::detail
