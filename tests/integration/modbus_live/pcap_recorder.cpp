// modbus-live-record IFACE FILTER OUT.pcap: records what passes IFACE through a BPF filter into a
// pcap file with libpcap (pcap_create, immediate mode, pcap_dump), until SIGTERM or SIGINT, so that
// the live test can run `normwatch decode` on the same traffic `normwatch live` saw. Prints
// "recording" on stdout once the capture is active and "written N dropped K" at the end; exit 77
// when capture is not permitted.
#include <pcap/pcap.h>

#include <signal.h>

#include <csignal>
#include <cstdio>

namespace {

volatile std::sig_atomic_t stop = 0;
pcap_t* active = nullptr;

// pcap_breakloop is meant to be called from a signal handler: it wakes a blocked pcap_dispatch.
void on_signal(int) {
  stop = 1;
  if (active != nullptr) pcap_breakloop(active);
}

constexpr int kNotPermitted = 77;  // the driver turns this into SKIP
constexpr int kSnapLength = 4096;
constexpr int kBufferBytes = 32 << 20;

int fail(pcap_t* pcap, const char* what) {
  std::fprintf(stderr, "modbus-live-record: %s: %s\n", what, pcap_geterr(pcap));
  pcap_close(pcap);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: modbus-live-record IFACE FILTER OUT.pcap\n");
    return 2;
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* pcap = pcap_create(argv[1], errbuf);
  if (pcap == nullptr) {
    std::fprintf(stderr, "modbus-live-record: %s\n", errbuf);
    return 1;
  }
  // In immediate mode libpcap uses fixed-size ring slots of about the snap length: with 65535 and
  // the default 2 MB buffer that is ~30 slots, and a burst of the script's frames overflowed them
  // while this process waited for a CPU on a loaded machine. The script's frames are < 400 bytes.
  pcap_set_snaplen(pcap, kSnapLength);
  pcap_set_buffer_size(pcap, kBufferBytes);
  pcap_set_immediate_mode(pcap, 1);   // deliver each frame at once: the test stops soon after
  pcap_set_timeout(pcap, 100);
  const int status = pcap_activate(pcap);
  if (status == PCAP_ERROR_PERM_DENIED || status == PCAP_ERROR_PROMISC_PERM_DENIED) {
    std::fprintf(stderr, "modbus-live-record: capture not permitted: %s\n", pcap_geterr(pcap));
    pcap_close(pcap);
    return kNotPermitted;
  }
  if (status < 0) return fail(pcap, "pcap_activate");
  bpf_program program{};
  if (pcap_compile(pcap, &program, argv[2], 1, PCAP_NETMASK_UNKNOWN) != 0) return fail(pcap, "pcap_compile");
  if (pcap_setfilter(pcap, &program) != 0) return fail(pcap, "pcap_setfilter");
  pcap_freecode(&program);
  pcap_dumper_t* dumper = pcap_dump_open(pcap, argv[3]);
  if (dumper == nullptr) return fail(pcap, "pcap_dump_open");

  active = pcap;
  struct sigaction action {};
  action.sa_handler = on_signal;  // no SA_RESTART: a blocked poll returns at once
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  std::printf("recording\n");
  std::fflush(stdout);
  long frames = 0;
  while (stop == 0) {
    const int n = pcap_dispatch(pcap, -1, pcap_dump, reinterpret_cast<u_char*>(dumper));
    if (n < 0 && n != PCAP_ERROR_BREAK) {
      pcap_dump_close(dumper);
      return fail(pcap, "pcap_dispatch");
    }
    if (n > 0) frames += n;
  }
  // Whatever the kernel still holds for us was captured before the stop: take it too.
  pcap_setnonblock(pcap, 1, errbuf);
  for (int n = 0; (n = pcap_dispatch(pcap, -1, pcap_dump, reinterpret_cast<u_char*>(dumper))) > 0;) frames += n;
  pcap_dump_close(dumper);
  pcap_stat stats{};
  const bool have_stats = pcap_stats(pcap, &stats) == 0;
  pcap_close(pcap);
  std::fprintf(stderr, "modbus-live-record: %ld frames written to %s\n", frames, argv[3]);
  // The driver checks that the kernel dropped nothing: a lost frame would fail the comparison.
  std::printf("written %ld dropped %u\n", frames, have_stats ? stats.ps_drop + stats.ps_ifdrop : 0U);
  return 0;
}
