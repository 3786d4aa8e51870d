// `normwatch keygen NAME` (see keygen_command.hpp).
#include "keygen_command.hpp"

#include <cstdio>

#include "normwatch/publish/curve_keys.hpp"

namespace normwatch::app {

int run_keygen(const std::string& name) {
  if (name.empty()) {
    std::fprintf(stderr, "normwatch: keygen needs a NAME\n");
    return 1;
  }
  auto pair = publish::generate_key_pair();
  if (!pair) {
    std::fprintf(stderr, "normwatch: %s\n", pair.error().c_str());
    return 1;
  }
  if (auto r = publish::write_key_pair(name, *pair); !r) {
    std::fprintf(stderr, "normwatch: %s\n", r.error().c_str());
    return 1;
  }
  std::printf("wrote %s.key (secret: keep it on this machine, mode 0600) and %s.pub (public)\n", name.c_str(),
              name.c_str());
  std::printf("public key: %s\n", pair->public_z85.c_str());
  return 0;
}

}  // namespace normwatch::app
