// Fuzz target: what the collector does with a received record before it trusts it (issue 10 §2,
// events/slice_ref.hpp): split at the attachment, read the slice reference from the line, decode
// the base64. Besides not crashing: decoded bytes re-encode to bytes that decode the same, and a
// name the reference check accepts is a plain file name.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "normwatch/events/slice_ref.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace normwatch::events;
  const std::string_view record(reinterpret_cast<const char*>(data), size);
  const RecordParts parts = split_attachment(record);
  if (parts.line.find(kAttachmentSeparator) != std::string_view::npos) std::abort();
  if (const auto ref = read_slice_ref(parts.line); ref && valid_slice_name(ref->name)) {
    if (ref->name.find('/') != std::string::npos || ref->name.front() == '.') std::abort();
  }
  if (const auto bytes = from_base64(parts.attachment, 1U << 20)) {
    if (from_base64(to_base64(*bytes), 1U << 20) != bytes) std::abort();
    (void)sha256_hex(*bytes);
  }
  return 0;
}
