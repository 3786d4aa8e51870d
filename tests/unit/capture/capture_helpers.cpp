// Test helpers for capture (see capture_helpers.hpp).
#include "capture/capture_helpers.hpp"

#include <pcap/pcap.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace normwatch::capture::test {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "normwatch-capture-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void write_pcap(const std::string& path, int dlt, const std::vector<TestFrame>& frames, int snaplen) {
  pcap_t* dead = pcap_open_dead(dlt, snaplen);
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  if (dumper == nullptr) throw std::runtime_error(pcap_geterr(dead));
  for (const auto& f : frames) {
    pcap_pkthdr hdr{};
    hdr.ts.tv_sec = f.sec;
    hdr.ts.tv_usec = f.usec;
    hdr.caplen = static_cast<bpf_u_int32>(f.bytes.size());
    hdr.len = f.wire_len != 0 ? f.wire_len : hdr.caplen;
    pcap_dump(reinterpret_cast<u_char*>(dumper), &hdr, f.bytes.data());
  }
  pcap_dump_close(dumper);
  pcap_close(dead);
}

void write_bytes(const std::string& path, const ByteVec& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

ByteVec read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return ByteVec((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

ByteVec udp_frame(std::size_t size, unsigned char fill) {
  // Sized up front and filled in place: growing the 42-byte header with resize() trips GCC 12's
  // -Warray-bounds false positive (its bug 105329 family).
  static constexpr unsigned char kHeader[] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,                      // Ethernet
               0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,             // IPv4
               0x4e, 0x20, 0x4e, 0x20, 0, 0, 0, 0};                                              // UDP
  ByteVec f(size < sizeof kHeader ? sizeof kHeader : size, fill);
  std::copy(std::begin(kHeader), std::end(kHeader), f.begin());
  const std::size_t ip_len = size - 14;
  f[16] = static_cast<unsigned char>(ip_len >> 8);
  f[17] = static_cast<unsigned char>(ip_len);
  f[38] = static_cast<unsigned char>((ip_len - 20) >> 8);
  f[39] = static_cast<unsigned char>(ip_len - 20);
  std::uint32_t sum = 0;
  for (std::size_t i = 14; i < 34; i += 2) sum += (std::uint32_t{f[i]} << 8) | f[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  f[24] = static_cast<unsigned char>(~sum >> 8);
  f[25] = static_cast<unsigned char>(~sum);
  return f;
}

void put_u16(ByteVec& b, std::uint16_t v) {
  b.push_back(static_cast<unsigned char>(v));
  b.push_back(static_cast<unsigned char>(v >> 8));
}
void put_u32(ByteVec& b, std::uint32_t v) {
  put_u16(b, static_cast<std::uint16_t>(v));
  put_u16(b, static_cast<std::uint16_t>(v >> 16));
}

namespace {
// type, total length, body, padding to 32 bits, total length again.
ByteVec block(std::uint32_t type, const ByteVec& body) {
  ByteVec padded = body;
  while (padded.size() % 4 != 0) padded.push_back(0);
  const auto total = static_cast<std::uint32_t>(12 + padded.size());
  ByteVec b;
  put_u32(b, type);
  put_u32(b, total);
  b.insert(b.end(), padded.begin(), padded.end());
  put_u32(b, total);
  return b;
}
}  // namespace

ByteVec pcapng_shb() {
  ByteVec body;
  put_u32(body, 0x1a2b3c4d);  // byte-order magic
  put_u16(body, 1);           // version 1.0
  put_u16(body, 0);
  put_u32(body, 0xffffffff);  // section length unknown
  put_u32(body, 0xffffffff);
  return block(0x0a0d0d0a, body);
}

ByteVec pcapng_idb(std::uint16_t link_type, std::uint8_t tsresol) {
  ByteVec body;
  put_u16(body, link_type);
  put_u16(body, 0);
  put_u32(body, 0);  // snaplen: unlimited
  if (tsresol != 6) {
    put_u16(body, 9);  // if_tsresol
    put_u16(body, 1);
    body.push_back(tsresol);
    body.insert(body.end(), {0, 0, 0});
    put_u16(body, 0);  // opt_endofopt
    put_u16(body, 0);
  }
  return block(1, body);
}

ByteVec pcapng_epb(std::uint32_t interface_id, std::uint64_t ts_units, const ByteVec& data, std::uint32_t wire_len) {
  ByteVec body;
  put_u32(body, interface_id);
  put_u32(body, static_cast<std::uint32_t>(ts_units >> 32));
  put_u32(body, static_cast<std::uint32_t>(ts_units));
  put_u32(body, static_cast<std::uint32_t>(data.size()));
  put_u32(body, wire_len != 0 ? wire_len : static_cast<std::uint32_t>(data.size()));
  body.insert(body.end(), data.begin(), data.end());
  return block(6, body);
}

ByteVec pcapng_spb(const ByteVec& data) {
  ByteVec body;
  put_u32(body, static_cast<std::uint32_t>(data.size()));
  body.insert(body.end(), data.begin(), data.end());
  return block(3, body);
}

ByteVec pcapng_isb(std::uint32_t interface_id) {
  ByteVec body;
  put_u32(body, interface_id);
  put_u32(body, 0);
  put_u32(body, 0);
  return block(5, body);
}

ByteVec pcap_header(std::uint32_t link_type, bool nanosecond) {
  ByteVec b;
  put_u32(b, nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
  put_u16(b, 2);
  put_u16(b, 4);
  put_u32(b, 0);      // thiszone
  put_u32(b, 0);      // sigfigs
  put_u32(b, 65535);  // snaplen
  put_u32(b, link_type);
  return b;
}

ByteVec pcap_record(std::uint32_t sec, std::uint32_t frac, const ByteVec& data, std::uint32_t wire_len) {
  ByteVec b;
  put_u32(b, sec);
  put_u32(b, frac);
  put_u32(b, static_cast<std::uint32_t>(data.size()));
  put_u32(b, wire_len != 0 ? wire_len : static_cast<std::uint32_t>(data.size()));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

}  // namespace normwatch::capture::test
