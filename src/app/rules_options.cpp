// Rule and policy options, and finding the default rule pack (rules_options.hpp).
#include "rules_options.hpp"

#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace normwatch::app {

namespace {

bool has_rule_files(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return false;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".yaml") return true;
  }
  return false;
}

}  // namespace

void add_rules_options(CLI::App& cmd, RulesFlags& f) {
  cmd.add_option("--rules", f.rules,
                 "Directory of rule files (*.yaml); default: the installed rule pack, or rules/ of the source tree");
  cmd.add_option("--policy", f.policy,
                 "Site policy (zones, conduits); without it, rules that need zones or masters stay silent");
  cmd.add_option("--events", f.events, "Write one JSON event per finding to this file ('-' = standard output)");
  cmd.add_option("--sensor-id", f.sensor_id, "Sensor id stamped on every event (default: the host name)");
  cmd.add_option("--rule-state-keys", f.rule_state_keys,
                 "Threshold and limit keys the rules keep at once (about 280 bytes each); beyond it the least "
                 "recently seen is dropped and SYS-02 reports it")
      ->check(CLI::Range(static_cast<std::size_t>(64), static_cast<std::size_t>(1) << 24))
      ->capture_default_str();
}

std::string default_rules_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path bin = exe.parent_path();
    for (const fs::path& candidate : {bin / ".." / "share" / "normwatch" / "rules", bin / ".." / ".." / "rules"}) {
      if (has_rule_files(candidate)) return fs::weakly_canonical(candidate, ec).string();
    }
  }
#ifdef NORMWATCH_SOURCE_RULES_DIR
  if (has_rule_files(NORMWATCH_SOURCE_RULES_DIR)) return NORMWATCH_SOURCE_RULES_DIR;
#endif
  return {};
}

std::string default_sensor_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "normwatch";
  std::string id;
  for (const char* p = host; *p != '\0' && id.size() < 128; ++p) {
    const char c = *p;
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    id.push_back(ok ? c : '-');
  }
  return id;
}

}  // namespace normwatch::app
