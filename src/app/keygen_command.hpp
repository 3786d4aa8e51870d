// `normwatch keygen NAME`: writes a CURVE key pair, NAME.key (secret, mode 0600) and NAME.pub
// (issue 7 §4). Copy NAME.pub to the collector's --allow directory (a sensor) or to each sensor
// (the collector, for --collector-pub); NAME.key never leaves the machine.
#pragma once

#include <string>

namespace normwatch::app {

// Returns the exit status: 0 written, 1 error (exists, unwritable), printed on stderr.
int run_keygen(const std::string& name);

}  // namespace normwatch::app
