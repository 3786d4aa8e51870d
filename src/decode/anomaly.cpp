// Stable names of decode anomalies ("decode.<enum name>"), which rules and health reports use.
// The table is indexed by the enum, so adding an anomaly without a name fails to compile.
#include "normwatch/decode/anomaly.hpp"

namespace normwatch::decode {

namespace {
constexpr std::array<std::string_view, kDecodeAnomalyCount> kNames{
    "decode.truncated_link",
    "decode.truncated_vlan",
    "decode.too_many_vlan_tags",
    "decode.truncated_ipv4",
    "decode.bad_ipv4_header_length",
    "decode.bad_ipv4_total_length",
    "decode.bad_ipv4_checksum",
    "decode.truncated_ipv6",
    "decode.bad_ipv6_extension",
    "decode.bad_ip_version",
    "decode.fragment_overlap",
    "decode.fragment_too_large",
    "decode.fragment_table_full",
    "decode.fragment_timeout",
    "decode.truncated_tcp",
    "decode.bad_tcp_data_offset",
    "decode.bad_tcp_checksum",
    "decode.truncated_udp",
    "decode.bad_udp_length",
    "decode.bad_udp_checksum",
    "decode.snaplen_truncated",
    "decode.unsupported_link_type",
    "decode.bad_tcp_option",
    "decode.too_many_fragments",
};

constexpr bool all_named() {
  for (std::string_view n : kNames) {
    if (n.empty()) return false;
  }
  return true;
}
static_assert(all_named(), "every DecodeAnomaly needs a stable name");
}  // namespace

std::string_view name(DecodeAnomaly anomaly) {
  const auto i = static_cast<std::size_t>(anomaly);
  return i < kNames.size() ? kNames[i] : std::string_view{"decode.unknown"};
}

}  // namespace normwatch::decode
