// PcapFile: pcap (micro- and nanosecond) and pcapng through libpcap, with nanosecond timestamps,
// Wireshark's 1-based frame numbers, byte offsets for progress and for naming where a damaged
// capture broke, and one-line errors for what users get wrong (missing, empty, not a capture).
#include "normwatch/capture/pcap_file.hpp"

#include <pcap/pcap.h>
#include <sys/stat.h>
#if __has_include(<stdio_ext.h>)
#include <stdio_ext.h>
#define NORMWATCH_HAVE_FSETLOCKING 1
#endif

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "pcap_text.hpp"

namespace normwatch::capture {

namespace {

// stdio buffer for the capture file. glibc's default is the file system block size (4 KiB): a
// read(2) every ~40 small frames. With 256 KiB libpcap's fread()s are served from memory and the
// system calls (and the cache lines they churn) drop 64-fold; libpcap still does all the reading.
constexpr std::size_t kReadBufferBytes = 256 << 10;

// First four bytes of the formats libpcap reads: pcap (µs, ns, both byte orders; the modified
// "Kuznetzov" pcap) and a pcapng section header block.
constexpr std::array<std::uint32_t, 6> kMagics{0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0xa1b2cd34, 0x0a0d0d0a};

bool known_magic(const unsigned char* b) {
  const std::uint32_t be = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
  const std::uint32_t le = (std::uint32_t{b[3]} << 24) | (std::uint32_t{b[2]} << 16) | (std::uint32_t{b[1]} << 8) | b[0];
  for (std::uint32_t m : kMagics) {
    if (m == be || m == le) return true;
  }
  return false;
}

// The record header size of a pcap file from its magic (either byte order); 0 for pcapng.
std::uint32_t record_header_bytes(const unsigned char* b) {
  const std::uint32_t be = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
  const std::uint32_t le = (std::uint32_t{b[3]} << 24) | (std::uint32_t{b[2]} << 16) | (std::uint32_t{b[1]} << 8) | b[0];
  if (be == 0x0a0d0d0a || le == 0x0a0d0d0a) return 0;
  if (be == 0xa1b2cd34 || le == 0xa1b2cd34) return 24;
  return 16;
}

std::string not_a_capture(const std::string& path, const unsigned char* head, std::size_t n) {
  std::string msg = path + " is not a pcap or pcapng capture";
  if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) msg += " (it is gzip-compressed: gunzip it first)";
  return msg;
}

}  // namespace

struct PcapFile::Handle {
  pcap_t* pcap = nullptr;
  FILE* file = nullptr;          // owned by `pcap` once pcap_fopen_offline succeeded
  // The setvbuf() buffer of `file`: the destructor body closes the FILE, and members are destroyed
  // only after it, so the buffer outlives every use.
  std::unique_ptr<char[]> read_buffer;
  std::uint64_t frame_no = 0;
  std::uint64_t position = 0;    // byte offset just past the last complete frame
  // Bytes of a pcap record header (16; 24 in the modified "Kuznetzov" format), so that the offset
  // of a frame is a sum rather than an ftell() per frame; 0 for pcapng, whose blocks vary.
  std::uint32_t record_header_bytes = 0;
  bool finished = false;
  ReadStatus final_status = ReadStatus::end_of_capture;

  ~Handle() {
    if (pcap != nullptr) {
      pcap_close(pcap);
    } else if (file != nullptr) {
      std::fclose(file);
    }
  }
};

PcapFile::~PcapFile() = default;

std::uint64_t PcapFile::position_bytes() const { return handle_->position; }

core::Result<std::unique_ptr<PcapFile>, std::string> open_pcap_file(const std::string& path) {
  std::unique_ptr<PcapFile> source(new PcapFile());
  source->path_ = path;
  source->handle_ = std::make_unique<PcapFile::Handle>();
  auto& h = *source->handle_;

  h.file = std::fopen(path.c_str(), "rb");
  if (h.file == nullptr) return core::unexpected("cannot open " + path + ": " + std::strerror(errno));
  h.read_buffer = std::make_unique_for_overwrite<char[]>(kReadBufferBytes);
  if (std::setvbuf(h.file, h.read_buffer.get(), _IOFBF, kReadBufferBytes) != 0) h.read_buffer.reset();
#ifdef NORMWATCH_HAVE_FSETLOCKING
  // Only the reading thread touches this FILE (libpcap reads it on our behalf), so stdio's
  // per-call lock protects nothing. It is not free: glibc takes it with a locked instruction on
  // each of libpcap's two fread()s per frame, and a locked instruction waits for every store
  // still pending — the flow and stream state that missed the cache — which made it the largest
  // single cost of a replay (about a fifth of the time, profiled).
  __fsetlocking(h.file, FSETLOCKING_BYCALLER);
#endif
  struct stat st {};
  if (fstat(fileno(h.file), &st) != 0) return core::unexpected("cannot open " + path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return core::unexpected("cannot open " + path + ": " + std::strerror(EISDIR));
  source->file_size_ = static_cast<std::uint64_t>(st.st_size);
  if (S_ISREG(st.st_mode) && st.st_size == 0) return core::unexpected(path + " is empty (0 bytes)");

  unsigned char head[4] = {0, 0, 0, 0};
  const std::size_t got = std::fread(head, 1, sizeof head, h.file);
  if (got < sizeof head || !known_magic(head)) return core::unexpected(not_a_capture(path, head, got));
  std::rewind(h.file);

  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  h.pcap = pcap_fopen_offline_with_tstamp_precision(h.file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (h.pcap == nullptr) {
    const std::string reason = errbuf;
    if (reason.find("unknown file format") != std::string::npos) return core::unexpected(not_a_capture(path, head, got));
    return core::unexpected("cannot read " + path + ": " + reason);
  }
  const int dlt = pcap_datalink(h.pcap);
  if (!is_supported_link_type(dlt)) return core::unexpected(path + ": " + detail::unsupported_link_type_message(dlt));
  source->link_type_ = dlt;
  h.record_header_bytes = record_header_bytes(head);
  const long at = std::ftell(h.file);
  h.position = at > 0 ? static_cast<std::uint64_t>(at) : 0;
  return source;
}

ReadStatus PcapFile::next(RawFrame& frame) {
  auto& h = *handle_;
  if (h.finished) return h.final_status;
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(h.pcap, &hdr, &data);
  if (rc == 1) {
    ++h.frame_no;
    frame.frame_no = h.frame_no;
    frame.link_type = link_type_;
    // With PCAP_TSTAMP_PRECISION_NANO libpcap puts nanoseconds in tv_usec (scaling µs files).
    frame.ts = core::Timestamp::from_seconds(hdr->ts.tv_sec, hdr->ts.tv_usec);
    frame.bytes = core::as_bytes(data, hdr->caplen);
    frame.wire_len = hdr->len;
    ++stats_.frames;
    stats_.captured_bytes += hdr->caplen;
    stats_.wire_bytes += hdr->len;
    if (hdr->caplen < hdr->len) ++stats_.truncated_frames;
    // libpcap cuts a record longer than the file's snap length short after reading it all, so the
    // summed offset can drift on such files: an ftell() every 1024 frames puts it right again.
    if (h.record_header_bytes == 0 || (h.frame_no & 1023u) == 0) {
      const long at = std::ftell(h.file);
      if (at > 0) h.position = static_cast<std::uint64_t>(at);
    } else {
      h.position += h.record_header_bytes + hdr->caplen;
    }
    return ReadStatus::frame;
  }
  h.finished = true;
  if (rc == PCAP_ERROR_BREAK) {  // clean end of file
    h.final_status = ReadStatus::end_of_capture;
    return h.final_status;
  }
  const std::string reason = pcap_geterr(h.pcap);
  const std::string where = " after frame " + std::to_string(h.frame_no) + " (byte offset " + std::to_string(h.position) + "): ";
  if (detail::is_truncation_reason(reason)) {
    error_ = "capture truncated" + where + reason;
  } else if (reason.find("different from the type of the first interface") != std::string::npos) {
    // libpcap 1.10 gives a pcapng file one link type; a later interface of another type stops it.
    error_ = "capture unreadable" + where + reason + " (libpcap reads pcapng files whose interfaces share one link type)";
  } else {
    error_ = "capture damaged" + where + reason;
  }
  h.final_status = ReadStatus::error;
  return h.final_status;
}

}  // namespace normwatch::capture
