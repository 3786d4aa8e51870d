// One YAML file for everything the command line sets (issue 8 §3): /etc/normwatch/sensor.yaml
// holds `live:` (or `replay:`) with the long options of that command as keys, collector.yaml holds
// `collector:`. The file is turned into the command line it stands for and parsed by the same CLI11
// definitions, so every option any module adds is configurable with no second list to keep.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "normwatch/core/result.hpp"

namespace normwatch::app {

// A configuration file read into arguments. `args` is in command-line order (without the program
// name); `lines` gives the file line of each setting, to point parse errors at the file.
struct ConfigCommand {
  std::string section;                // "live", "replay", "collector"
  std::vector<std::string> args;
  struct Setting {
    std::string key;
    int line;
  };
  std::vector<Setting> settings;
};

// Reads `path` for `app`. `top_section` names the section that holds `app`'s own options (the
// collector's, which has no run subcommand); other sections must be subcommands of `app`.
// Errors are one line each: "FILE:LINE: what is wrong", with the known keys for a typo.
core::Result<ConfigCommand, std::string> load_config(const std::string& path, const CLI::App& app,
                                                      const std::string& top_section);

// Same, from YAML text (tests); `name` stands for the file in messages.
core::Result<ConfigCommand, std::string> parse_config(const std::string& text, const std::string& name,
                                                       const CLI::App& app, const std::string& top_section);

// Parses `command` with `app` as the command line would be; a CLI11 error becomes
// "FILE:LINE: key: message" when it names a setting of the file. Empty result: valid.
std::string validate_config(CLI::App& app, const ConfigCommand& command, const std::string& name);

// main()'s hook: `PROGRAM --config FILE [more options]` runs the command the file describes and
// `PROGRAM check-config FILE` validates it and prints the command line it stands for. Returns an
// exit status when main() should stop (check-config done, a bad file); otherwise main() parses
// `argv()` (the expanded command line, or the original one when neither form is used).
class ConfigArgv {
 public:
  ConfigArgv(int argc, char** argv, CLI::App& app, const std::string& top_section);
  std::optional<int> exit_code() const { return exit_code_; }
  int argc() const { return static_cast<int>(pointers_.size()) - 1; }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> storage_;
  std::vector<char*> pointers_;
  std::optional<int> exit_code_;
};

// Parses the (expanded) command line: nothing when the program should go on; otherwise the exit
// status after CLI11 printed the help, the version or the parse error (2 for an error). The same
// for both programs, normwatch and normwatch-collector.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv);

}  // namespace normwatch::app
