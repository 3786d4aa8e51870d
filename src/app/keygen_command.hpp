// `normwatch keygen NAME`: writes a CURVE key pair, NAME.key (secret, mode 0600) and NAME.pub
// (issue 7 §4), and the Ed25519 identity key that signs evidence checkpoints, NAME.sign.key
// (secret, 0600) and NAME.sign.pub (issue 10; publish/signer.hpp). Copy NAME.pub and
// NAME.sign.pub to the collector's --allow directory (a sensor) or NAME.pub to each sensor (the
// collector, for --collector-pub); NAME.key and NAME.sign.key never leave the machine.
#pragma once

#include <string>

namespace normwatch::app {

// Returns the exit status: 0 written, 1 error (exists, unwritable), printed on stderr.
int run_keygen(const std::string& name);

}  // namespace normwatch::app
