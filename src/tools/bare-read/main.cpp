// pcap-bare-read FILE: a bare libpcap read loop (pcap_next_ex until the end of the file) counting
// frames and captured bytes, printed as one JSON line with the wall-clock time and packets/s.
// The replay benchmark divides normwatch's rate by this one, measured side by side.
#include <pcap/pcap.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: pcap-bare-read FILE\n");
    return 2;
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  const auto start = std::chrono::steady_clock::now();
  pcap_t* pcap = pcap_open_offline(argv[1], errbuf);
  if (pcap == nullptr) {
    std::fprintf(stderr, "pcap-bare-read: %s\n", errbuf);
    return 1;
  }
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;
  std::uint64_t checksum = 0;  // touches one byte per frame so the loop cannot be optimised away
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int status = 0;
  while ((status = pcap_next_ex(pcap, &header, &data)) == 1) {
    ++frames;
    bytes += header->caplen;
    if (header->caplen > 0) checksum += data[header->caplen - 1];
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (status == PCAP_ERROR) {
    std::fprintf(stderr, "pcap-bare-read: %s\n", pcap_geterr(pcap));
    pcap_close(pcap);
    return 1;
  }
  pcap_close(pcap);
  const double pps = seconds > 0 ? static_cast<double>(frames) / seconds : 0.0;
  std::printf("{\"frames\":%llu,\"bytes\":%llu,\"wall_seconds\":%.6f,\"packets_per_second\":%.0f,\"tail_sum\":%llu}\n",
              static_cast<unsigned long long>(frames), static_cast<unsigned long long>(bytes), seconds, pps,
              static_cast<unsigned long long>(checksum));
  return 0;
}
