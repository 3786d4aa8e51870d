// ChainVerifier: link-by-link and checkpoint-by-checkpoint verification of one sensor's lines
// (see chain_verifier.hpp; the rules are in chain.hpp).
#include "normwatch/events/chain_verifier.hpp"

#include <algorithm>

namespace normwatch::events {

namespace {
std::string seq_text(std::uint64_t seq) { return "seq " + std::to_string(seq); }
std::string at_line(std::uint64_t line_no) { return "line " + std::to_string(line_no) + ": "; }
}  // namespace

std::string_view name(FindingLevel level) {
  switch (level) {
    case FindingLevel::error: return "error";
    case FindingLevel::warning: return "warning";
    case FindingLevel::info: return "info";
  }
  return "error";
}

bool SensorVerdict::pass() const { return errors() == 0 && events > 0; }

std::uint64_t SensorVerdict::errors() const {
  return static_cast<std::uint64_t>(
      std::count_if(findings.begin(), findings.end(), [](const Finding& f) { return f.level == FindingLevel::error; }));
}

ChainVerifier::ChainVerifier(std::string sensor, std::string pinned_key_hex)
    : sensor_(std::move(sensor)), pinned_key_(std::move(pinned_key_hex)) {
  verdict_.sensor = sensor_;
}

void ChainVerifier::add(FindingLevel level, std::string code, std::string text) {
  if (verdict_.findings.size() >= kMaxFindings) {
    // Keep errors visible in the count even when the list is full.
    ++suppressed_;
    if (level == FindingLevel::error && verdict_.findings.back().code != "verify.more_findings") {
      verdict_.findings.push_back({FindingLevel::error, "verify.more_findings", "further findings not listed"});
    }
    return;
  }
  verdict_.findings.push_back({level, std::move(code), std::move(text)});
}

const ChainVerifier::Record* ChainVerifier::find_seq(std::uint64_t seq) const {
  auto it = std::lower_bound(records_.begin(), records_.end(), seq,
                             [](const Record& r, std::uint64_t s) { return r.seq < s; });
  return it != records_.end() && it->seq == seq ? &*it : nullptr;
}

void ChainVerifier::add_line(std::string_view text, std::uint64_t line_no) {
  auto parsed = parse_chained_line(text);
  if (!parsed) {
    add(FindingLevel::error, "event.unreadable", at_line(line_no) + "not a readable event (" + parsed.error() + ")");
    return;
  }
  const ChainedLine& line = *parsed;
  if (line.sensor != sensor_) {
    add(FindingLevel::error, "event.wrong_sensor",
        at_line(line_no) + "event of sensor '" + line.sensor + "' in the file of sensor '" + sensor_ + "'");
    return;
  }
  if (!records_.empty() && line.seq <= records_.back().seq) {
    add(FindingLevel::error, "chain.out_of_order",
        at_line(line_no) + seq_text(line.seq) + " comes after " + seq_text(records_.back().seq) +
            " (events reordered or repeated)");
    return;
  }
  Record record;
  record.seq = line.seq;
  record.epoch = line.epoch;
  record.hash = chain_hash(text);
  if (records_.empty() || line.epoch != last_epoch_) ++verdict_.epochs;
  last_epoch_ = line.epoch;
  check_link(line, line_no, record);
  records_.push_back(record);
  ++verdict_.events;
  if (verdict_.events == 1) verdict_.first_seq = line.seq;
  verdict_.last_seq = line.seq;
  auto note = [](std::vector<std::string>& seen, const std::string& hash) {
    if (!hash.empty() && std::find(seen.begin(), seen.end(), hash) == seen.end()) seen.push_back(hash);
  };
  note(verdict_.rule_pack_hashes, line.rule_pack_hash);
  note(verdict_.policy_hashes, line.policy_hash);
  if (line.malformed_checkpoint) {
    ++verdict_.checkpoints_bad;
    add(FindingLevel::error, "checkpoint.malformed", at_line(line_no) + seq_text(line.seq) +
                                                         ": the checkpoint member is incomplete or not well formed");
  } else if (line.checkpoint) {
    check_checkpoint(*line.checkpoint, line, line_no);
  }
}

void ChainVerifier::check_link(const ChainedLine& line, std::uint64_t line_no, Record& record) {
  if (!line.chain) {
    ++verdict_.links_broken;
    add(FindingLevel::error, "chain.missing_link", at_line(line_no) + seq_text(line.seq) + " carries no chain link");
    return;
  }
  const ChainLink& link = *line.chain;
  if (records_.empty()) {
    if (link.prev_seq == 0 && link.prev == genesis_hex()) {
      add(FindingLevel::info, "chain.genesis", seq_text(line.seq) + " is the first event of the sensor's chain");
    } else {
      add(FindingLevel::info, "chain.starts_after",
          "the bundle starts at " + seq_text(line.seq) + ", which links to " + seq_text(link.prev_seq) +
              " before the bundle");
    }
    return;
  }
  const Record& previous = records_.back();
  if (link.prev_seq == previous.seq) {
    if (link.prev == to_hex(previous.hash)) {
      ++verdict_.links_ok;
      record.linked_to_previous = true;
    } else {
      ++verdict_.links_broken;
      add(FindingLevel::error, "chain.broken_link",
          at_line(line_no) + seq_text(line.seq) + " does not link to " + seq_text(previous.seq) +
              ": the hash it carries differs from the hash of the stored " + seq_text(previous.seq) +
              " (one of the two was altered)");
    }
    return;
  }
  if (link.prev_seq > previous.seq) {
    ++verdict_.gaps;
    ++verdict_.links_broken;
    const std::uint64_t first_missing = previous.seq + 1;
    const std::string range = first_missing == link.prev_seq
                                  ? seq_text(first_missing)
                                  : "seqs " + std::to_string(first_missing) + ".." + std::to_string(link.prev_seq);
    add(FindingLevel::error, "chain.gap",
        at_line(line_no) + "missing " + range + ": " + seq_text(line.seq) + " links to " + seq_text(link.prev_seq) +
            ", which is not in the bundle (removed or never delivered)");
    return;
  }
  // It links further back than the event before it.
  const Record* target = find_seq(link.prev_seq);
  const bool matches = target != nullptr && link.prev == to_hex(target->hash);
  if (line.epoch != previous.epoch && matches) {
    // A sensor that stopped before saving its chain head restarts from the last head it saved.
    add(FindingLevel::warning, "chain.restart_branch",
        at_line(line_no) + "epoch " + std::to_string(line.epoch) + " starts by linking to " +
            seq_text(link.prev_seq) + "; " + seq_text(link.prev_seq + 1) + ".." + std::to_string(previous.seq) +
            " form a branch the restarted sensor had not saved (crash before its chain head was persisted)");
    ++verdict_.links_ok;
    return;
  }
  ++verdict_.links_broken;
  add(FindingLevel::error, "chain.broken_link",
      at_line(line_no) + seq_text(line.seq) + " links back to " + seq_text(link.prev_seq) + " instead of " +
          seq_text(previous.seq) + (matches ? " (events inserted?)" : " and its hash does not match"));
}

void ChainVerifier::check_checkpoint(const Checkpoint& cp, const ChainedLine& line, std::uint64_t line_no) {
  const std::string where = at_line(line_no) + "checkpoint " + seq_text(line.seq) + ": ";
  auto bad = [&](std::string code, std::string text) {
    ++verdict_.checkpoints_bad;
    add(FindingLevel::error, std::move(code), where + text);
  };
  if (pinned_key_.empty()) return bad("checkpoint.no_pinned_key", "no pinned public key for sensor '" + sensor_ + "'");
  if (cp.key != pinned_key_) return bad("checkpoint.unpinned_key", "signed by key " + cp.key + ", not the pinned key");
  if (!verify_checkpoint_signature(cp, pinned_key_)) {
    return bad("checkpoint.bad_signature", "the signature does not verify (statement or signature altered)");
  }
  if (cp.sensor != line.sensor || cp.epoch != line.epoch || cp.through_seq >= line.seq) {
    return bad("checkpoint.inconsistent", "its sensor, epoch or through_seq does not fit the event that carries it");
  }
  const Record* head = find_seq(cp.through_seq);
  if (head == nullptr) {
    ++verdict_.checkpoints_ok;
    add(FindingLevel::info, "checkpoint.head_outside",
        where + "covers " + seq_text(cp.through_seq) + ", which is before the bundle");
    return;
  }
  if (to_hex(head->hash) != cp.head) {
    return bad("checkpoint.head_mismatch", "the signed head differs from the hash of the stored " +
                                               seq_text(cp.through_seq) + " (that event was altered)");
  }
  const Record* first = find_seq(cp.first_seq);
  if (first != nullptr && first->epoch == cp.epoch) {
    const auto counted = static_cast<std::uint64_t>(head - first) + 1;
    if (counted != cp.events) {
      return bad("checkpoint.count_mismatch", "it signs " + std::to_string(cp.events) + " events from " +
                                                  seq_text(cp.first_seq) + " through " + seq_text(cp.through_seq) +
                                                  ", the bundle holds " + std::to_string(counted));
    }
  }
  ++verdict_.checkpoints_ok;
  records_[static_cast<std::size_t>(head - records_.data())].signed_head = true;
  // Its own statement is signed and it links to the head it signs: a trailing checkpoint counts
  // as signed (only its ts and message are outside the signature).
  if (records_.back().linked_to_previous && records_.back().seq == line.seq && cp.through_seq + 1 == line.seq) {
    records_.back().verified_checkpoint = true;
  }
}

SensorVerdict ChainVerifier::finish() {
  // Walk back from each verified head along intact links: those events are signed.
  bool covered = false;
  std::uint64_t unsigned_events = 0;
  std::uint64_t unsigned_first = 0;
  std::uint64_t unsigned_last = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> unsigned_runs;
  for (std::size_t i = records_.size(); i-- > 0;) {
    const Record& r = records_[i];
    if (r.signed_head || r.verified_checkpoint) covered = true;
    if (covered) {
      ++verdict_.signed_events;
      if (unsigned_events > 0 && unsigned_last != 0) {
        unsigned_runs.emplace_back(unsigned_first, unsigned_last);
        unsigned_last = 0;
      }
    } else {
      ++unsigned_events;
      if (unsigned_last == 0) unsigned_last = r.seq;
      unsigned_first = r.seq;
    }
    if (!r.linked_to_previous) covered = false;
  }
  if (unsigned_last != 0) unsigned_runs.emplace_back(unsigned_first, unsigned_last);
  for (auto it = unsigned_runs.rbegin(); it != unsigned_runs.rend(); ++it) {
    const bool tail = it->second == verdict_.last_seq;
    add(FindingLevel::warning, "chain.unsigned",
        "seqs " + std::to_string(it->first) + ".." + std::to_string(it->second) + " are not covered by a verified " +
            "checkpoint" + (tail ? " (after the last checkpoint)" : ""));
  }
  if (records_.empty()) add(FindingLevel::error, "verify.no_events", "no event of sensor '" + sensor_ + "'");
  if (suppressed_ > 0) {
    verdict_.findings.push_back({FindingLevel::info, "verify.suppressed",
                                 std::to_string(suppressed_) + " further findings not listed"});
  }
  return std::move(verdict_);
}

}  // namespace normwatch::events
