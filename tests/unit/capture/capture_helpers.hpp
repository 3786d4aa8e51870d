// Test helpers for capture: a temporary directory, pcap files written through libpcap
// (pcap_open_dead + pcap_dump), and byte builders for the formats written by hand (pcapng blocks,
// nanosecond pcap) so the tests control every field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace normwatch::capture::test {

using ByteVec = std::vector<unsigned char>;

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

struct TestFrame {
  std::int64_t sec = 0;
  std::int64_t usec = 0;
  ByteVec bytes;
  std::uint32_t wire_len = 0;  // 0: as captured
};

// A classic microsecond pcap written by libpcap.
void write_pcap(const std::string& path, int dlt, const std::vector<TestFrame>& frames, int snaplen = 65535);
void write_bytes(const std::string& path, const ByteVec& bytes);
ByteVec read_bytes(const std::string& path);

// An Ethernet/IPv4/UDP frame of `size` bytes (>= 42) whose payload bytes are `fill`.
ByteVec udp_frame(std::size_t size, unsigned char fill = 0x55);

// Little-endian pieces of hand-written files.
void put_u16(ByteVec& b, std::uint16_t v);
void put_u32(ByteVec& b, std::uint32_t v);

// pcapng blocks (little-endian section).
ByteVec pcapng_shb();
ByteVec pcapng_idb(std::uint16_t link_type, std::uint8_t tsresol = 6);  // tsresol: if_tsresol (10^-n s)
ByteVec pcapng_epb(std::uint32_t interface_id, std::uint64_t ts_units, const ByteVec& data, std::uint32_t wire_len = 0);
ByteVec pcapng_spb(const ByteVec& data);
ByteVec pcapng_isb(std::uint32_t interface_id);  // interface statistics: not a packet

// Classic pcap header, optionally the nanosecond magic, with any link type.
ByteVec pcap_header(std::uint32_t link_type, bool nanosecond);
ByteVec pcap_record(std::uint32_t sec, std::uint32_t frac, const ByteVec& data, std::uint32_t wire_len = 0);

}  // namespace normwatch::capture::test
