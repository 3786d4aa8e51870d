// Where generated frames go: FrameSink, and PcapWriter, which writes a classic pcap file
// (Ethernet link type, microsecond timestamps) through libpcap's pcap_open_dead + pcap_dump.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "capgen/bytes.hpp"
#include "normwatch/core/result.hpp"

namespace normwatch::tools::capgen {

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void write(std::int64_t ts_us, ByteView frame) = 0;
};

class PcapWriter final : public FrameSink {
 public:
  static core::Result<std::unique_ptr<PcapWriter>, std::string> open(const std::string& path);
  ~PcapWriter() override;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  void write(std::int64_t ts_us, ByteView frame) override;
  // Flushes and closes; reports a write error (disk full) that pcap_dump cannot report itself.
  core::Result<bool, std::string> close();

 private:
  PcapWriter() = default;
  struct Handle;
  std::unique_ptr<Handle> handle_;
  std::string path_;
};

}  // namespace normwatch::tools::capgen
