// normwatch command line (being built: replay, live, decode).
#include <cstdio>

#include "normwatch/version.hpp"

int main() {
  std::printf("normwatch %s (%s)\n", normwatch::kVersion, normwatch::kGitRevision);
  return 0;
}
