// Stable names and short reasons of the DNP3 anomalies (see anomaly.hpp), as one table indexed by
// the enum so that a name can never drift from its value.
#include "normwatch/protocols/dnp3/anomaly.hpp"

#include <array>

namespace normwatch::protocols::dnp3 {

namespace {

struct Text {
  std::string_view name;
  std::string_view reason;
};

constexpr std::array<Text, kAnomalyCount> kTexts{{
    {"", ""},
    {"dnp3.no_sync", "no link start bytes"},
    {"dnp3.bad_link_length", "link length < 5"},
    {"dnp3.bad_link_crc", "bad link header crc"},
    {"dnp3.bad_data_crc", "bad data block crc"},
    {"dnp3.link_truncated", "truncated link frame"},
    {"dnp3.link_function_mismatch", "user data does not fit link function"},
    {"dnp3.unknown_link_function", "reserved link function"},
    {"dnp3.dir_inconsistent", "dir bit contradicts side"},
    {"dnp3.transport_no_fir", "transport segment without fir"},
    {"dnp3.transport_out_of_sequence", "transport sequence out of order"},
    {"dnp3.transport_fir_restart", "fir before previous fragment finished"},
    {"dnp3.fragment_too_long", "fragment over size limit"},
    {"dnp3.fragment_abandoned", "partial fragment abandoned"},
    {"dnp3.too_many_link_pairs", "too many link address pairs"},
    {"dnp3.app_too_short", "fragment shorter than application header"},
    {"dnp3.unknown_function", "reserved application function"},
    {"dnp3.bad_qualifier", "bad object qualifier"},
    {"dnp3.bad_range", "range stop below start"},
    {"dnp3.object_truncated", "object data truncated"},
    {"dnp3.unknown_object", "unknown object group/variation"},
    {"dnp3.too_many_objects", "too many object headers"},
    {"dnp3.too_many_points", "too many points in header"},
    {"dnp3.too_many_controls", "too many decoded control objects"},
    {"dnp3.role_mismatch", "function code does not fit sender role"},
    {"dnp3.too_many_outstanding", "too many outstanding requests"},
}};

}  // namespace

std::string_view name(Anomaly a) {
  const auto i = static_cast<std::size_t>(a);
  return i < kTexts.size() ? kTexts[i].name : std::string_view("dnp3.unknown_anomaly");
}

std::string_view reason(Anomaly a) {
  const auto i = static_cast<std::size_t>(a);
  return i < kTexts.size() ? kTexts[i].reason : std::string_view("unknown anomaly");
}

}  // namespace normwatch::protocols::dnp3
