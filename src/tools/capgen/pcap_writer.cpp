// PcapWriter over libpcap's dump API. The file header libpcap writes depends only on the link type
// and snap length given here, so identical frames give identical files.
#include "capgen/pcap_writer.hpp"

#include <pcap/pcap.h>

namespace normwatch::tools::capgen {
namespace {
constexpr int kSnapLen = 65535;
}

struct PcapWriter::Handle {
  pcap_t* dead = nullptr;
  pcap_dumper_t* dumper = nullptr;
};

core::Result<std::unique_ptr<PcapWriter>, std::string> PcapWriter::open(const std::string& path) {
  std::unique_ptr<PcapWriter> writer(new PcapWriter());
  writer->path_ = path;
  writer->handle_ = std::make_unique<Handle>();
  writer->handle_->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, kSnapLen, PCAP_TSTAMP_PRECISION_MICRO);
  if (writer->handle_->dead == nullptr) return core::unexpected(std::string("pcap_open_dead failed"));
  writer->handle_->dumper = pcap_dump_open(writer->handle_->dead, path.c_str());
  if (writer->handle_->dumper == nullptr) {
    return core::unexpected("cannot write " + path + ": " + pcap_geterr(writer->handle_->dead));
  }
  return writer;
}

PcapWriter::~PcapWriter() { (void)close(); }

void PcapWriter::write(std::int64_t ts_us, ByteView frame) {
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<time_t>(ts_us / 1'000'000);
  header.ts.tv_usec = static_cast<suseconds_t>(ts_us % 1'000'000);
  header.caplen = static_cast<bpf_u_int32>(frame.size());
  header.len = header.caplen;
  pcap_dump(reinterpret_cast<u_char*>(handle_->dumper), &header, frame.data());
}

core::Result<bool, std::string> PcapWriter::close() {
  if (!handle_) return true;
  bool ok = true;
  if (handle_->dumper != nullptr) {
    ok = pcap_dump_flush(handle_->dumper) == 0;
    pcap_dump_close(handle_->dumper);
  }
  if (handle_->dead != nullptr) pcap_close(handle_->dead);
  handle_.reset();
  if (!ok) return core::unexpected("write error on " + path_);
  return true;
}

}  // namespace normwatch::tools::capgen
