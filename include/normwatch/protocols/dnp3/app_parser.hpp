// DNP3 application layer parser (IEEE 1815-2012 clause 4.2): application control, function code,
// IIN on responses, and every object header of a fragment, walking object data with the object
// table so that each header is found, not just the first. Pure: it writes into caller storage
// (reserved once) and allocates nothing. Walking stops at the first problem with a named anomaly
// (unknown object, bad qualifier, truncation, a limit); what was found so far is kept.
#pragma once

#include <span>
#include <vector>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/dnp3/anomaly.hpp"
#include "normwatch/protocols/dnp3/limits.hpp"
#include "normwatch/protocols/dnp3/pdu.hpp"

namespace normwatch::protocols::dnp3 {

// Where parse_app writes headers and decoded objects; each span's size caps that kind.
struct AppStorage {
  std::span<ObjectHeader> objects;
  std::span<ControlRelayOutput> controls;
  std::span<AnalogOutputCommand> analog_outputs;
  std::span<TimeObject> times;
};

// Storage sized from AppLimits, allocated once (per session, or per test).
class AppStorageBuffers {
 public:
  explicit AppStorageBuffers(const AppLimits& limits)
      : objects_(limits.max_objects_per_fragment),
        controls_(limits.max_decoded_controls),
        analog_outputs_(limits.max_decoded_analog_outputs),
        times_(limits.max_decoded_times) {}
  AppStorage view() { return AppStorage{objects_, controls_, analog_outputs_, times_}; }

 private:
  std::vector<ObjectHeader> objects_;
  std::vector<ControlRelayOutput> controls_;
  std::vector<AnalogOutputCommand> analog_outputs_;
  std::vector<TimeObject> times_;
};

// Parses one whole application fragment into `out` (spans point into `fragment` and `storage`).
// Returns out.error: Anomaly::none, or app_too_short (header incomplete: nothing else is set),
// unknown_function (objects not walked), bad_qualifier, bad_range, object_truncated,
// unknown_object, too_many_objects, too_many_points. Decoded-object overflow only sets
// out.decoded_truncated.
Anomaly parse_app(core::Bytes fragment, const AppLimits& limits, const AppStorage& storage, AppFragment& out);

}  // namespace normwatch::protocols::dnp3
