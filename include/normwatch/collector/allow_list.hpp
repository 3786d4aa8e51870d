// AllowList: the sensors a collector accepts, one CURVE public key per file DIR/<name>.pub (issue 7
// §4). The ZAP handler asks it about each connecting key; <name> becomes the connection's
// principal (ZMQ "User-Id"), stored with every event that sensor delivers. The directory is read
// again when it changed, so a sensor can be enrolled without restarting the collector.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace normwatch::collector {

class AllowList {
 public:
  explicit AllowList(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Reads DIR/*.pub; returns warnings (bad files, duplicate keys).
  std::vector<std::string> load();
  // The name for a Z85 public key; re-reads the directory once if it changed since the last load.
  std::optional<std::string> lookup(const std::string& public_z85);
  std::size_t size() const { return keys_.size(); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::file_time_type stamp() const;

  std::filesystem::path dir_;
  std::map<std::string, std::string> keys_;  // Z85 -> name
  std::filesystem::file_time_type loaded_stamp_{};
};

}  // namespace normwatch::collector
