// Test helpers for the capture generator (see tools_test_helpers.hpp).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tools/tools_test_helpers.hpp"

namespace normwatch::tools::capgen::test {
namespace {

std::uint16_t be16(ByteView b, std::size_t at) { return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]); }
std::uint32_t be32(ByteView b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

}  // namespace

std::optional<ParsedFrame> parse_frame(ByteView f) {
  ParsedFrame p;
  std::size_t at = 12;
  if (f.size() < 14) return std::nullopt;
  while (be16(f, at) == 0x8100 || be16(f, at) == 0x88A8) {
    p.tpids.push_back(be16(f, at));
    p.vids.push_back(be16(f, at + 2) & 0x0FFF);
    at += 4;
  }
  p.ethertype = be16(f, at);
  p.l3 = at + 2;
  if (p.ethertype == 0x0800) {
    const std::size_t ihl = (f[p.l3] & 0x0F) * 4u;
    p.ip_total = be16(f, p.l3 + 2);
    p.frag_field = be16(f, p.l3 + 6);
    p.protocol = f[p.l3 + 9];
    p.l4 = p.l3 + ihl;
  } else if (p.ethertype == 0x86DD) {
    p.v6 = true;
    p.ip_total = static_cast<std::uint16_t>(40 + be16(f, p.l3 + 4));
    p.protocol = f[p.l3 + 6];
    p.l4 = p.l3 + 40;
  } else {
    return std::nullopt;
  }
  const std::size_t ip_end = p.l3 + p.ip_total;
  if (ip_end > f.size()) return std::nullopt;
  if ((p.frag_field & 0x3FFF) != 0 && !p.v6) return p;  // a fragment: no L4 header to read (unless first)
  if (p.protocol == 6) {
    p.src_port = be16(f, p.l4);
    p.dst_port = be16(f, p.l4 + 2);
    p.seq = be32(f, p.l4 + 4);
    p.ack = be32(f, p.l4 + 8);
    p.flags = f[p.l4 + 13];
    const std::size_t data = p.l4 + (f[p.l4 + 12] >> 4) * 4u;
    p.payload.assign(f.begin() + static_cast<std::ptrdiff_t>(data), f.begin() + static_cast<std::ptrdiff_t>(ip_end));
  } else if (p.protocol == 17) {
    p.src_port = be16(f, p.l4);
    p.dst_port = be16(f, p.l4 + 2);
    p.payload.assign(f.begin() + static_cast<std::ptrdiff_t>(p.l4 + 8),
                     f.begin() + static_cast<std::ptrdiff_t>(ip_end));
  }
  return p;
}

std::uint16_t ones_sum(ByteView data, std::uint32_t start) {
  std::uint32_t sum = start;
  for (std::size_t i = 0; i < data.size(); i += 2) {
    sum += static_cast<std::uint32_t>(data[i] << 8) | (i + 1 < data.size() ? data[i + 1] : 0u);
  }
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

bool ip_header_checksum_ok(ByteView f, const ParsedFrame& p) {
  if (p.v6) return true;
  return ones_sum(f.subspan(p.l3, p.l4 - p.l3)) == 0xFFFF;
}

bool l4_checksum_ok(ByteView f, const ParsedFrame& p) {
  const std::size_t addr_len = p.v6 ? 16 : 4;
  const std::size_t src_at = p.v6 ? p.l3 + 8 : p.l3 + 12;
  const std::size_t l4_len = p.l3 + p.ip_total - p.l4;
  std::uint32_t pseudo = ones_sum(f.subspan(src_at, 2 * addr_len));
  pseudo += p.protocol + static_cast<std::uint32_t>(l4_len);
  return ones_sum(f.subspan(p.l4, l4_len), pseudo) == 0xFFFF;
}

Bytes hex(std::string_view text) {
  Bytes out;
  int high = -1;
  for (char c : text) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

std::filesystem::path captures_dir() { return std::filesystem::path(NORMWATCH_SOURCE_DIR) / "captures"; }

std::vector<ManifestEntry> read_manifest() {
  std::vector<ManifestEntry> entries;
  std::ifstream in(captures_dir() / "manifest.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    ManifestEntry e;
    std::getline(fields, e.file, '\t');
    std::getline(fields, e.scenario, '\t');
    std::getline(fields, e.options_text);
    std::istringstream words(e.options_text);
    std::string flag;
    std::uint64_t value = 0;
    while (words >> flag >> value) {
      if (flag == "--frames") e.options.frames = value;
      if (flag == "--flows") e.options.flows = static_cast<std::uint32_t>(value);
      if (flag == "--seed") e.options.seed = value;
    }
    entries.push_back(e);
  }
  return entries;
}

Bytes read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::filesystem::path scratch_dir(const std::string& name) {
  // The process id keeps concurrent runs (several developers share a machine) apart.
  auto dir =
      std::filesystem::temp_directory_path() / ("normwatch-capgen-test-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string run_command(const std::string& command, int* status) {
  std::string out;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) {
    if (status != nullptr) *status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int rc = pclose(pipe);
  if (status != nullptr) *status = rc;
  return out;
}

bool have_tshark() {
  int status = 0;
  run_command("tshark --version", &status);
  return status == 0;
}

}  // namespace normwatch::tools::capgen::test
