// PacketSource: where frames come from (a capture file or a live interface). The pipeline pulls
// frames one at a time; a source never allocates per frame.
#pragma once

#include <cstdint>
#include <string>

#include "normwatch/capture/raw_frame.hpp"

namespace normwatch::capture {

enum class ReadStatus { frame, end_of_capture, timeout, error };

struct CaptureStats {
  std::uint64_t frames = 0;          // frames handed to the pipeline
  std::uint64_t captured_bytes = 0;  // bytes captured (after snaplen)
  std::uint64_t wire_bytes = 0;      // bytes on the wire
  std::uint64_t truncated_frames = 0;  // frames cut by the snaplen (caplen < wire_len)
  bool has_kernel_stats = false;     // live capture only
  std::uint64_t kernel_received = 0;   // pcap_stats ps_recv
  std::uint64_t kernel_dropped = 0;    // pcap_stats ps_drop: dropped for lack of buffer space
  std::uint64_t interface_dropped = 0; // pcap_stats ps_ifdrop
};

class PacketSource {
 public:
  virtual ~PacketSource() = default;

  // Fills `frame` with the next frame. `timeout` (live only) means no frame arrived in time and
  // the caller should check for shutdown and call again. After `error`, error_message() says why;
  // for a capture cut short it names the frame number and byte offset where it broke.
  virtual ReadStatus next(RawFrame& frame) = 0;
  virtual CaptureStats stats() const = 0;
  virtual const std::string& error_message() const = 0;
  // Human-readable name of what is read ("file.pcap", "interface eth1").
  virtual const std::string& name() const = 0;
  // Asks a blocking live read to return (safe to call from a signal handler).
  virtual void interrupt() {}
  // Size of the input if known (file), for progress reporting; 0 when unknown.
  virtual std::uint64_t total_bytes() const { return 0; }
  virtual std::uint64_t position_bytes() const { return 0; }
};

}  // namespace normwatch::capture
