// Field decoding of DNP3 control and time objects (IEEE 1815-2012 annex A.8 g12, A.21 g41,
// A.25 g50, A.26 g51). All multi-byte fields are little-endian; DNP3 time is 48-bit UTC ms.
#include "normwatch/protocols/dnp3/object_decode.hpp"

#include <bit>

namespace normwatch::protocols::dnp3 {

ControlRelayOutput decode_crob(std::uint8_t variation, core::Bytes object) {
  core::ByteReader r(object);
  ControlRelayOutput c;
  c.variation = variation;
  c.control_code = r.u8().value_or(0);
  c.count = r.u8().value_or(0);
  c.on_time_ms = r.u32le().value_or(0);
  c.off_time_ms = r.u32le().value_or(0);
  c.status = r.u8().value_or(0);
  return c;
}

AnalogOutputCommand decode_analog_output(std::uint8_t variation, core::Bytes object) {
  core::ByteReader r(object);
  AnalogOutputCommand a;
  a.variation = variation;
  switch (variation) {
    case 1:
      a.int_value = static_cast<std::int32_t>(r.u32le().value_or(0));
      a.value = a.int_value;
      break;
    case 2:
      a.int_value = static_cast<std::int16_t>(r.u16le().value_or(0));
      a.value = a.int_value;
      break;
    case 3:
      a.is_float = true;
      a.value = std::bit_cast<float>(r.u32le().value_or(0));
      break;
    case 4:
      a.is_float = true;
      a.value = std::bit_cast<double>(r.u64le().value_or(0));
      break;
    default:
      return a;
  }
  a.status = r.u8().value_or(0);
  return a;
}

TimeObject decode_time(std::uint8_t group, std::uint8_t variation, core::Bytes object) {
  core::ByteReader r(object);
  TimeObject t;
  t.group = group;
  t.variation = variation;
  t.ms_since_epoch = r.u48le().value_or(0);
  if (group == 50 && variation == 2) {
    t.interval = r.u32le().value_or(0);
  } else if (group == 50 && variation == 4) {
    t.interval = r.u32le().value_or(0);
    t.interval_units = r.u8().value_or(0);
  }
  return t;
}

bool is_control_object(std::uint8_t group, std::uint8_t variation) {
  return group == 12 && (variation == 1 || variation == 2);
}
bool is_analog_output_object(std::uint8_t group, std::uint8_t variation) {
  return group == 41 && variation >= 1 && variation <= 4;
}
bool is_time_object(std::uint8_t group, std::uint8_t variation) {
  return (group == 50 && variation >= 1 && variation <= 4) || (group == 51 && (variation == 1 || variation == 2));
}

}  // namespace normwatch::protocols::dnp3
