// PcapFile: reads pcap (micro- or nanosecond) and pcapng capture files through libpcap, with
// timestamps kept to the nanosecond and frames numbered from 1 as Wireshark numbers them (every
// pcapng packet block, enhanced, simple or obsolete, is one frame; other blocks are not).
// pcapng with several interfaces: libpcap 1.10 gives the file one link type, that of the first
// interface; frames of further interfaces with the same link type are read normally, and an
// interface with a different link type stops the read with an error naming the last good frame
// (frames are never given a wrong link type).
#pragma once

#include <memory>
#include <string>

#include "normwatch/capture/packet_source.hpp"
#include "normwatch/core/result.hpp"

namespace normwatch::capture {

class PcapFile;

// Opens `path`. Errors are one line for the user: a missing file, a file that is not a capture,
// an empty file, a link type the decoder does not support.
core::Result<std::unique_ptr<PcapFile>, std::string> open_pcap_file(const std::string& path);

// next() errors (error_message()) name where the file broke without repeating the path, which
// name() gives: "capture truncated after frame 1234 (byte offset 567890): <libpcap's reason>".
class PcapFile : public PacketSource {
 public:
  ~PcapFile() override;
  ReadStatus next(RawFrame& frame) override;
  CaptureStats stats() const override { return stats_; }
  const std::string& error_message() const override { return error_; }
  const std::string& name() const override { return path_; }
  std::uint64_t total_bytes() const override { return file_size_; }
  std::uint64_t position_bytes() const override;
  int link_type() const { return link_type_; }

 private:
  friend core::Result<std::unique_ptr<PcapFile>, std::string> open_pcap_file(const std::string& path);
  PcapFile() = default;

  struct Handle;
  std::unique_ptr<Handle> handle_;
  std::string path_;
  std::string error_;
  CaptureStats stats_;
  std::uint64_t file_size_ = 0;
  int link_type_ = 0;
};

bool is_supported_link_type(int dlt);

}  // namespace normwatch::capture
