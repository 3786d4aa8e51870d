// normwatch-capgen: writes the project's synthetic captures. A thin command line over the
// normwatch_tools library: `normwatch-capgen SCENARIO -o FILE [--frames N] [--flows N] [--seed N]`
// or `normwatch-capgen --list`. The same command always writes the same bytes.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "capgen/scenario.hpp"

namespace capgen = normwatch::tools::capgen;

namespace {

void print_list() {
  for (const capgen::Scenario& s : capgen::all_scenarios()) {
    std::printf("%-24.*s %.*s\n", static_cast<int>(s.name.size()), s.name.data(), static_cast<int>(s.summary.size()),
                s.summary.data());
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"normwatch-capgen: deterministic synthetic ICS captures (pcap, Ethernet, microsecond timestamps)"};
  std::string scenario;
  std::string output;
  capgen::ScenarioOptions options;
  bool list = false;
  app.add_option("scenario", scenario, "scenario to generate (see --list)");
  app.add_option("-o,--output", output, "pcap file to write");
  app.add_option("--frames", options.frames, "number of frames, for scenarios that take one (bench)");
  app.add_option("--flows", options.flows, "number of flows, for scenarios that take one (bench, bench-syn-sweep)");
  app.add_option("--seed", options.seed, "random seed (default 20260101)");
  app.add_flag("--list", list, "list the scenarios and what each capture shows");
  CLI11_PARSE(app, argc, argv);

  if (list) {
    print_list();
    return 0;
  }
  if (scenario.empty() || output.empty()) {
    std::fprintf(stderr, "normwatch-capgen: give a scenario and -o FILE (or --list)\n");
    return 2;
  }
  const auto result = capgen::write_scenario(scenario, options, output);
  if (!result) {
    std::fprintf(stderr, "normwatch-capgen: %s\n", result.error().c_str());
    return 1;
  }
  const capgen::PduCounts& p = result->pdus;
  // Scenarios with non-ICS traffic also give its exact share (bench-plant), on the same line.
  char background[96] = "";
  if (p.background_frames > 0 && result->frames > 0) {
    std::snprintf(background, sizeof background, " background_frames=%llu (%.2f%% of the frames)",
                  static_cast<unsigned long long>(p.background_frames),
                  100.0 * static_cast<double>(p.background_frames) / static_cast<double>(result->frames));
  }
  std::fprintf(stderr,
               "normwatch-capgen: wrote %llu frames to %s (modbus_adus=%llu dnp3_link_frames=%llu "
               "dnp3_fragments=%llu iec104_apdus=%llu)%s\n",
               static_cast<unsigned long long>(result->frames), output.c_str(),
               static_cast<unsigned long long>(p.modbus_adus), static_cast<unsigned long long>(p.dnp3_link_frames),
               static_cast<unsigned long long>(p.dnp3_fragments), static_cast<unsigned long long>(p.iec104_apdus),
               background);
  return 0;
}
