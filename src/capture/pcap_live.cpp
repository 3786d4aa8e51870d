// PcapLive: receive-only capture from an interface (pcap_create + options + pcap_activate, then
// a BPF filter). Nothing here can send: no pcap_inject/pcap_sendpacket. Direction is both ways,
// because a sensor on a SPAN port or tap must see both sides of every conversation.
// The handle is non-blocking and next() polls it with the read timeout itself: on Linux,
// libpcap 1.10's own timeout does not make a read return while no packet arrives (pcap(3PCAP):
// "the buffer timeout does not cause reads to return when no packets have arrived"), so a quiet
// link would leave the caller unable to notice SIGINT. An eventfd lets interrupt() wake the poll.
#include "normwatch/capture/pcap_live.hpp"

#include <pcap/pcap.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>

#include "normwatch/capture/pcap_file.hpp"
#include "pcap_text.hpp"

namespace normwatch::capture {

namespace {

std::string executable_path() {
  std::array<char, 4096> buf{};
  const ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string("/path/to/normwatch");
}

// pcap_activate's failures, told the way a user can act on them.
std::string activation_error(pcap_t* p, int rc, const std::string& iface) {
  const std::string detail = pcap_geterr(p);
  switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
      return "no such interface '" + iface + "' (see: ip link)";
    case PCAP_ERROR_PERM_DENIED:
      return "no permission to capture on " + iface + ": run as root or grant CAP_NET_RAW (setcap cap_net_raw,cap_net_admin=eip " +
             executable_path() + ")";
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      return "no permission to put " + iface + " in promiscuous mode: run as root or grant CAP_NET_ADMIN (setcap cap_net_raw,cap_net_admin=eip " +
             executable_path() + ")";
    case PCAP_ERROR_IFACE_NOT_UP:
      return "interface " + iface + " is down (ip link set " + iface + " up)";
    default:
      return "cannot capture on " + iface + ": " + (detail.empty() ? std::string(pcap_statustostr(rc)) : detail);
  }
}

}  // namespace

struct PcapLive::Handle {
  pcap_t* pcap = nullptr;
  int capture_fd = -1;   // pcap_get_selectable_fd: readable when frames wait
  int wake_fd = -1;      // eventfd written by interrupt()
  int timeout_ms = 200;
  bool nanosecond = false;
  std::uint64_t frame_no = 0;
  std::atomic<bool> interrupted{false};

  ~Handle() {
    if (pcap != nullptr) pcap_close(pcap);
    if (wake_fd >= 0) close(wake_fd);
  }
};

PcapLive::~PcapLive() = default;

core::Result<std::unique_ptr<PcapLive>, std::string> open_pcap_live(const LiveOptions& options) {
  const std::string& iface = options.interface;
  if (iface.empty()) return core::unexpected(std::string("no capture interface given"));
  std::unique_ptr<PcapLive> source(new PcapLive());
  source->name_ = "interface " + iface;
  source->handle_ = std::make_unique<PcapLive::Handle>();
  auto& h = *source->handle_;

  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  h.pcap = pcap_create(iface.c_str(), errbuf);
  if (h.pcap == nullptr) return core::unexpected("cannot capture on " + iface + ": " + errbuf);
  // Setting options on a created, not yet activated handle only fails for out-of-range values,
  // which activation then reports; so their results are not checked one by one.
  pcap_set_snaplen(h.pcap, options.snaplen);
  pcap_set_promisc(h.pcap, options.promiscuous ? 1 : 0);
  pcap_set_immediate_mode(h.pcap, options.immediate ? 1 : 0);
  pcap_set_buffer_size(h.pcap, options.buffer_size_bytes);
  pcap_set_timeout(h.pcap, options.read_timeout_ms);
  pcap_set_tstamp_precision(h.pcap, PCAP_TSTAMP_PRECISION_NANO);  // best effort: µs if refused

  const int rc = pcap_activate(h.pcap);
  if (rc < 0) return core::unexpected(activation_error(h.pcap, rc, iface));
  if (rc > 0) source->warning_ = iface + ": " + pcap_statustostr(rc) + " " + pcap_geterr(h.pcap);
  if (pcap_setdirection(h.pcap, PCAP_D_INOUT) != 0) {
    source->warning_ += (source->warning_.empty() ? "" : "; ") + iface + ": cannot capture both directions: " + pcap_geterr(h.pcap);
  }

  const int dlt = pcap_datalink(h.pcap);
  if (!is_supported_link_type(dlt)) return core::unexpected(iface + ": " + detail::unsupported_link_type_message(dlt));
  source->link_type_ = dlt;
  h.nanosecond = pcap_get_tstamp_precision(h.pcap) == PCAP_TSTAMP_PRECISION_NANO;
  h.timeout_ms = options.read_timeout_ms;
  h.capture_fd = pcap_get_selectable_fd(h.pcap);
  h.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (h.capture_fd < 0 || h.wake_fd < 0 || pcap_setnonblock(h.pcap, 1, errbuf) != 0) {
    return core::unexpected("cannot capture on " + iface + ": no pollable capture handle (" + errbuf + ")");
  }

  if (!options.bpf_filter.empty()) {
    bpf_program program{};
    if (pcap_compile(h.pcap, &program, options.bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      return core::unexpected("bad capture filter '" + options.bpf_filter + "': " + pcap_geterr(h.pcap));
    }
    const int set = pcap_setfilter(h.pcap, &program);
    pcap_freecode(&program);
    if (set != 0) {
      return core::unexpected("cannot apply capture filter '" + options.bpf_filter + "' on " + iface + ": " + pcap_geterr(h.pcap));
    }
  }
  return source;
}

ReadStatus PcapLive::next(RawFrame& frame) {
  auto& h = *handle_;
  if (h.interrupted.load(std::memory_order_relaxed)) return ReadStatus::end_of_capture;
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(h.pcap, &hdr, &data);
  if (rc == 0) {  // nothing waiting: sleep until a frame, the timeout, or interrupt()
    pollfd fds[2] = {{h.capture_fd, POLLIN, 0}, {h.wake_fd, POLLIN, 0}};
    const int ready = poll(fds, 2, h.timeout_ms);
    if (h.interrupted.load(std::memory_order_relaxed)) return ReadStatus::end_of_capture;
    if (ready <= 0) return ReadStatus::timeout;  // timeout, or EINTR: let the caller look around
    rc = pcap_next_ex(h.pcap, &hdr, &data);
  }
  if (rc == 1) {
    ++h.frame_no;
    frame.frame_no = h.frame_no;
    frame.link_type = link_type_;
    frame.ts = h.nanosecond ? core::Timestamp::from_seconds(hdr->ts.tv_sec, hdr->ts.tv_usec)
                            : core::Timestamp::from_seconds(hdr->ts.tv_sec, std::int64_t{hdr->ts.tv_usec} * 1000);
    frame.bytes = core::as_bytes(data, hdr->caplen);
    frame.wire_len = hdr->len;
    ++stats_.frames;
    stats_.captured_bytes += hdr->caplen;
    stats_.wire_bytes += hdr->len;
    if (hdr->caplen < hdr->len) ++stats_.truncated_frames;
    return ReadStatus::frame;
  }
  if (rc == 0) return ReadStatus::timeout;
  if (rc == PCAP_ERROR_BREAK) return ReadStatus::end_of_capture;  // interrupt()
  error_ = "capture on " + name_.substr(name_.find(' ') + 1) + " failed after frame " + std::to_string(h.frame_no) + ": " +
           pcap_geterr(h.pcap);
  return ReadStatus::error;
}

CaptureStats PcapLive::stats() const {
  CaptureStats s = stats_;
  pcap_stat ps{};
  if (pcap_stats(handle_->pcap, &ps) == 0) {
    s.has_kernel_stats = true;
    s.kernel_received = ps.ps_recv;
    s.kernel_dropped = ps.ps_drop;
    s.interface_dropped = ps.ps_ifdrop;
  }
  return s;
}

void PcapLive::interrupt() {
  // Safe from a signal handler: an atomic store, write(2) to our eventfd (wakes next()'s poll),
  // and pcap_breakloop, which sets a flag and writes to libpcap's own eventfd.
  handle_->interrupted.store(true, std::memory_order_relaxed);
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = write(handle_->wake_fd, &one, sizeof one);
  pcap_breakloop(handle_->pcap);
}

}  // namespace normwatch::capture
