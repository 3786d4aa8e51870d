// Which libpcap link types the decoder reads (raw_frame.hpp keeps the list, header-only, so the
// decode module can use it without linking capture).
#include "normwatch/capture/pcap_file.hpp"

namespace normwatch::capture {

bool is_supported_link_type(int dlt) { return is_decodable_link_type(dlt); }

}  // namespace normwatch::capture
