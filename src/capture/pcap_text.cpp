// One-line user messages built from libpcap's names and errors.
#include "pcap_text.hpp"

#include <pcap/pcap.h>

namespace normwatch::capture::detail {

std::string unsupported_link_type_message(int dlt) {
  const char* name = pcap_datalink_val_to_name(dlt);
  return "link type " + std::to_string(dlt) + " (" + (name != nullptr ? name : "unknown") +
         ") is not supported (normwatch reads Ethernet, Linux SLL/SLL2, raw IP and BSD loopback)";
}

bool is_truncation_reason(const std::string& reason) {
  // libpcap 1.10: "truncated dump file; tried to read ..." (pcap) and "truncated pcapng dump
  // file; tried to read ..." (pcapng).
  return reason.find("truncated") != std::string::npos;
}

}  // namespace normwatch::capture::detail
