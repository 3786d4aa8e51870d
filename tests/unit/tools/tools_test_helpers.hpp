// Helpers for the capture generator's tests: an in-memory frame sink, a minimal frame parser
// written apart from the generator (so a shared mistake cannot hide), the shipped-capture
// manifest, and running tshark.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "capgen/pcap_writer.hpp"
#include "capgen/scenario.hpp"

namespace normwatch::tools::capgen::test {

struct CapturedFrame {
  std::int64_t ts_us = 0;
  Bytes bytes;
};

class MemorySink final : public FrameSink {
 public:
  void write(std::int64_t ts_us, ByteView frame) override {
    frames.push_back({ts_us, Bytes(frame.begin(), frame.end())});
  }
  std::vector<CapturedFrame> frames;
};

// What the tests look at in a frame the generator wrote (Ethernet, tags, IPv4/IPv6, TCP/UDP).
struct ParsedFrame {
  std::vector<std::uint16_t> tpids;
  std::vector<std::uint16_t> vids;
  std::uint16_t ethertype = 0;
  std::size_t l3 = 0;  // offset of the IP header
  bool v6 = false;
  std::uint8_t protocol = 0;
  std::uint16_t ip_total = 0;  // IPv4 total length, or 40 + IPv6 payload length
  std::uint16_t frag_field = 0;
  std::size_t l4 = 0;  // offset of the TCP/UDP header
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  Bytes payload;
};
std::optional<ParsedFrame> parse_frame(ByteView frame);

// One's-complement sum of 16-bit words, folded (0xFFFF means a checksummed region verifies).
std::uint16_t ones_sum(ByteView data, std::uint32_t start = 0);
bool ip_header_checksum_ok(ByteView frame, const ParsedFrame& p);
bool l4_checksum_ok(ByteView frame, const ParsedFrame& p);

Bytes hex(std::string_view text);  // "05 64 0a" -> bytes

struct ManifestEntry {
  std::string file;
  std::string scenario;
  ScenarioOptions options;
  std::string options_text;
};
std::filesystem::path captures_dir();
std::vector<ManifestEntry> read_manifest();

Bytes read_bytes(const std::filesystem::path& path);
std::filesystem::path scratch_dir(const std::string& name);  // fresh, under the system temp dir

// Runs a shell command; returns its standard output (stderr discarded) and exit status.
std::string run_command(const std::string& command, int* status = nullptr);
bool have_tshark();

}  // namespace normwatch::tools::capgen::test
