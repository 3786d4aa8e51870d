// libFuzzer target: the DNP3 application parser on arbitrary fragments, with default and with tiny
// limits, then every accessor a rule would use (object iteration, decoded objects, describe()).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "normwatch/protocols/dnp3/app_parser.hpp"
#include "normwatch/protocols/dnp3/object_decode.hpp"
#include "normwatch/protocols/dnp3/pdu.hpp"

using namespace normwatch;
using namespace normwatch::protocols;

namespace {

class NullWriter final : public core::FieldWriter {
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

void check(core::Bytes fragment, const dnp3::AppLimits& limits, dnp3::AppStorageBuffers& storage) {
  dnp3::Pdu pdu;
  pdu.has_app = true;
  const dnp3::Anomaly a = dnp3::parse_app(fragment, limits, storage.view(), pdu.app);
  if (a != pdu.app.error) std::abort();
  if (pdu.app.objects.size() > limits.max_objects_per_fragment) std::abort();
  const std::byte* begin = fragment.data();
  const std::byte* end = fragment.data() + fragment.size();
  for (const dnp3::ObjectHeader& h : pdu.app.objects) {
    if (!h.data.empty() && (h.data.data() < begin || h.data.data() + h.data.size() > end)) std::abort();
    dnp3::for_each_object(h, [&](std::uint32_t, core::Bytes object) {
      if (!object.empty() && (object.data() < begin || object.data() + object.size() > end)) std::abort();
    });
  }
  NullWriter w;
  dnp3::describe(pdu, w);
}

}  // namespace

static dnp3::AppLimits tiny_limits() {
  dnp3::AppLimits tiny;
  tiny.max_objects_per_fragment = 3;
  tiny.max_points_per_header = 20;
  tiny.max_decoded_controls = 1;
  tiny.max_decoded_analog_outputs = 1;
  tiny.max_decoded_times = 1;
  return tiny;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const dnp3::AppLimits kDefault{};
  static const dnp3::AppLimits kTiny = tiny_limits();
  static dnp3::AppStorageBuffers default_storage(kDefault);  // reserved once, like a session's
  static dnp3::AppStorageBuffers tiny_storage(kTiny);
  const core::Bytes fragment = core::as_bytes(data, size);
  check(fragment, kDefault, default_storage);
  check(fragment, kTiny, tiny_storage);
  return 0;
}
