// ChainVerifier: checks one sensor's stored event lines offline (issue 10 §3, `normwatch verify`):
// every chain link, every checkpoint signature against the pinned key, the checkpoint heads and
// counts, sequence order and gaps; then which events are covered by a verified signature.
// The rules are those of events/chain.hpp; each problem becomes a named finding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/events/chain.hpp"

namespace normwatch::events {

enum class FindingLevel : std::uint8_t { error, warning, info };
std::string_view name(FindingLevel level);

struct Finding {
  FindingLevel level = FindingLevel::error;
  std::string code;      // stable: "chain.broken_link", "chain.gap", "checkpoint.bad_signature", ...
  std::string text;      // one line naming the line number and sequence numbers involved
};

struct SensorVerdict {
  std::string sensor;
  std::uint64_t events = 0;
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  std::uint64_t epochs = 0;
  std::uint64_t links_ok = 0;
  std::uint64_t links_broken = 0;
  std::uint64_t gaps = 0;
  std::uint64_t checkpoints_ok = 0;
  std::uint64_t checkpoints_bad = 0;
  std::uint64_t signed_events = 0;     // covered by a verified checkpoint through intact links
  std::vector<std::string> rule_pack_hashes;   // distinct, as the heartbeats report them, in order
  std::vector<std::string> policy_hashes;
  std::vector<Finding> findings;

  bool pass() const;
  std::uint64_t errors() const;
};

class ChainVerifier {
 public:
  static constexpr std::size_t kMaxFindings = 200;   // further findings are counted, not listed

  // `pinned_key_hex`: the sensor's Ed25519 public key as the inspector pins it ("" = none known:
  // every checkpoint fails, since nothing ties its key to the sensor).
  ChainVerifier(std::string sensor, std::string pinned_key_hex);

  // One stored line, in the order of the bundle file; `line_no` counts from 1.
  void add_line(std::string_view line, std::uint64_t line_no);
  // The verdict; call once after the last line.
  SensorVerdict finish();

 private:
  struct Record {
    std::uint64_t seq = 0;
    std::uint64_t epoch = 0;
    ChainHash hash{};
    bool linked_to_previous = false;   // its link to the record before it in the bundle verified
    bool signed_head = false;          // the head of a verified checkpoint
    bool verified_checkpoint = false;  // a checkpoint whose statement verified (signed by itself)
  };

  void add(FindingLevel level, std::string code, std::string text);
  const Record* find_seq(std::uint64_t seq) const;
  void check_link(const ChainedLine& line, std::uint64_t line_no, Record& record);
  void check_checkpoint(const Checkpoint& checkpoint, const ChainedLine& line, std::uint64_t line_no);

  std::string sensor_;
  std::string pinned_key_;
  std::vector<Record> records_;
  SensorVerdict verdict_;
  std::uint64_t suppressed_ = 0;
  std::uint64_t last_epoch_ = 0;
};

}  // namespace normwatch::events
