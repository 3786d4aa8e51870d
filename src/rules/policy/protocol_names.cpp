// Protocol-name tables for conduit matching and SG-05/SG-06 (protocol_names.hpp). The remote-access
// and file-transfer sets are nDPI 4.2 protocol names (ndpi_main.c), canonicalised.
#include "protocol_names.hpp"

#include <array>

#include "text_parse.hpp"

namespace normwatch::rules::detail {

namespace {

struct Alias {
  std::string_view name;
  std::string_view canonical;
};

constexpr std::array<Alias, 18> kAliases{{
    {"modbus", "modbus"}, {"modbustcp", "modbus"}, {"modbus/tcp", "modbus"}, {"modbus-tcp", "modbus"},
    {"dnp3", "dnp3"}, {"dnp", "dnp3"},
    {"iec104", "iec104"}, {"iec-104", "iec104"}, {"iec60870", "iec104"}, {"iec60870-5-104", "iec104"},
    {"ftp", "ftp"}, {"ftp_control", "ftp"}, {"ftp_data", "ftp"},
    {"smb", "smb"}, {"smbv1", "smb"}, {"smbv23", "smb"},
    {"rfb", "vnc"}, {"teamviewer", "teamviewer"},
}};

// SG-05: interactive remote access and the tunnels it rides in (NSA 2021 OT advisory; FrostyGoop
// used L2TP).
constexpr std::array<std::string_view, 17> kRemoteAccess{
    "rdp", "vnc", "ssh", "telnet", "teamviewer", "anydesk", "l2tp", "pptp", "openvpn", "wireguard",
    "ipsec", "ciscovpn", "pcanywhere", "radmin", "rlogin", "rsh", "citrix"};

// SG-06: protocols that move files or settings (ELITEWOLF: SEL `STOR SET_` over FTP).
constexpr std::array<std::string_view, 6> kFileTransfer{"ftp", "ftps", "tftp", "smb", "nfs", "rsync"};

template <class F>
bool any_part(std::string_view app_name, F&& f) {
  while (!app_name.empty()) {
    const std::size_t dot = app_name.find('.');
    const std::string_view part = app_name.substr(0, dot);
    if (!part.empty() && f(canonical_protocol(part))) return true;
    if (dot == std::string_view::npos) break;
    app_name.remove_prefix(dot + 1);
  }
  return false;
}

template <std::size_t N>
std::string_view find_in(const std::array<std::string_view, N>& set, std::string_view app_name) {
  std::string_view found;
  any_part(app_name, [&](std::string_view canon) {
    for (const std::string_view s : set) {
      if (iequals(s, canon)) {
        found = s;
        return true;
      }
    }
    return false;
  });
  return found;
}

}  // namespace

std::string_view canonical_protocol(std::string_view name) {
  for (const Alias& a : kAliases) {
    if (iequals(a.name, name)) return a.canonical;
  }
  return name;
}

bool protocol_matches(std::string_view conduit_protocol, protocols::ProtocolId ics, std::string_view app_name) {
  if (conduit_protocol == "any") return true;
  if (ics != protocols::ProtocolId::unknown && conduit_protocol == protocols::name(ics)) return true;
  return any_part(app_name, [&](std::string_view canon) { return iequals(canon, conduit_protocol); });
}

std::string_view remote_access_name(std::string_view app_name) { return find_in(kRemoteAccess, app_name); }
std::string_view file_transfer_name(std::string_view app_name) { return find_in(kFileTransfer, app_name); }

}  // namespace normwatch::rules::detail
