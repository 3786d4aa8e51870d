// `normwatch verify DIR`: checks an evidence bundle written by `normwatch-collector export`
// offline (issue 10 §3): the SHA256SUMS list, every chain link, every checkpoint signature against
// the pinned keys (the bundle's keys/ or the inspector's own --keys DIR), sequence order and gaps,
// the extracts against the events, and the rule pack and policy against the hashes the sensor's
// heartbeats report. Prints a verdict per sensor, naming what broke.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace normwatch::app {

struct VerifyFlags {
  std::string bundle;
  std::string keys;        // DIR of SENSOR.sign.pub pinned by the inspector ("" = the bundle's keys/)
  bool quiet = false;      // verdict lines only
};

// Declares `verify DIR [--keys DIR] [--quiet]` on `app`.
CLI::App* add_verify_command(CLI::App& app, VerifyFlags& flags);

// Exit status: 0 every sensor verified, 1 something failed, 2 not a readable bundle.
int run_verify(const VerifyFlags& flags);

}  // namespace normwatch::app
