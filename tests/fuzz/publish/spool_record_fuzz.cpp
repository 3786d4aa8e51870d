// Fuzz target: spool record decoding (publish/spool_format.hpp), which runs over whatever a crash
// or a power cut left on disk. Every record that decodes must re-encode to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "normwatch/publish/spool_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  normwatch::publish::RecordView rec;
  while (normwatch::publish::decode_record(rest, rec) == normwatch::publish::RecordStatus::ok) {
    std::string again;
    normwatch::publish::encode_record(again, rec.seq, rec.payload);
    if (again != rest.substr(0, rec.size)) std::abort();
    rest.remove_prefix(rec.size);
  }
  return 0;
}
