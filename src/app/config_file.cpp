// The YAML configuration file (config_file.hpp): a map with one section, whose keys are the long
// options of that command. Switches take true/false, lists repeat their option. Read with yaml-cpp
// (0.7), whose marks give the line of each key for error messages.
#include "config_file.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace normwatch::app {

namespace {

std::string at(const std::string& name, const YAML::Mark& mark) {
  return name + ":" + std::to_string(mark.line + 1) + ": ";
}

// The options a section may set: every long option but help and version.
std::vector<const CLI::Option*> settable(const CLI::App& section) {
  return section.get_options([](const CLI::Option* o) {
    if (o->get_lnames().empty()) return false;
    const std::string& n = o->get_lnames().front();
    return n != "help" && n != "help-all" && n != "version";
  });
}

const CLI::Option* find_option(const CLI::App& section, const std::string& key) {
  for (const CLI::Option* o : settable(section)) {
    for (const std::string& n : o->get_lnames()) {
      if (n == key) return o;
    }
  }
  return nullptr;
}

std::string known_keys(const CLI::App& section) {
  std::string out;
  for (const CLI::Option* o : settable(section)) out += (out.empty() ? "" : ", ") + o->get_lnames().front();
  return out;
}

const CLI::App* find_section(const CLI::App& app, const std::string& name, const std::string& top_section) {
  if (name == top_section) return &app;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

std::string section_names(const CLI::App& app, const std::string& top_section) {
  std::string out = top_section;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    out += (out.empty() ? "" : ", ") + sub->get_name();
  }
  return out;
}

// One key: "--key value", "--key" for a true switch, "--key v" per item of a list.
// Errors point at the key's line (an empty value's own mark is on the next line).
core::Result<bool, std::string> add_setting(const std::string& name, const YAML::Node& key_node, const YAML::Node& value,
                                            const CLI::Option& option, ConfigCommand& out) {
  const std::string key = key_node.Scalar();
  const std::string flag = "--" + key;
  const bool is_switch = option.get_expected_max() == 0;  // add_flag: takes no value
  const std::string where = at(name, key_node.Mark()) + key;
  if (value.IsNull()) return core::unexpected(where + ": no value");
  if (value.IsMap()) return core::unexpected(where + ": a value or a list is expected, not a map");
  if (is_switch) {
    bool on = false;
    if (!value.IsScalar() || !YAML::convert<bool>::decode(value, on)) {
      return core::unexpected(where + ": a switch: write true or false");
    }
    if (on) out.args.push_back(flag);
    return true;
  }
  if (value.IsSequence()) {
    if (value.size() == 0) return true;
    for (const YAML::Node& item : value) {
      if (!item.IsScalar()) return core::unexpected(at(name, item.Mark()) + key + ": list items must be values");
      out.args.push_back(flag);
      out.args.push_back(item.Scalar());
    }
    return true;
  }
  out.args.push_back(flag);
  out.args.push_back(value.Scalar());
  return true;
}

}  // namespace

core::Result<ConfigCommand, std::string> parse_config(const std::string& text, const std::string& name,
                                                       const CLI::App& app, const std::string& top_section) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return core::unexpected(at(name, e.mark) + "not valid YAML: " + e.msg);
  }
  if (!root.IsMap() || root.size() != 1) {
    return core::unexpected(name + ": expected one section (" + section_names(app, top_section) +
                            ") holding the settings");
  }
  // Copies: yaml-cpp's iterator hands out a temporary pair, so references into it would dangle.
  const YAML::Node section_key = root.begin()->first;
  const YAML::Node settings = root.begin()->second;
  ConfigCommand out;
  out.section = section_key.as<std::string>("");
  const CLI::App* section = find_section(app, out.section, top_section);
  if (section == nullptr) {
    return core::unexpected(at(name, section_key.Mark()) + "unknown section '" + out.section +
                            "' (this program reads: " + section_names(app, top_section) + ")");
  }
  if (settings.IsNull()) return out;
  if (!settings.IsMap()) {
    return core::unexpected(at(name, settings.Mark()) + "section '" + out.section + "' must be a map of settings");
  }
  for (const auto& entry : settings) {  // a value (iterator_value), not a reference into the node
    const std::string key = entry.first.as<std::string>("");
    const CLI::Option* option = find_option(*section, key);
    if (option == nullptr) {
      return core::unexpected(at(name, entry.first.Mark()) + "unknown setting '" + key + "' in section '" +
                              out.section + "' (known: " + known_keys(*section) + ")");
    }
    for (const auto& seen : out.settings) {
      if (seen.key == key) return core::unexpected(at(name, entry.first.Mark()) + key + ": set twice");
    }
    auto added = add_setting(name, entry.first, entry.second, *option, out);
    if (!added) return core::unexpected(added.error());
    out.settings.push_back({key, entry.first.Mark().line + 1});
  }
  return out;
}

core::Result<ConfigCommand, std::string> load_config(const std::string& path, const CLI::App& app,
                                                      const std::string& top_section) {
  std::ifstream in(path);
  if (!in) return core::unexpected(path + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path, app, top_section);
}

std::string validate_config(CLI::App& app, const ConfigCommand& command, const std::string& name) {
  std::vector<std::string> reversed(command.args.rbegin(), command.args.rend());
  if (command.section != app.get_name() && find_section(app, command.section, "") != nullptr) {
    reversed.push_back(command.section);
  }
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    const std::string what = e.what();
    // Point at the setting the message names (the longest name that fits: --max-flows, not --max).
    const ConfigCommand::Setting* best = nullptr;
    for (const auto& s : command.settings) {
      if (what.find("--" + s.key) != std::string::npos && (best == nullptr || s.key.size() > best->key.size())) best = &s;
    }
    if (best != nullptr) return name + ":" + std::to_string(best->line) + ": " + best->key + ": " + what;
    return name + ": " + what;
  }
  return {};
}

ConfigArgv::ConfigArgv(int argc, char** argv, CLI::App& app, const std::string& top_section) {
  const std::string first = argc > 1 ? argv[1] : "";
  const bool check = first == "check-config";
  const bool run = first == "--config";
  if ((check || run) && argc < 3) {
    std::fprintf(stderr, "usage: %s %s FILE\n", argv[0], first.c_str());
    exit_code_ = 2;
  } else if (check || run) {
    const std::string path = argv[2];
    auto command = load_config(path, app, top_section);
    std::string error = command ? validate_config(app, *command, path) : command.error();
    if (!error.empty()) {
      std::fprintf(stderr, "%s\n", error.c_str());
      exit_code_ = 1;
    } else {
      storage_.push_back(argv[0]);
      if (command->section != top_section) storage_.push_back(command->section);
      storage_.insert(storage_.end(), command->args.begin(), command->args.end());
      for (int i = 3; i < argc; ++i) storage_.push_back(argv[i]);
      if (check) {
        std::string line;
        for (const std::string& a : storage_) {
          line += (line.empty() ? "" : " ") + (a.find_first_of(" \t'\"") == std::string::npos ? a : "'" + a + "'");
        }
        std::printf("%s: valid; it stands for: %s\n", path.c_str(), line.c_str());
        exit_code_ = 0;
      }
    }
  } else {
    for (int i = 0; i < argc; ++i) storage_.push_back(argv[i]);
  }
  for (std::string& s : storage_) pointers_.push_back(s.data());
  pointers_.push_back(nullptr);
}

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  return std::nullopt;
}

}  // namespace normwatch::app
