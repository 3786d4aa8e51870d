// Giving up root once the capture is open (issue 8 §2): a sensor started as root outside systemd
// keeps only its open capture handle and runs as an unprivileged user, with no capabilities and
// no way to regain them (no_new_privs).
#pragma once

#include <string>

#include "normwatch/core/result.hpp"

namespace normwatch::app {

// The account the Debian package creates; used when --user is not given and it exists.
inline constexpr const char* kDefaultRunUser = "normwatch";

// Not root (systemd's User= with AmbientCapabilities=CAP_NET_RAW, or a user with file
// capabilities): nothing to do, returns "". Root: switches to `user` (its primary group only),
// which clears every capability, sets no_new_privs and checks that root cannot be regained; returns
// a line saying so. `user` empty means kDefaultRunUser when that account exists, else root stays
// root with a warning line; "root" keeps root on purpose. Errors: an unknown user, a failed switch.
core::Result<std::string, std::string> drop_privileges(const std::string& user);

}  // namespace normwatch::app
