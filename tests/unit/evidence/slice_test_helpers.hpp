// Helpers for the slice tests: Ethernet/IPv4/TCP frames built byte by byte, a capturing
// EventSink, and a temporary directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "normwatch/capture/raw_frame.hpp"
#include "normwatch/events/event_sink.hpp"

namespace normwatch::evidence::test {

struct FrameSpec {
  std::uint32_t src_ip = 0x0A000001;  // 10.0.0.1
  std::uint32_t dst_ip = 0x0A000002;
  std::uint16_t src_port = 40000;
  std::uint16_t dst_port = 502;
  std::uint8_t tcp_flags = 0x18;      // PSH ACK
  std::size_t payload = 12;
  std::uint16_t vlan = 0;             // an 802.1Q tag with this id when non-zero
};

// An Ethernet II (802.1Q-tagged when spec.vlan) / IPv4 / TCP frame; the payload bytes are the low byte of frame_no.
std::vector<std::byte> tcp_frame(const FrameSpec& spec, std::uint64_t frame_no);

// Owns the bytes so that RawFrame's span stays valid.
struct OwnedFrame {
  std::vector<std::byte> bytes;
  capture::RawFrame frame;
};
OwnedFrame make_frame(const FrameSpec& spec, std::uint64_t frame_no, std::int64_t ts_ns);

// A finding on the conversation of `spec`, as the rules would emit it.
events::Event finding(const FrameSpec& spec, std::uint64_t frame_no, std::int64_t ts_ns,
                      events::EventKind kind = events::EventKind::norm_violation);

class CollectingSink final : public events::EventSink {
 public:
  void emit(events::Event event) override { events.push_back(std::move(event)); }
  void flush() override { ++flushes; }
  std::vector<events::Event> events;
  int flushes = 0;
};

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);

}  // namespace normwatch::evidence::test
