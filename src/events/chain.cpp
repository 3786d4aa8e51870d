// Chain hashes (BLAKE2b-256), checkpoint statements and their Ed25519 verification, and the
// reading of chain fields back from a stored line. Specification: events/chain.hpp.
#include "normwatch/events/chain.hpp"

#include "normwatch/events/event_header.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>

namespace normwatch::events {

namespace {

// sodium_init is idempotent and thread-safe; every entry point that uses libsodium calls this.
void ensure_sodium() {
  static const int kInit = sodium_init();
  (void)kInit;
}

bool get_u64(const nlohmann::json& j, const char* key, std::uint64_t& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return false;
  out = it->get<std::uint64_t>();
  return true;
}

bool get_string(const nlohmann::json& j, const char* key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

bool is_hex(std::string_view text, std::size_t bytes) { return from_hex(text, bytes).has_value(); }

std::optional<Checkpoint> read_checkpoint(const nlohmann::json& c) {
  if (!c.is_object()) return std::nullopt;
  Checkpoint cp;
  std::string algorithm;
  if (!get_string(c, "algorithm", algorithm) || algorithm != kCheckpointAlgorithm) return std::nullopt;
  if (!get_string(c, "sensor", cp.sensor) || !get_u64(c, "epoch", cp.epoch) ||
      !get_u64(c, "through_seq", cp.through_seq) || !get_string(c, "head", cp.head) ||
      !get_u64(c, "events", cp.events) || !get_u64(c, "first_seq", cp.first_seq) || !get_u64(c, "total", cp.total) ||
      !get_string(c, "key", cp.key) || !get_string(c, "signature", cp.signature)) {
    return std::nullopt;
  }
  if (!is_hex(cp.head, kChainHashBytes) || !is_hex(cp.key, kSignPublicKeyBytes) ||
      !is_hex(cp.signature, kSignatureBytes)) {
    return std::nullopt;
  }
  return cp;
}

}  // namespace

ChainHash chain_hash(std::string_view line) {
  ensure_sodium();
  ChainHash out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(line.data()), line.size(), nullptr,
                     0);
  return out;
}

const std::string& genesis_hex() {
  static const std::string kGenesis(kChainHashBytes * 2, '0');
  return kGenesis;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0F];
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text, std::size_t size) {
  if (text.size() != size * 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<std::uint8_t> out(size);
  for (std::size_t i = 0; i < size; ++i) {
    const int hi = nibble(text[2 * i]);
    const int lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return out;
}

std::string checkpoint_statement(const Checkpoint& c) {
  std::string s(kCheckpointHeader);
  s += "\nsensor " + c.sensor;
  s += "\nepoch " + std::to_string(c.epoch);
  s += "\nthrough_seq " + std::to_string(c.through_seq);
  s += "\nhead " + c.head;
  s += "\nevents " + std::to_string(c.events);
  s += "\nfirst_seq " + std::to_string(c.first_seq);
  s += "\ntotal " + std::to_string(c.total);
  s += "\n";
  return s;
}

std::string checkpoint_body_json(const Checkpoint& c) {
  nlohmann::json j;
  j["checkpoint"] = {{"algorithm", kCheckpointAlgorithm},
                     {"sensor", c.sensor},
                     {"epoch", c.epoch},
                     {"through_seq", c.through_seq},
                     {"head", c.head},
                     {"events", c.events},
                     {"first_seq", c.first_seq},
                     {"total", c.total},
                     {"key", c.key},
                     {"signature", c.signature}};
  return j.dump();
}

bool verify_checkpoint_signature(const Checkpoint& c, std::string_view public_key_hex) {
  ensure_sodium();
  const auto key = from_hex(public_key_hex, kSignPublicKeyBytes);
  const auto signature = from_hex(c.signature, kSignatureBytes);
  if (!key || !signature) return false;
  const std::string statement = checkpoint_statement(c);
  return crypto_sign_verify_detached(signature->data(), reinterpret_cast<const unsigned char*>(statement.data()),
                                     statement.size(), key->data()) == 0;
}

core::Result<ChainedLine, std::string> parse_chained_line(std::string_view line) {
  // The strict, DOM-free header scan reads the identity and the link (the collector's reader);
  // only heartbeats and checkpoints, a few in a thousand lines, are parsed fully.
  auto header = parse_event_header(line);
  if (!header) return core::unexpected(header.error());
  if (header->chain_malformed) return core::unexpected(std::string("chain.bad_link"));
  ChainedLine out;
  out.sensor = std::move(header->sensor);
  out.epoch = header->epoch;
  out.seq = header->seq;
  out.ts = std::move(header->ts);
  out.kind = header->kind;
  if (header->chain) {
    if (!is_hex(header->chain->prev, kChainHashBytes)) return core::unexpected(std::string("chain.bad_link"));
    out.chain = std::move(header->chain);
  }
  const bool checkpoint = header->has_checkpoint && out.kind == EventKind::integrity;
  if (!checkpoint && out.kind != EventKind::health) return out;
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return core::unexpected(std::string("chain.bad_json"));
  if (out.kind == EventKind::health) {
    if (auto h = j.find("health"); h != j.end() && h->is_object()) {
      if (auto hashes = h->find("hashes"); hashes != h->end() && hashes->is_object()) {
        (void)get_string(*hashes, "rule_pack", out.rule_pack_hash);
        (void)get_string(*hashes, "policy", out.policy_hash);
      }
    }
  }
  if (checkpoint) {
    out.checkpoint = read_checkpoint(j["checkpoint"]);
    out.malformed_checkpoint = !out.checkpoint.has_value();
  }
  return out;
}

}  // namespace normwatch::events
