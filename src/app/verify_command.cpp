// `normwatch verify DIR` (see verify_command.hpp; bundle layout: collector/export_bundle.hpp,
// chain rules: events/chain.hpp).
#include "verify_command.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "normwatch/events/chain_verifier.hpp"
#include "normwatch/events/slice_ref.hpp"
#include "normwatch/publish/file_digest.hpp"
#include "normwatch/publish/signer.hpp"

namespace normwatch::app {

namespace {

namespace fs = std::filesystem;

struct Report {
  std::vector<std::string> errors;
  std::vector<std::string> notes;
};

// Every regular file of the bundle, relative, sorted.
std::vector<std::string> bundle_files(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file()) out.push_back(fs::relative(it->path(), dir).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void check_sums(const fs::path& dir, Report& report) {
  std::ifstream in(dir / "SHA256SUMS");
  if (!in) {
    report.errors.push_back("bundle.no_sums: SHA256SUMS is missing");
    return;
  }
  std::set<std::string> listed;
  std::string line;
  std::size_t ok = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto sep = line.find("  ");
    if (sep != 64) {
      report.errors.push_back("bundle.bad_sums: unreadable SHA256SUMS line '" + line + "'");
      continue;
    }
    const std::string rel = line.substr(sep + 2);
    listed.insert(rel);
    const auto actual = publish::sha256_of_path(dir / rel);
    if (!actual) {
      report.errors.push_back("bundle.missing_file: " + rel + " is listed in SHA256SUMS but missing");
    } else if (*actual != line.substr(0, 64)) {
      report.errors.push_back("bundle.file_changed: " + rel + " does not match its SHA256SUMS hash");
    } else {
      ++ok;
    }
  }
  for (const std::string& rel : bundle_files(dir)) {
    if (rel != "SHA256SUMS" && listed.count(rel) == 0) {
      report.errors.push_back("bundle.unlisted_file: " + rel + " is not in SHA256SUMS");
    }
  }
  report.notes.push_back(std::to_string(ok) + " of " + std::to_string(listed.size()) +
                         " files match SHA256SUMS");
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::vector<std::string> out;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

// Hashes a bundled rule pack or policy folder the way the sensor's heartbeats do: the folder
// itself (a rule-pack directory), or the one file in it (a single rule or policy file).
std::vector<std::string> candidate_hashes(const fs::path& folder) {
  std::vector<std::string> out;
  if (auto h = publish::sha256_of_path(folder)) out.push_back(*h);
  const auto files = bundle_files(folder);
  if (files.size() == 1) {
    if (auto h = publish::sha256_of_path(folder / files[0])) out.push_back(*h);
  }
  return out;
}

void check_config(const fs::path& folder, const char* what, const std::vector<std::string>& reported,
                  const std::string& sensor, bool& pass, std::vector<std::string>& lines) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return;
  if (reported.empty()) {
    lines.push_back(std::string("  note: no heartbeat reports a ") + what + " hash; the bundled " + what +
                    " cannot be tied to the sensor");
    return;
  }
  const auto mine = candidate_hashes(folder);
  const bool match = std::any_of(mine.begin(), mine.end(), [&](const std::string& h) {
    return std::find(reported.begin(), reported.end(), h) != reported.end();
  });
  if (match) {
    lines.push_back(std::string("  ") + what + ": the bundled copy is the one the heartbeats report (sha256 " +
                    mine.front().substr(0, 16) + "...)");
  } else {
    pass = false;
    lines.push_back(std::string("  error bundle.") + what + "_mismatch: the bundled " + what +
                    " is not the one sensor '" + sensor + "' reported running (heartbeats: " +
                    reported.front().substr(0, 16) + "...)");
  }
}

// Pcap evidence slices (issue 10 §2, events/slice_ref.hpp): every slice an event names must be
// slices/NAME in the bundle with the SHA-256 the (chained) event states.
struct SliceCheck {
  std::uint64_t named = 0;    // event references (one slice may be named by several events)
  std::uint64_t ok = 0;
  std::uint64_t dropped = 0;
  std::vector<std::string> errors;
  std::set<std::string> reported;  // each broken slice once
};

void check_slice(const fs::path& dir, const std::string& line, std::uint64_t line_no, SliceCheck& check) {
  const auto ref = events::read_slice_ref(line);
  if (!ref) return;
  if (!ref->dropped.empty()) {
    ++check.dropped;
    return;
  }
  ++check.named;
  const std::string where = "line " + std::to_string(line_no);
  if (!events::valid_slice_name(ref->name)) {
    check.errors.push_back("slice.bad_name: " + where + " names a slice '" + ref->name + "' that is not a file name");
    return;
  }
  const auto actual = publish::sha256_of_path(dir / "slices" / ref->name);
  if (!actual) {
    if (check.reported.insert(ref->name).second) {
      check.errors.push_back("slice.missing: slices/" + ref->name + " (named by the event on " + where + ") is not in the bundle");
    }
  } else if (*actual != ref->sha256) {
    if (check.reported.insert(ref->name).second) {
      check.errors.push_back("slice.altered: slices/" + ref->name + " does not match the SHA-256 the event on " + where +
                             " states");
    }
  } else {
    ++check.ok;
  }
}

}  // namespace

CLI::App* add_verify_command(CLI::App& app, VerifyFlags& flags) {
  auto* cmd = app.add_subcommand("verify", "Check an evidence bundle (normwatch-collector export) offline: chain links, "
                                           "checkpoint signatures, gaps, slice hashes; a verdict per sensor");
  cmd->add_option("DIR", flags.bundle, "The bundle directory")->required();
  cmd->add_option("--keys", flags.keys, "Pin the sensors' keys from this directory (SENSOR.sign.pub) instead of the "
                                        "bundle's keys/");
  cmd->add_flag("--quiet", flags.quiet, "Print errors and verdicts only");
  return cmd;
}

int run_verify(const VerifyFlags& flags) {
  const fs::path dir = flags.bundle;
  std::error_code ec;
  if (!fs::is_directory(dir / "events", ec)) {
    std::fprintf(stderr, "normwatch: verify: %s is not an evidence bundle (no events/ folder)\n", dir.c_str());
    return 2;
  }
  Report report;
  check_sums(dir, report);
  std::printf("bundle %s\n", dir.c_str());
  for (const auto& n : report.notes) std::printf("  %s\n", n.c_str());
  for (const auto& e : report.errors) std::printf("  error %s\n", e.c_str());
  bool all_pass = report.errors.empty();

  std::vector<fs::path> event_files;
  for (const auto& entry : fs::directory_iterator(dir / "events", ec)) {
    if (entry.path().extension() == ".jsonl") event_files.push_back(entry.path());
  }
  std::sort(event_files.begin(), event_files.end());
  if (event_files.empty()) {
    std::printf("  error bundle.empty: no events/SENSOR.jsonl file\n");
    all_pass = false;
  }
  std::size_t passed = 0;
  for (const fs::path& file : event_files) {
    const std::string sensor = file.stem().string();
    const fs::path key_file = (flags.keys.empty() ? dir / "keys" : fs::path(flags.keys)) / (sensor + ".sign.pub");
    std::string key;
    std::vector<std::string> lines_out;
    if (auto k = publish::read_sign_public_key(key_file)) {
      key = *k;
    } else {
      lines_out.push_back("  error key.missing: " + k.error());
    }
    events::ChainVerifier verifier(sensor, key);
    std::set<std::string> hashes;
    SliceCheck slices;
    {
      std::ifstream in(file, std::ios::binary);
      std::string line;
      std::uint64_t n = 0;
      while (std::getline(in, line)) {
        verifier.add_line(line, ++n);
        hashes.insert(events::to_hex(events::chain_hash(line)));
        check_slice(dir, line, n, slices);
      }
    }
    const events::SensorVerdict v = verifier.finish();
    bool pass = v.pass() && !key.empty() && slices.errors.empty();
    if (slices.named > 0 || slices.dropped > 0) {
      lines_out.push_back("  slices: " + std::to_string(slices.ok) + " of " + std::to_string(slices.named) +
                          " named by events match their SHA-256" +
                          (slices.dropped > 0 ? "; " + std::to_string(slices.dropped) + " events have none (slice_dropped)"
                                              : std::string()));
    }
    for (const std::string& e : slices.errors) lines_out.push_back("  error " + e);
    for (const char* extract : {"checkpoints", "heartbeats"}) {
      const fs::path path = dir / extract / (sensor + ".jsonl");
      std::uint64_t n = 0;
      for (const std::string& line : read_lines(path)) {
        ++n;
        if (hashes.count(events::to_hex(events::chain_hash(line))) == 0) {
          pass = false;
          lines_out.push_back(std::string("  error bundle.extract_mismatch: ") + extract + "/" + sensor + ".jsonl line " +
                              std::to_string(n) + " is not an event of events/" + sensor + ".jsonl");
        }
      }
    }
    check_config(dir / "rules", "rule_pack", v.rule_pack_hashes, sensor, pass, lines_out);
    check_config(dir / "policy", "policy", v.policy_hashes, sensor, pass, lines_out);

    std::printf("sensor %s: %s: %llu events (seq %llu..%llu, %llu epochs), %llu links intact, %llu broken, "
                "%llu gaps; %llu checkpoints verified, %llu bad; %llu events signed%s\n",
                sensor.c_str(), pass ? "PASS" : "FAIL", static_cast<unsigned long long>(v.events),
                static_cast<unsigned long long>(v.first_seq), static_cast<unsigned long long>(v.last_seq),
                static_cast<unsigned long long>(v.epochs), static_cast<unsigned long long>(v.links_ok),
                static_cast<unsigned long long>(v.links_broken), static_cast<unsigned long long>(v.gaps),
                static_cast<unsigned long long>(v.checkpoints_ok), static_cast<unsigned long long>(v.checkpoints_bad),
                static_cast<unsigned long long>(v.signed_events),
                key.empty() ? "" : (" (key " + key.substr(0, 16) + "...)").c_str());
    for (const auto& l : lines_out) std::printf("%s\n", l.c_str());
    for (const events::Finding& f : v.findings) {
      if (flags.quiet && f.level != events::FindingLevel::error) continue;
      std::printf("  %s %s: %s\n", std::string(events::name(f.level)).c_str(), f.code.c_str(), f.text.c_str());
    }
    if (pass) ++passed;
    all_pass = all_pass && pass;
  }
  std::printf("verdict: %s (%zu of %zu sensors verified)\n", all_pass ? "PASS" : "FAIL", passed, event_files.size());
  return all_pass ? 0 : 1;
}

}  // namespace normwatch::app
