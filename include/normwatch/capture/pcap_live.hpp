// PcapLive: captures from a live interface. Receive-only: the handle is never used to send, and
// promiscuous mode is on by default because sensors sit on SPAN ports and taps.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "normwatch/capture/packet_source.hpp"
#include "normwatch/core/result.hpp"

namespace normwatch::capture {

struct LiveOptions {
  std::string interface;
  std::string bpf_filter;            // empty: everything
  // In immediate mode libpcap uses TPACKET_V2, which gives every frame a slot of the snap length:
  // at 65535 the 64 MiB ring held ~1,000 frames and dropped from 50-70 k packets/s on a veth
  // (tests/bench/live-rate-bench.sh). 2048 holds any Ethernet frame of a 1500-byte MTU with
  // QinQ tags, ~30,000 of them; jumbo-frame networks raise it (the sensor says so at start).
  int snaplen = 2048;
  int buffer_size_bytes = 64 << 20;  // kernel ring; large, because drops make a sensor blind
  bool promiscuous = true;
  bool immediate = true;             // deliver each frame at once rather than in batches
  int read_timeout_ms = 200;         // how often next() returns `timeout` when idle
};

class PcapLive;

// Errors: no such interface, no permission to capture (with the capability to grant), a filter
// that does not compile, a link type the decoder does not support.
core::Result<std::unique_ptr<PcapLive>, std::string> open_pcap_live(const LiveOptions& options);

class PcapLive : public PacketSource {
 public:
  ~PcapLive() override;
  ReadStatus next(RawFrame& frame) override;
  CaptureStats stats() const override;
  const std::string& error_message() const override { return error_; }
  const std::string& name() const override { return name_; }
  // Non-fatal problem found while opening (e.g. promiscuous mode not supported); empty if none.
  const std::string& warning() const { return warning_; }
  void interrupt() override;
  int link_type() const { return link_type_; }

 private:
  friend core::Result<std::unique_ptr<PcapLive>, std::string> open_pcap_live(const LiveOptions& options);
  PcapLive() = default;

  struct Handle;
  std::unique_ptr<Handle> handle_;
  std::string name_;
  std::string error_;
  std::string warning_;
  CaptureStats stats_;
  int link_type_ = 0;
};

}  // namespace normwatch::capture
