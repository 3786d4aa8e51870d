// Decoder: Ethernet II, 802.1Q/QinQ, Linux SLL/SLL2, BSD loopback, raw IP, IPv4 (+ fragment
// reassembly with caps and a timeout), IPv6 (+ extension headers and fragment reassembly under
// the same caps), TCP (+ options) and UDP.
// Decoding never throws and never reads past the frame: a bad header is a counted anomaly.
#pragma once

#include <cstdint>
#include <memory>

#include "normwatch/capture/raw_frame.hpp"
#include "normwatch/decode/anomaly.hpp"
#include "normwatch/decode/decoded_packet.hpp"

namespace normwatch::decode {

struct DecoderLimits {
  std::size_t max_fragment_datagrams = 1024;           // datagrams under reassembly at once
  std::size_t max_fragment_bytes = 8 << 20;            // bytes held across all of them
  std::int64_t fragment_timeout_ns = 30'000'000'000;   // 30 s, as Linux ipfrag_time
  std::size_t max_fragments_per_datagram = 256;        // tiny-fragment floods stop here
  bool verify_checksums = true;                        // count bad checksums (never drops)
};

enum class DecodeStatus : std::uint8_t {
  transport,       // TCP or UDP decoded: ports and payload are set
  network_only,    // IP decoded, other transport (ICMP, ...): addresses set, no ports
  not_ip,          // ARP, LLDP, ...: link layer only
  fragment_held,   // an IP fragment stored until its datagram completes
  anomaly,         // the frame could not be decoded; the anomaly is counted
};

struct DecodeCounters {
  std::uint64_t frames = 0;
  std::uint64_t ipv4 = 0;
  std::uint64_t ipv6 = 0;
  std::uint64_t tcp = 0;
  std::uint64_t udp = 0;
  std::uint64_t other_ip = 0;
  std::uint64_t not_ip = 0;
  std::uint64_t fragments = 0;            // IPv4 and IPv6 fragments
  std::uint64_t ipv6_fragments = 0;       // of which IPv6
  std::uint64_t reassembled_datagrams = 0;
  DecodeAnomalyCounts anomalies{};

  std::uint64_t anomaly_total() const;
};

class Decoder {
 public:
  explicit Decoder(DecoderLimits limits = {});
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Decodes `frame` into `out`. On `anomaly`, last_anomaly() names the first problem found.
  DecodeStatus decode(const capture::RawFrame& frame, DecodedPacket& out);
  DecodeAnomaly last_anomaly() const { return last_anomaly_; }

  // Drops fragment datagrams older than the timeout at `now` (called as capture time advances).
  void expire(core::Timestamp now);

  const DecodeCounters& counters() const { return counters_; }
  // Fragment reassembly state now, for health reports (bounded by DecoderLimits).
  std::size_t fragment_datagrams_held() const;
  std::size_t fragment_bytes_held() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  DecodeCounters counters_;
  DecodeAnomaly last_anomaly_ = DecodeAnomaly::kCount;
};

}  // namespace normwatch::decode
