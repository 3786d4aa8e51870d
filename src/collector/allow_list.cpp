// AllowList: DIR/<name>.pub files -> accepted CURVE keys (see allow_list.hpp).
#include "normwatch/collector/allow_list.hpp"

#include <algorithm>

#include "normwatch/publish/curve_keys.hpp"

namespace normwatch::collector {

namespace {
// NAME.pub is a CURVE key; NAME.sign.pub beside it is the sensor's Ed25519 evidence key (issue 10).
bool is_curve_key_file(const std::filesystem::path& path) {
  return path.extension() == ".pub" && !path.filename().string().ends_with(".sign.pub");
}
}  // namespace

std::filesystem::file_time_type AllowList::stamp() const {
  // The directory's mtime changes when a file is added, removed or renamed; the newest .pub mtime
  // catches a key file rewritten in place.
  std::error_code ec;
  auto newest = std::filesystem::last_write_time(dir_, ec);
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != ".pub") continue;  // .sign.pub files count too: a re-keyed sensor
    const auto t = std::filesystem::last_write_time(entry.path(), ec);
    if (!ec) newest = std::max(newest, t);
  }
  return newest;
}

std::vector<std::string> AllowList::load() {
  std::vector<std::string> warnings;
  std::map<std::string, std::string> keys;
  std::error_code ec;
  loaded_stamp_ = stamp();
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (is_curve_key_file(entry.path())) files.push_back(entry.path());
  }
  if (ec) {
    warnings.push_back("cannot read the allow-list directory " + dir_.string() + ": " + ec.message());
    return warnings;
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto key = publish::read_public_key(file);
    if (!key) {
      warnings.push_back("ignoring " + file.string() + ": " + key.error());
      continue;
    }
    const std::string name = file.stem().string();
    if (auto [it, inserted] = keys.emplace(*key, name); !inserted) {
      warnings.push_back(file.string() + " repeats the key of " + it->second + ".pub; using " + it->second);
    }
  }
  if (keys.empty()) warnings.push_back("the allow-list " + dir_.string() + " holds no key: every sensor is refused");
  keys_ = std::move(keys);
  return warnings;
}

std::optional<std::string> AllowList::lookup(const std::string& public_z85) {
  if (auto it = keys_.find(public_z85); it != keys_.end()) return it->second;
  if (stamp() != loaded_stamp_) {
    (void)load();
    if (auto it = keys_.find(public_z85); it != keys_.end()) return it->second;
  }
  return std::nullopt;
}

}  // namespace normwatch::collector
