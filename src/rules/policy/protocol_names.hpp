// Protocol names in conduits and flows: aliases (nDPI's "IEC60870" is iec104, "FTP_CONTROL" is
// ftp, "SMBv23" is smb), matching a conduit's `protocol` against a flow, and the remote-access
// (SG-05) and file-transfer (SG-06) name sets. Case-insensitive; no allocation.
#pragma once

#include <string_view>

#include "normwatch/protocols/common/protocol_id.hpp"

namespace normwatch::rules::detail {

// The canonical lower-case name of a protocol name or alias; the input itself when it has none.
std::string_view canonical_protocol(std::string_view name);

// Whether a conduit's canonical protocol (lower case; "any" matches everything) names this flow:
// the ICS protocol's name, or nDPI's application name or any of its dot-separated parts
// ("TLS.AnyDesk" is AnyDesk).
bool protocol_matches(std::string_view conduit_protocol, protocols::ProtocolId ics, std::string_view app_name);

// The canonical name of the remote-access / file-transfer protocol in app_name, or "" when none.
std::string_view remote_access_name(std::string_view app_name);
std::string_view file_transfer_name(std::string_view app_name);

}  // namespace normwatch::rules::detail
