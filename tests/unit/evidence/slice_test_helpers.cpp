// Frame builders and fixtures for the slice tests (slice_test_helpers.hpp).
#include "slice_test_helpers.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>
#include <random>

namespace normwatch::evidence::test {

namespace {
void put16(std::vector<std::byte>& b, std::uint16_t v) {
  b.push_back(static_cast<std::byte>(v >> 8));
  b.push_back(static_cast<std::byte>(v & 0xFF));
}
void put32(std::vector<std::byte>& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v & 0xFFFF));
}
}  // namespace

std::vector<std::byte> tcp_frame(const FrameSpec& s, std::uint64_t frame_no) {
  std::vector<std::byte> b;
  for (int i = 0; i < 6; ++i) b.push_back(std::byte{0x02});  // dst MAC
  for (int i = 0; i < 6; ++i) b.push_back(std::byte{0x04});  // src MAC
  if (s.vlan != 0) {
    put16(b, 0x8100);
    put16(b, s.vlan);
  }
  put16(b, 0x0800);
  const std::size_t ip_start = b.size();
  b.push_back(std::byte{0x45});
  b.push_back(std::byte{0});
  put16(b, static_cast<std::uint16_t>(20 + 20 + s.payload));
  put16(b, static_cast<std::uint16_t>(frame_no));
  put16(b, 0x4000);  // DF
  b.push_back(std::byte{64});
  b.push_back(std::byte{6});
  put16(b, 0);  // checksum, filled below
  put32(b, s.src_ip);
  put32(b, s.dst_ip);
  std::uint32_t sum = 0;
  for (std::size_t i = ip_start; i < ip_start + 20; i += 2) {
    sum += (std::to_integer<std::uint32_t>(b[i]) << 8) | std::to_integer<std::uint32_t>(b[i + 1]);
  }
  while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
  b[ip_start + 10] = static_cast<std::byte>((~sum >> 8) & 0xFF);
  b[ip_start + 11] = static_cast<std::byte>(~sum & 0xFF);
  put16(b, s.src_port);
  put16(b, s.dst_port);
  put32(b, static_cast<std::uint32_t>(1000 + frame_no * 100));
  put32(b, 1);
  b.push_back(std::byte{0x50});
  b.push_back(static_cast<std::byte>(s.tcp_flags));
  put16(b, 8192);
  put16(b, 0);
  put16(b, 0);
  for (std::size_t i = 0; i < s.payload; ++i) b.push_back(static_cast<std::byte>(frame_no & 0xFF));
  return b;
}

OwnedFrame make_frame(const FrameSpec& spec, std::uint64_t frame_no, std::int64_t ts_ns) {
  OwnedFrame f;
  f.bytes = tcp_frame(spec, frame_no);
  f.frame.ts = core::Timestamp{ts_ns};
  f.frame.link_type = 1;
  f.frame.bytes = core::Bytes(f.bytes.data(), f.bytes.size());
  f.frame.wire_len = static_cast<std::uint32_t>(f.bytes.size());
  f.frame.frame_no = frame_no;
  return f;
}

events::Event finding(const FrameSpec& spec, std::uint64_t frame_no, std::int64_t ts_ns, events::EventKind kind) {
  events::Event e;
  e.ts = core::Timestamp{ts_ns};
  e.kind = kind;
  e.source = events::Endpoint{core::IpAddress::v4(spec.src_ip), spec.src_port};
  e.destination = events::Endpoint{core::IpAddress::v4(spec.dst_ip), spec.dst_port};
  e.transport = "tcp";
  e.vlan = spec.vlan;
  e.protocol = "modbus";
  e.evidence_frames = {frame_no};
  e.message = "finding at frame " + std::to_string(frame_no);
  return e;
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("normwatch-slice-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace normwatch::evidence::test
