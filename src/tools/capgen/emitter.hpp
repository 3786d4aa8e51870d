// Emitter: the generator's clock and frame counter in front of a FrameSink. Every frame is
// stamped with the current capture time, which then moves on by a small step; scenarios advance
// it further for think times and polling intervals. Time starts at 2026-01-01T00:00:00Z.
#pragma once

#include <cstdint>

#include "capgen/bytes.hpp"
#include "capgen/frame_builder.hpp"
#include "capgen/pcap_writer.hpp"

namespace normwatch::tools::capgen {

inline constexpr std::int64_t kCaptureStartUs = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z

class Emitter {
 public:
  explicit Emitter(FrameSink& sink, std::int64_t start_us = kCaptureStartUs) : sink_(sink), now_us_(start_us) {}

  void tcp(const Path& path, const TcpHeader& tcp, ByteView payload);
  void udp(const Path& path, std::uint16_t src_port, std::uint16_t dst_port, ByteView payload);
  // Sends one UDP datagram over IPv4 as fragments carrying at most `max_piece` bytes of IP payload
  // each (rounded down to a multiple of 8), emitted in `order` (indices into the fragment list;
  // empty means in order).
  void udp_fragmented(const Path& path, std::uint16_t src_port, std::uint16_t dst_port, ByteView payload,
                      std::size_t max_piece, std::span<const std::size_t> order = {});

  void advance_us(std::int64_t us) { now_us_ += us; }
  void set_step_us(std::int64_t us) { step_us_ = us; }
  std::int64_t now_us() const { return now_us_; }
  std::uint64_t frames() const { return frames_; }
  std::uint16_t next_ip_id() { return ip_id_++; }

 private:
  void emit();

  FrameSink& sink_;
  std::int64_t now_us_;
  std::int64_t step_us_ = 150;
  std::uint64_t frames_ = 0;
  std::uint16_t ip_id_ = 0x3A00;
  Bytes frame_;  // reused for every frame: no allocation per frame once warmed up
};

}  // namespace normwatch::tools::capgen
