// EvidenceChain: linking, head persistence and signed checkpoints (see checkpoint.hpp).
#include "normwatch/publish/checkpoint.hpp"

#include <charconv>
#include <sstream>

#include "normwatch/publish/durable_file.hpp"

namespace normwatch::publish {

namespace {

constexpr std::string_view kStateHeader = "normwatch-chain/1";

bool parse_u64(std::string_view text, std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

core::Result<EvidenceChain, std::string> EvidenceChain::open(const std::filesystem::path& state_dir,
                                                             EvidenceOptions options, std::string sensor,
                                                             std::uint64_t epoch) {
  EvidenceChain chain;
  chain.options_ = std::move(options);
  chain.sensor_ = std::move(sensor);
  chain.epoch_ = epoch;
  chain.head_hex_ = events::genesis_hex();
  chain.last_checkpoint_ = Clock::now();
  if (state_dir.empty()) return chain;
  chain.state_path_ = state_dir / "chain.state";
  if (!std::filesystem::exists(chain.state_path_)) return chain;
  auto text = read_small_file(chain.state_path_);
  if (!text) return core::unexpected(text.error());
  std::istringstream in(*text);
  std::string line;
  bool header = false;
  bool have_seq = false;
  bool have_head = false;
  bool have_total = false;
  while (std::getline(in, line)) {
    if (line == kStateHeader) {
      header = true;
    } else if (line.starts_with("seq ")) {
      have_seq = parse_u64(std::string_view(line).substr(4), chain.head_seq_);
    } else if (line.starts_with("head ")) {
      chain.head_hex_ = line.substr(5);
      have_head = events::from_hex(chain.head_hex_, events::kChainHashBytes).has_value();
    } else if (line.starts_with("total ")) {
      have_total = parse_u64(std::string_view(line).substr(6), chain.total_);
    }
  }
  if (!header || !have_seq || !have_head || !have_total) {
    return core::unexpected(chain.state_path_.string() +
                            " is corrupt; refusing to start a new chain silently (move it away to start one: the "
                            "verifier will then report the break)");
  }
  chain.persisted_seq_ = chain.head_seq_;
  return chain;
}

void EvidenceChain::link(events::Event& event) const {
  event.chain = events::ChainLink{head_seq_, head_hex_};
}

void EvidenceChain::advance(std::uint64_t seq, std::string_view line) {
  head_seq_ = seq;
  head_hex_ = events::to_hex(events::chain_hash(line));
  ++total_;
  if (epoch_events_ == 0) epoch_first_seq_ = seq;
  ++epoch_events_;
  if (checkpoint_pending_) {
    checkpoint_pending_ = false;  // the checkpoint itself does not make another one due
  } else {
    ++since_checkpoint_;
  }
}

void EvidenceChain::recover(std::uint64_t seq, std::string_view line) {
  if (seq <= head_seq_) return;
  head_seq_ = seq;
  head_hex_ = events::to_hex(events::chain_hash(line));
  ++total_;
}

bool EvidenceChain::checkpoint_due(Clock::time_point now, bool force) const {
  if (!options_.signer || since_checkpoint_ == 0) return false;
  if (force) return true;
  const CheckpointPolicy& p = options_.checkpoints;
  if (p.every_events > 0 && since_checkpoint_ >= p.every_events) return true;
  return p.every.count() > 0 && now - last_checkpoint_ >= p.every;
}

events::Event EvidenceChain::make_checkpoint(core::Timestamp ts, Clock::time_point now) {
  events::Checkpoint cp;
  cp.sensor = sensor_;
  cp.epoch = epoch_;
  cp.through_seq = head_seq_;
  cp.head = head_hex_;
  cp.events = epoch_events_;
  cp.first_seq = epoch_first_seq_;
  cp.total = total_;
  cp.key = options_.signer->public_key_hex();
  cp.signature = options_.signer->sign_hex(events::checkpoint_statement(cp));
  events::Event e;
  e.ts = ts;
  e.kind = events::EventKind::integrity;
  e.severity = events::Severity::info;
  e.body_json = events::checkpoint_body_json(cp);
  e.message = "checkpoint: " + std::to_string(cp.events) + " events of epoch " + std::to_string(cp.epoch) +
              " through seq " + std::to_string(cp.through_seq) + " signed";
  since_checkpoint_ = 0;
  checkpoint_pending_ = true;
  last_checkpoint_ = now;
  ++checkpoints_;
  return e;
}

core::Result<void, std::string> EvidenceChain::persist(bool durable) {
  if (state_path_.empty() || (persisted_seq_ == head_seq_ && !durable)) return {};
  std::string text(kStateHeader);
  text += "\nseq " + std::to_string(head_seq_) + "\nhead " + head_hex_ + "\ntotal " + std::to_string(total_) + "\n";
  if (auto r = replace_file(state_path_, text, durable); !r) return r;
  persisted_seq_ = head_seq_;
  return {};
}

}  // namespace normwatch::publish
