// SHA-256 fingerprints of what a sensor runs with (issue 7 §2; NORMS-AND-RULES checklist item 1:
// build, rule-pack and policy hashes in every heartbeat).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace normwatch::publish {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// A regular file: SHA-256 of its bytes. A directory: SHA-256 over the sorted list of its regular
// files (recursively), one line "relative/path\0<file sha256 hex>\n" each, so that adding,
// removing, renaming or editing a rule file changes the hash. Missing or unreadable: nullopt.
std::optional<std::string> sha256_of_path(const std::filesystem::path& path);

}  // namespace normwatch::publish
