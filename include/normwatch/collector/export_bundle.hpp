// `normwatch-collector export`: writes an evidence bundle for an inspector (issue 10 §3) that
// `normwatch verify DIR` checks offline. Layout of DIR (format normwatch.bundle/1):
//   manifest.json               period, per sensor: events, seq range, key, gaps the collector saw
//   events/SENSOR.jsonl         the stored canonical lines byte for byte, in sequence order: the
//                               contiguous run from the first event of the period through the
//                               first checkpoint that covers its last event (so it is signed)
//   checkpoints/SENSOR.jsonl    the checkpoint lines of that run (an extract, for reading)
//   heartbeats/SENSOR.jsonl     the health lines of that run (coverage, clock, rule-pack hashes)
//   slices/NAME                 the pcap evidence slice each exported event names (evidence.slice,
//                               events/slice_ref.hpp), as the sensor wrote it
//   keys/SENSOR.sign.pub        the sensor's pinned Ed25519 key, from the collector's --allow DIR
//   rules/..., policy/FILE      copies of the rule pack and policy given with --rules / --policy
//   SHA256SUMS                  `sha256sum -c` list of every other file
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "normwatch/collector/event_store.hpp"
#include "normwatch/core/result.hpp"

namespace normwatch::collector {

struct ExportOptions {
  std::string from;                   // RFC 3339 UTC or Unix seconds, inclusive
  std::string to;                     // exclusive
  std::string sensor;                 // "" = every sensor with events in the period
  std::filesystem::path out;          // created; must not exist or be empty
  std::filesystem::path keys_dir;     // the collector's --allow DIR (PRINCIPAL.sign.pub)
  std::filesystem::path rules;        // rule pack directory or file to include ("" = none)
  std::filesystem::path policy;       // policy file to include ("" = none)
};

struct ExportedSensor {
  std::string sensor;
  std::uint64_t events = 0;
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  std::uint64_t checkpoints = 0;
  std::uint64_t heartbeats = 0;
  bool key = false;                   // keys/SENSOR.sign.pub written
  std::uint64_t slices = 0;           // slices/NAME files written for its events
  std::uint64_t slices_missing = 0;   // named by an event but not in the store
};

struct ExportSummary {
  std::vector<ExportedSensor> sensors;
  std::vector<std::string> warnings;
};

core::Result<ExportSummary, std::string> export_bundle(EventStore& store, const ExportOptions& options);

// --from/--to text as the stored form "YYYY-MM-DDTHH:MM:SS.ffffffZ" (or a prefix of it) so that
// it compares as text like the stored capture times.
core::Result<std::string, std::string> export_time_bound(const std::string& text);

}  // namespace normwatch::collector
