// The YAML configuration file (src/app/config_file.hpp, issue 8 §3): settings become the command
// line, and every mistake is reported with the file's line.
#include "config_file.hpp"

#include <gtest/gtest.h>

namespace normwatch::app {
namespace {

// A stand-in for normwatch's command line: a subcommand with a required value, a number, a switch
// and a repeatable option, and a top-level option for a program without subcommands.
struct Cli {
  CLI::App app{"test"};
  std::string interface;
  std::size_t max_flows = 0;
  bool no_ndpi = false;
  std::vector<std::string> tags;
  std::string listen;
  CLI::App* live = nullptr;
  Cli() {
    app.add_option("--listen", listen);
    live = app.add_subcommand("live");
    live->add_option("-i,--interface", interface)->required();
    live->add_option("--max-flows", max_flows);
    live->add_flag("--no-ndpi", no_ndpi);
    live->add_option("--tag", tags);
  }
};

TEST(ConfigFile, SettingsBecomeTheCommandLine) {
  Cli cli;
  const auto cfg = parse_config("live:\n  interface: eth1\n  max-flows: 1000\n  no-ndpi: true\n  tag: [a, b]\n",
                                "s.yaml", cli.app, "top");
  ASSERT_TRUE(cfg) << cfg.error();
  EXPECT_EQ(cfg->section, "live");
  EXPECT_EQ(cfg->args, (std::vector<std::string>{"--interface", "eth1", "--max-flows", "1000", "--no-ndpi", "--tag",
                                                 "a", "--tag", "b"}));
  ASSERT_EQ(cfg->settings.size(), 4u);
  EXPECT_EQ(cfg->settings[1].key, "max-flows");
  EXPECT_EQ(cfg->settings[1].line, 3);
  EXPECT_EQ(validate_config(cli.app, *cfg, "s.yaml"), "");
  EXPECT_EQ(cli.interface, "eth1");
  EXPECT_EQ(cli.max_flows, 1000u);
  EXPECT_TRUE(cli.no_ndpi);
  EXPECT_EQ(cli.tags, (std::vector<std::string>{"a", "b"}));
}

TEST(ConfigFile, FalseSwitchIsLeftOut) {
  Cli cli;
  const auto cfg = parse_config("live:\n  interface: eth1\n  no-ndpi: false\n", "s.yaml", cli.app, "top");
  ASSERT_TRUE(cfg) << cfg.error();
  EXPECT_EQ(cfg->args, (std::vector<std::string>{"--interface", "eth1"}));
}

TEST(ConfigFile, TopSectionSetsTheProgramsOwnOptions) {
  Cli cli;
  const auto cfg = parse_config("top:\n  listen: tcp://*:7700\n", "c.yaml", cli.app, "top");
  ASSERT_TRUE(cfg) << cfg.error();
  EXPECT_EQ(validate_config(cli.app, *cfg, "c.yaml"), "");
  EXPECT_EQ(cli.listen, "tcp://*:7700");
}

TEST(ConfigFile, UnknownSettingNamesItsLineAndTheKnownKeys) {
  Cli cli;
  const auto cfg = parse_config("live:\n  interface: eth1\n  max-flow: 10\n", "s.yaml", cli.app, "top");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error(), "s.yaml:3: unknown setting 'max-flow' in section 'live' (known: interface, max-flows, "
                         "no-ndpi, tag)");
}

TEST(ConfigFile, UnknownSectionListsTheSections) {
  Cli cli;
  const auto cfg = parse_config("# comment\nreplay:\n  x: 1\n", "s.yaml", cli.app, "top");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error(), "s.yaml:2: unknown section 'replay' (this program reads: top, live)");
}

TEST(ConfigFile, BadValueIsReportedAtItsLine) {
  Cli cli;
  const auto cfg = parse_config("live:\n  interface: eth1\n  max-flows: many\n", "s.yaml", cli.app, "top");
  ASSERT_TRUE(cfg) << cfg.error();
  const std::string error = validate_config(cli.app, *cfg, "s.yaml");
  EXPECT_EQ(error.rfind("s.yaml:3: max-flows: ", 0), 0u) << error;
}

TEST(ConfigFile, MissingRequiredSettingIsNamed) {
  Cli cli;
  const auto cfg = parse_config("live:\n  max-flows: 5\n", "s.yaml", cli.app, "top");
  ASSERT_TRUE(cfg) << cfg.error();
  const std::string error = validate_config(cli.app, *cfg, "s.yaml");
  EXPECT_NE(error.find("--interface is required"), std::string::npos) << error;
}

TEST(ConfigFile, ShapeErrors) {
  Cli cli;
  EXPECT_EQ(parse_config("live:\n  interface:\n", "s.yaml", cli.app, "top").error(), "s.yaml:2: interface: no value");
  EXPECT_EQ(parse_config("live:\n  interface: eth1\n  no-ndpi: maybe\n", "s.yaml", cli.app, "top").error(),
            "s.yaml:3: no-ndpi: a switch: write true or false");
  EXPECT_EQ(parse_config("live:\n  interface: {a: 1}\n", "s.yaml", cli.app, "top").error(),
            "s.yaml:2: interface: a value or a list is expected, not a map");
  EXPECT_EQ(parse_config("live:\n  interface: a\n  interface: b\n", "s.yaml", cli.app, "top").error(),
            "s.yaml:3: interface: set twice");
  EXPECT_EQ(parse_config("live: [1]\n", "s.yaml", cli.app, "top").error(),
            "s.yaml:1: section 'live' must be a map of settings");
  EXPECT_EQ(parse_config("live: {}\ntop: {}\n", "s.yaml", cli.app, "top").error(),
            "s.yaml: expected one section (top, live) holding the settings");
}

TEST(ConfigFile, SyntaxErrorHasALine) {
  Cli cli;
  const auto cfg = parse_config("live:\n  interface: eth1\n  tag: [a, b\n", "s.yaml", cli.app, "top");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().rfind("s.yaml:", 0), 0u) << cfg.error();
  EXPECT_NE(cfg.error().find("not valid YAML"), std::string::npos) << cfg.error();
}

TEST(ConfigFile, MissingFile) {
  Cli cli;
  const auto cfg = load_config("/nonexistent/normwatch.yaml", cli.app, "top");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error(), "/nonexistent/normwatch.yaml: cannot read the file");
}

}  // namespace
}  // namespace normwatch::app
