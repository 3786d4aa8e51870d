// DNP3 application fragment parser (IEEE 1815-2012 clause 4.2.2: application header, object
// headers, qualifier codes; annex A for object sizes). Every length comes from the fragment and is
// bounds-checked through ByteReader; counts are checked against AppLimits before any multiplication
// or loop, so a hostile count costs nothing (Suricata PR #5093/#6267 were overflows in object walks).
#include "normwatch/protocols/dnp3/app_parser.hpp"

#include <array>
#include <optional>

#include "normwatch/core/reset.hpp"
#include "normwatch/protocols/dnp3/object_decode.hpp"
#include "normwatch/protocols/dnp3/object_table.hpp"

namespace normwatch::protocols::dnp3 {

namespace {

// Prefix code -> bytes before each object (code 7 is reserved).
constexpr std::array<std::uint8_t, 8> kPrefixSize{0, 1, 2, 4, 1, 2, 4, 0};

// Reads a 1, 2 or 4-byte little-endian field (prefix, range or count) through the reader's inline
// fixed-width loads.
inline std::optional<std::uint32_t> read_width(core::ByteReader& r, std::size_t width) {
  switch (width) {
    case 1: {
      const auto v = r.u8();
      return v ? std::optional<std::uint32_t>(*v) : std::nullopt;
    }
    case 2: {
      const auto v = r.u16le();
      return v ? std::optional<std::uint32_t>(*v) : std::nullopt;
    }
    default:
      return r.u32le();
  }
}

constexpr bool is_secure_auth_function(std::uint8_t code) {
  return code == fc::kAuthRequest || code == fc::kAuthRequestNoAck || code == fc::kAuthResponse;
}

class Walker {
 public:
  Walker(core::Bytes fragment, const AppLimits& limits, const AppStorage& storage, AppFragment& out, bool carries_data)
      : fragment_(fragment), r_(fragment), limits_(limits), storage_(storage), out_(out), carries_data_(carries_data) {}

  void skip(std::size_t n) { r_.skip(n); }

  Anomaly walk() {
    while (!r_.empty()) {
      const Anomaly a = header();
      if (a != Anomaly::none) return a;
    }
    return Anomaly::none;
  }

  void finish() {
    out_.objects = storage_.objects.first(n_objects_);
    out_.controls = storage_.controls.first(n_controls_);
    out_.analog_outputs = storage_.analog_outputs.first(n_analog_);
    out_.times = storage_.times.first(n_times_);
  }

 private:
  Anomaly header();
  Anomaly read_range(ObjectHeader& h);
  Anomaly walk_data(ObjectHeader& h);
  Anomaly walk_size_prefixed(ObjectHeader& h);
  Anomaly walk_attributes(ObjectHeader& h);
  void decode(const ObjectHeader& h);

  ObjectHeader& record(const ObjectHeader& h) {
    storage_.objects[n_objects_] = h;
    return storage_.objects[n_objects_++];
  }
  bool too_many_points(const ObjectHeader& h) const { return h.count > limits_.max_points_per_header; }

  core::Bytes fragment_;
  core::ByteReader r_;
  const AppLimits& limits_;
  const AppStorage& storage_;
  AppFragment& out_;
  bool carries_data_;
  std::size_t n_objects_ = 0;
  std::size_t n_controls_ = 0;
  std::size_t n_analog_ = 0;
  std::size_t n_times_ = 0;
};

Anomaly Walker::header() {
  if (n_objects_ >= storage_.objects.size() || n_objects_ >= limits_.max_objects_per_fragment) {
    return Anomaly::too_many_objects;
  }
  if (!r_.has(3)) return Anomaly::object_truncated;
  ObjectHeader h;
  h.group = *r_.u8();
  h.variation = *r_.u8();
  h.qualifier = *r_.u8();
  if (h.group == 120) out_.secure_auth = true;
  if ((h.qualifier & 0x80) != 0 || h.prefix_code() == 7) {
    record(h);
    return Anomaly::bad_qualifier;
  }
  h.prefix_size = kPrefixSize[h.prefix_code()];
  const Anomaly range = read_range(h);
  if (range == Anomaly::object_truncated) return range;
  ObjectHeader& stored = record(h);
  if (range != Anomaly::none) return range;
  return walk_data(stored);
}

Anomaly Walker::read_range(ObjectHeader& h) {
  const std::uint8_t code = h.range_code();
  if (code <= 0x05) {
    // 0-2: start/stop indices, 3-5: start/stop virtual addresses; 1, 2 or 4 bytes each.
    const std::size_t width = std::size_t{1} << (code % 3);
    const auto start = read_width(r_, width);
    const auto stop = read_width(r_, width);
    if (!start || !stop) return Anomaly::object_truncated;
    h.start = static_cast<std::uint32_t>(*start);
    h.stop = static_cast<std::uint32_t>(*stop);
    if (h.stop < h.start) return Anomaly::bad_range;
    h.count = std::uint64_t{h.stop} - h.start + 1;
    return Anomaly::none;
  }
  if (code == 0x06) return h.prefix_code() == 0 ? Anomaly::none : Anomaly::bad_qualifier;
  if (code >= 0x07 && code <= 0x09) {
    const auto count = read_width(r_, std::size_t{1} << (code - 0x07));
    if (!count) return Anomaly::object_truncated;
    h.count = *count;
    return Anomaly::none;
  }
  if (code == 0x0B) {
    // Variable format: a one-byte count of objects that each carry a size prefix.
    if (!h.size_prefixed()) return Anomaly::bad_qualifier;
    const auto count = r_.u8();
    if (!count) return Anomaly::object_truncated;
    h.count = *count;
    return Anomaly::none;
  }
  return Anomaly::bad_qualifier;  // 0xA and 0xC-0xF are reserved
}

Anomaly Walker::walk_data(ObjectHeader& h) {
  if (h.range_code() == 0x06) return Anomaly::none;  // "all points": nothing follows
  if (h.size_prefixed()) return walk_size_prefixed(h);

  // Requests that carry no object data still carry index prefixes (e.g. read qualifier 0x17).
  const ObjectSpec spec = carries_data_ ? object_spec(h.group, h.variation) : ObjectSpec{ObjectLayout::none, 0};
  std::uint64_t per_object = h.prefix_size;
  std::uint64_t total = 0;
  switch (spec.layout) {
    case ObjectLayout::unknown:
      return Anomaly::unknown_object;
    case ObjectLayout::size_prefixed:
      return Anomaly::bad_qualifier;  // variable-size object without a size prefix
    case ObjectLayout::attribute:
      return walk_attributes(h);
    case ObjectLayout::none:
      break;
    case ObjectLayout::fixed:
    case ObjectLayout::octet_string:
      h.object_size = spec.size;
      per_object += spec.size;
      break;
    case ObjectLayout::packed:
      // With an index prefix each point takes a whole byte (Wireshark does the same).
      per_object = h.prefix_size == 0 ? 0 : h.prefix_size + 1u;
      break;
  }
  const bool packed_run = spec.layout == ObjectLayout::packed && h.prefix_size == 0;
  if (per_object == 0 && !packed_run) return Anomaly::none;  // objects without bytes
  if (too_many_points(h)) return Anomaly::too_many_points;
  // count <= max_points_per_header (<= 2^32 from a 4-byte range) and per_object <= 259: no overflow.
  total = packed_run ? (h.count * spec.size + 7) / 8 : h.count * per_object;
  if (total > r_.remaining()) return Anomaly::object_truncated;
  h.data = *r_.take(static_cast<std::size_t>(total));
  decode(h);
  return Anomaly::none;
}

Anomaly Walker::walk_size_prefixed(ObjectHeader& h) {
  if (too_many_points(h)) return Anomaly::too_many_points;
  const std::size_t begin = r_.position();
  for (std::uint64_t i = 0; i < h.count; ++i) {
    const auto size = read_width(r_, h.prefix_size);  // every iteration consumes >= 1 byte
    if (!size || !r_.skip(static_cast<std::size_t>(*size))) return Anomaly::object_truncated;
  }
  h.data = fragment_.subspan(begin, r_.position() - begin);
  return Anomaly::none;
}

Anomaly Walker::walk_attributes(ObjectHeader& h) {
  // g0 device attribute: data type code, length, value; type 0xFF (extended list) has
  // length + 256 bytes of value.
  if (too_many_points(h)) return Anomaly::too_many_points;
  const std::size_t begin = r_.position();
  for (std::uint64_t i = 0; i < h.count; ++i) {
    if (!r_.skip(h.prefix_size)) return Anomaly::object_truncated;
    const auto type = r_.u8();
    const auto length = r_.u8();
    if (!type || !length) return Anomaly::object_truncated;
    const std::size_t value = *length + (*type == 0xFF ? 256u : 0u);
    if (!r_.skip(value)) return Anomaly::object_truncated;
  }
  h.data = fragment_.subspan(begin, r_.position() - begin);
  return Anomaly::none;
}

void Walker::decode(const ObjectHeader& h) {
  // Only g12 (controls), g41 (analog outputs), g50/g51 (time) are decoded to fields.
  if (h.object_size == 0 || (h.group != 12 && h.group != 41 && h.group != 50 && h.group != 51)) return;
  if (is_control_object(h.group, h.variation)) {
    for_each_object(h, [&](std::uint32_t index, core::Bytes object) {
      if (n_controls_ >= storage_.controls.size()) {
        out_.decoded_truncated = true;
        return;
      }
      ControlRelayOutput c = decode_crob(h.variation, object);
      c.index = index;
      storage_.controls[n_controls_++] = c;
    });
  } else if (is_analog_output_object(h.group, h.variation)) {
    for_each_object(h, [&](std::uint32_t index, core::Bytes object) {
      if (n_analog_ >= storage_.analog_outputs.size()) {
        out_.decoded_truncated = true;
        return;
      }
      AnalogOutputCommand a = decode_analog_output(h.variation, object);
      a.index = index;
      storage_.analog_outputs[n_analog_++] = a;
    });
  } else if (is_time_object(h.group, h.variation)) {
    for_each_object(h, [&](std::uint32_t index, core::Bytes object) {
      if (n_times_ >= storage_.times.size()) {
        out_.decoded_truncated = true;
        return;
      }
      TimeObject t = decode_time(h.group, h.variation, object);
      t.index = index;
      storage_.times[n_times_++] = t;
    });
  }
}

}  // namespace

Anomaly parse_app(core::Bytes fragment, const AppLimits& limits, const AppStorage& storage, AppFragment& out) {
  core::reset_to_default(out);  // not `out = AppFragment{}`: GCC made that a slow `rep stos`
  out.size = fragment.size();
  core::ByteReader r(fragment);
  const auto control = r.u8();
  const auto function = r.u8();
  if (!control || !function) {
    out.error = Anomaly::app_too_short;
    return out.error;
  }
  out.control = AppControl::from_byte(*control);
  out.function = *function;
  out.secure_auth = is_secure_auth_function(out.function);
  const FunctionInfo& info = function_info(out.function);
  if (info.is_response) {
    const auto iin = r.u16be();  // IIN1 then IIN2: IIN1 lands in the high byte
    if (!iin) {
      out.error = Anomaly::app_too_short;
      return out.error;
    }
    out.has_iin = true;
    out.iin = *iin;
  }
  if (!info.known()) {
    out.error = Anomaly::unknown_function;
    return out.error;
  }
  Walker walker(fragment, limits, storage, out, info.carries_data);
  walker.skip(r.position());
  out.error = walker.walk();
  walker.finish();
  return out.error;
}

}  // namespace normwatch::protocols::dnp3
