// FrameAssembler: turns one direction's in-order stream bytes into whole frames using a
// protocol's framer (see framing.hpp). Frames that lie inside one chunk are handed over without
// copying; only a frame split across chunks is copied, into a buffer reserved once at max_frame.
// After a gap or an invalid header it resynchronises byte by byte and reports each episode once,
// with how many bytes it skipped, instead of giving up on the stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/protocols/common/framing.hpp"

namespace normwatch::protocols {

struct FrameAssemblerCounters {
  std::uint64_t frames = 0;
  std::uint64_t resyncs = 0;          // invalid-header episodes
  std::uint64_t skipped_bytes = 0;    // bytes discarded while resynchronising
  std::uint64_t partial_discarded = 0; // partial frames thrown away because a gap followed
};

class FrameAssembler {
 public:
  explicit FrameAssembler(std::size_t max_frame) : max_frame_(max_frame) {}

  // Framer:   FrameVerdict(core::Bytes available)
  // OnFrame:  void(core::Bytes frame, std::uint64_t frame_no_of_last_byte)
  // OnResync: void(std::string_view reason, std::size_t skipped_bytes, std::uint64_t frame_no)
  //           called once per episode, when a valid frame is found again or at a gap/end.
  template <class Framer, class OnFrame, class OnResync>
  void feed(core::Bytes data, bool gap_before, std::uint64_t frame_no, Framer&& framer, OnFrame&& on_frame,
            OnResync&& on_resync);

  // Reports a pending resync episode (end of stream). Partial frame bytes are dropped.
  template <class OnResync>
  void finish(std::uint64_t frame_no, OnResync&& on_resync);

  std::size_t buffered() const { return buffer_.size(); }
  // Nothing buffered and no skip episode open: a chunk that is exactly one frame may bypass it.
  bool idle() const { return buffer_.empty() && skipping_ == 0; }
  const FrameAssemblerCounters& counters() const { return counters_; }

 private:
  template <class OnResync>
  void close_episode(std::uint64_t frame_no, OnResync& on_resync) {
    if (skipping_ > 0) {
      on_resync(skip_reason_, skipping_, frame_no);
      skipping_ = 0;
    }
  }
  void skip(std::string_view reason, std::size_t n) {
    if (skipping_ == 0) {
      skip_reason_ = reason;
      ++counters_.resyncs;
    }
    skipping_ += n;
    counters_.skipped_bytes += n;
  }

  std::size_t max_frame_;
  std::vector<std::byte> buffer_;
  std::size_t skipping_ = 0;
  std::string_view skip_reason_;
  FrameAssemblerCounters counters_;
};

template <class Framer, class OnFrame, class OnResync>
void FrameAssembler::feed(core::Bytes data, bool gap_before, std::uint64_t frame_no, Framer&& framer,
                          OnFrame&& on_frame, OnResync&& on_resync) {
  if (gap_before && !buffer_.empty()) {
    // The frame under construction lost bytes: it can never be whole.
    ++counters_.partial_discarded;
    buffer_.clear();
  }
  if (gap_before) close_episode(frame_no, on_resync);

  // 1. A frame split across chunks: grow the buffer by exactly what the framer asks for.
  while (!buffer_.empty()) {
    const FrameVerdict v = framer(core::Bytes(buffer_));
    if (v.status == FrameStatus::complete && v.size > 0 && v.size <= buffer_.size()) {
      close_episode(frame_no, on_resync);
      ++counters_.frames;
      on_frame(core::Bytes(buffer_).first(v.size), frame_no);
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(v.size));
      continue;
    }
    if (v.status != FrameStatus::need_more || v.size > max_frame_) {
      const std::size_t n = (v.status == FrameStatus::invalid && v.size > 0 && v.size <= buffer_.size()) ? v.size : 1;
      skip(v.status == FrameStatus::invalid && !v.reason.empty() ? v.reason : std::string_view("frame_too_large"), n);
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n));
      continue;
    }
    if (data.empty()) return;  // wait for the next chunk
    const std::size_t missing = v.size > buffer_.size() ? v.size - buffer_.size() : 1;
    const std::size_t take = missing < data.size() ? missing : data.size();
    buffer_.insert(buffer_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
    data = data.subspan(take);
  }

  // 2. Frames wholly inside this chunk: zero-copy.
  while (!data.empty()) {
    const FrameVerdict v = framer(data);
    if (v.status == FrameStatus::complete && v.size > 0 && v.size <= data.size()) {
      close_episode(frame_no, on_resync);
      ++counters_.frames;
      on_frame(data.first(v.size), frame_no);
      data = data.subspan(v.size);
    } else if (v.status == FrameStatus::need_more && v.size > data.size()) {
      if (v.size > max_frame_) {
        // A frame that claims more than the cap is not a frame we will ever buffer.
        skip("frame_too_large", 1);
        data = data.subspan(1);
        continue;
      }
      buffer_.reserve(max_frame_);
      buffer_.assign(data.begin(), data.end());
      return;
    } else {
      const std::size_t n = (v.size == 0 || v.size > data.size()) ? 1 : v.size;
      skip(v.reason.empty() ? std::string_view("invalid_frame") : v.reason, n);
      data = data.subspan(n);
    }
  }
}

template <class OnResync>
void FrameAssembler::finish(std::uint64_t frame_no, OnResync&& on_resync) {
  if (!buffer_.empty()) {
    ++counters_.partial_discarded;
    buffer_.clear();
  }
  close_episode(frame_no, on_resync);
}

}  // namespace normwatch::protocols
