// The delivery protocol between a sensor (ZeroMQ DEALER) and the collector (ROUTER), version 1
// (issue 7 §1 and §3; PEERS.md §4: Titanic-style application acknowledgements, not PUB/SUB).
//
//   sensor -> collector   ["nw1.events", batch id (u64 LE, 8 bytes), lines]
//                         lines: 1..kMaxBatchEvents canonical event lines joined by '\n'; a
//                         line may be followed by '\t' and the base64 of its pcap evidence
//                         slice (events/slice_ref.hpp), which the collector stores apart
//   collector -> sensor   ["nw1.ack", batch id, "stored=N duplicate=M rejected=K"]
//                         sent only after the batch is committed to the store; duplicates and
//                         quarantined (rejected) lines are committed too, so the ack covers them
//                         all and the sensor may delete them from its spool.
//   collector -> sensor   ["nw1.error", batch id or empty, reason]  malformed message, not stored
//
// A batch id is unique within one sender process; an ack for an unknown id is ignored. The
// sender re-sends every unacknowledged batch after a reconnect or an ack timeout, so the collector
// sees duplicates and drops them on (sensor, epoch, seq).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace normwatch::publish::wire {

inline constexpr std::string_view kEvents = "nw1.events";
inline constexpr std::string_view kAck = "nw1.ack";
inline constexpr std::string_view kError = "nw1.error";

inline constexpr std::size_t kMaxBatchEvents = 1024;
inline constexpr std::size_t kMaxBatchBytes = 2U << 20;       // lines payload
inline constexpr std::int64_t kMaxMessageBytes = 4LL << 20;   // ZMQ_MAXMSGSIZE at the collector

// The ZAP domain the collector authenticates in.
inline constexpr std::string_view kZapDomain = "normwatch";

inline std::string encode_u64(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
  return out;
}

inline std::optional<std::uint64_t> decode_u64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  return v;
}

}  // namespace normwatch::publish::wire
