// The evidence hash chain and signed checkpoints (issue 10 §1; NORMS-AND-RULES.md §4 item 6).
// This header is the specification an inspector needs to check a normwatch record by hand.
//
// Chain. Every event a sensor stamps carries "chain": {"prev": HEX, "prev_seq": N}: N is the
// sequence number of the sensor's previous stamped event and HEX the lower-case hex BLAKE2b-256
// (RFC 7693, 32-byte digest, no key) of that event's canonical line: the exact UTF-8 bytes of the
// JSON line as the sensor wrote, spooled and sent it (events::to_json_line: keys sorted, no
// insignificant whitespace), without the trailing newline. The collector stores the line byte for
// byte, so `printf %s "$line" | b2sum -l 256` recomputes the hash. The first event a sensor ever
// stamps links to the genesis: prev_seq 0, prev = 64 zeros. Within one boot epoch prev_seq is
// always seq - 1; the first event of a new epoch links to the last event the sensor had saved as
// its chain head before it stopped (DIR/chain.state in the spool directory), across the skipped
// block of sequence numbers.
//
// Slices. A finding's pcap evidence slice is not in the line; the line names it and states its
// SHA-256 ("evidence": {"slice": {"name", "sha256", ...}}, slice_ref.hpp), so the chain covers
// the slice through that hash: `sha256sum slices/NAME` must print the stated value. The slice
// bytes travel after the line in the spool record and the wire batch, never in the hashed line.
//
// Checkpoints. Every N events or T seconds, and when a replay ends, a sensor holding a signing
// key emits an event of kind "integrity" with a "checkpoint" member:
//   {"algorithm": "ed25519", "sensor", "epoch", "through_seq", "head", "events", "first_seq",
//    "total", "key", "signature"}
// It states that `head` is the chain hash of event `through_seq`, that epoch `epoch` holds
// `events` stamped events from `first_seq` through `through_seq`, and that the sensor stamped
// `total` events since its chain began. `key` is the hex Ed25519 public key (32 bytes) and
// `signature` the hex Ed25519 signature (64 bytes, RFC 8032) over checkpoint_statement(): these
// lines, each ended by "\n":
//   normwatch.checkpoint/1
//   sensor <sensor>
//   epoch <epoch>
//   through_seq <through_seq>
//   head <head>
//   events <events>
//   first_seq <first_seq>
//   total <total>
// The checkpoint event is itself chained; the next checkpoint covers it. An event is "signed" when
// an unbroken run of links leads from it to the head of a checkpoint whose signature verifies
// with the sensor's pinned public key (NAME.sign.pub, written by `normwatch keygen`).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "normwatch/core/result.hpp"
#include "normwatch/events/event.hpp"

namespace normwatch::events {

inline constexpr std::size_t kChainHashBytes = 32;
inline constexpr std::size_t kSignPublicKeyBytes = 32;
inline constexpr std::size_t kSignatureBytes = 64;
inline constexpr std::string_view kChainAlgorithm = "blake2b-256";
inline constexpr std::string_view kCheckpointAlgorithm = "ed25519";
inline constexpr std::string_view kCheckpointHeader = "normwatch.checkpoint/1";

using ChainHash = std::array<std::uint8_t, kChainHashBytes>;

// BLAKE2b-256 of the canonical line (no trailing newline).
ChainHash chain_hash(std::string_view line);
// 64 zeros: what the first event of a sensor links to.
const std::string& genesis_hex();

std::string to_hex(std::span<const std::uint8_t> bytes);
// Exactly `size` bytes of lower- or upper-case hex; nullopt otherwise.
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text, std::size_t size);

struct Checkpoint {
  std::string sensor;
  std::uint64_t epoch = 0;
  std::uint64_t through_seq = 0;
  std::string head;        // hex chain hash of event through_seq
  std::uint64_t events = 0;       // stamped events of this epoch through through_seq
  std::uint64_t first_seq = 0;    // first stamped seq of this epoch
  std::uint64_t total = 0;        // stamped events since the chain began
  std::string key;         // hex Ed25519 public key
  std::string signature;   // hex Ed25519 signature over checkpoint_statement()
};

// The exact bytes that are signed (see the header comment).
std::string checkpoint_statement(const Checkpoint& checkpoint);
// {"checkpoint": {...}} for Event::body_json.
std::string checkpoint_body_json(const Checkpoint& checkpoint);
// Ed25519 verification of checkpoint.signature over the statement with `public_key_hex`.
bool verify_checkpoint_signature(const Checkpoint& checkpoint, std::string_view public_key_hex);

// What a verifier reads back from one stored line (without trusting it).
struct ChainedLine {
  std::string sensor;
  std::uint64_t epoch = 0;
  std::uint64_t seq = 0;
  std::string ts;
  EventKind kind = EventKind::anomaly;
  std::optional<ChainLink> chain;
  std::optional<Checkpoint> checkpoint;   // kind integrity with a well-formed checkpoint member
  bool malformed_checkpoint = false;      // a checkpoint member that is not well formed
  std::string rule_pack_hash;             // kind health: health.hashes.rule_pack ("" = none)
  std::string policy_hash;                // kind health: health.hashes.policy
};

// Parses the fields the chain needs; the error is a stable short reason ("chain.bad_json", ...).
core::Result<ChainedLine, std::string> parse_chained_line(std::string_view line);

}  // namespace normwatch::events
