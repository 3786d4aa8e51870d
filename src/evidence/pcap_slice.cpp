// Classic pcap encoding of a slice and its atomic file write (pcap_slice.hpp). Record layout per
// the libpcap file format (draft-ietf-opsawg-pcap §4-5): ts_sec, ts_nsec, incl_len, orig_len.
#include "normwatch/evidence/pcap_slice.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace normwatch::evidence {

namespace {

void put_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

void append_pcap_header(std::string& out, int link_type, std::uint32_t snaplen) {
  put_u32(out, kPcapNanoMagic);
  put_u16(out, 2);  // version 2.4
  put_u16(out, 4);
  put_u32(out, 0);  // thiszone
  put_u32(out, 0);  // sigfigs
  put_u32(out, snaplen);
  put_u32(out, static_cast<std::uint32_t>(link_type));
}

void append_pcap_record(std::string& out, core::Timestamp ts, std::span<const std::byte> bytes,
                        std::uint32_t wire_len) {
  const std::int64_t ns = ts.ns < 0 ? 0 : ts.ns;
  put_u32(out, static_cast<std::uint32_t>(ns / 1'000'000'000));
  put_u32(out, static_cast<std::uint32_t>(ns % 1'000'000'000));
  put_u32(out, static_cast<std::uint32_t>(bytes.size()));
  put_u32(out, std::max<std::uint32_t>(wire_len, static_cast<std::uint32_t>(bytes.size())));
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::string slice_file_name(std::string_view sensor, std::uint64_t first_frame, std::uint64_t last_frame,
                            std::string_view sha256_hex) {
  std::string name(sensor);
  name += "-f" + std::to_string(first_frame) + "-" + std::to_string(last_frame) + "-";
  name.append(sha256_hex.substr(0, 16));
  name += ".pcap";
  return name;
}

core::Result<void, std::string> write_slice_file(const std::filesystem::path& dir, const std::string& name,
                                                 std::string_view bytes) {
  const std::filesystem::path tmp = dir / ("." + name + ".tmp");
  const std::filesystem::path final_path = dir / name;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return core::unexpected("cannot write slice " + tmp.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return core::unexpected("cannot write slice " + tmp.string() + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  // The event that names the slice may reach the collector before a power cut: keep the file.
  const bool synced = ::fsync(fd) == 0;
  const int sync_err = errno;
  const bool closed = ::close(fd) == 0;
  if (!synced || !closed) {
    ::unlink(tmp.c_str());
    return core::unexpected("cannot sync slice " + tmp.string() + ": " + std::strerror(synced ? errno : sync_err));
  }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return core::unexpected("cannot rename slice to " + final_path.string() + ": " + std::strerror(err));
  }
  return {};
}

}  // namespace normwatch::evidence
