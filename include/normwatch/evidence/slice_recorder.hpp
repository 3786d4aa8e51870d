// SliceRecorder: pcap evidence slices for violations (issue 10 §2). It sees every captured frame
// (on_frame, before the pipeline) and sits between the rules and the event output (an EventSink
// decorator). A finding of kind norm_violation, segmentation or anomaly on a TCP/UDP conversation
// is held until its slice is complete: the conversation's last `frames_before` frames up to the
// finding's frame (its last evidence frame; the rules may report it a few frames late, so the
// FrameRing keeps frames_before + frames_after per conversation), then `frames_after` frames of
// the conversation after it, or until `after_seconds` of capture
// time passed, the conversation closed (RST, or FIN both ways) or the capture ended (finish()).
// Then the slice is written to `dir`, its SHA-256 computed, and the event goes out with
// evidence.slice (events/slice_ref.hpp) and the bytes attached for the spool. Findings on the
// same conversation while its slice is still open share that slice (up to max_slice_frames).
//
// Events leave in the order they came in: a held finding holds the ones behind it (at most
// max_held_events; beyond it the oldest slice is closed early and counted as cut short). At most
// max_open_slices slices collect at once (the oldest is cut short to make room). A finding with no
// frames in memory goes out with "slice_dropped". Thread-safe (one mutex).
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "normwatch/capture/raw_frame.hpp"
#include "normwatch/core/result.hpp"
#include "normwatch/decode/decoder.hpp"
#include "normwatch/events/event_sink.hpp"
#include "normwatch/evidence/frame_ring.hpp"

namespace normwatch::evidence {

struct SliceOptions {
  std::filesystem::path dir;            // "" = do not write files (bytes still attached)
  std::string sensor_id = "normwatch";  // first part of the file names
  std::size_t frames_before = 8;        // --slice-before
  std::size_t frames_after = 8;         // --slice-after
  double after_seconds = 10;            // --slice-seconds: hold a finding at most this long (capture time)
  std::size_t snap_bytes = 1518;        // bytes kept per frame
  std::size_t memory_bytes = 16U << 20; // --slice-memory-mb: the frame slab
  std::size_t max_open_slices = 64;     // slices collecting frames at once
  std::size_t max_held_events = 4096;   // findings waiting for their (or an earlier) slice
  std::size_t max_slice_frames = 64;    // a shared slice stops growing here
  bool attach = true;                   // carry the bytes with the event (to the spool)
};

struct SliceCounters {
  std::uint64_t slices_written = 0;
  std::uint64_t slice_frames = 0;       // frames in written slices
  std::uint64_t events_with_slice = 0;
  std::uint64_t events_slice_dropped = 0;
  std::uint64_t cut_short = 0;          // closed early by max_open_slices / max_held_events
  std::uint64_t write_errors = 0;
  FrameRingCounters ring;
};

// Which findings get a slice.
bool wants_slice(const events::Event& event);

class SliceRecorder final : public events::EventSink {
 public:
  // Creates `options.dir` if needed. `downstream` must outlive the recorder.
  static core::Result<std::unique_ptr<SliceRecorder>, std::string> open(SliceOptions options,
                                                                       events::EventSink& downstream);
  ~SliceRecorder() override;

  void on_frame(const capture::RawFrame& frame);
  // Live capture on an idle interface: time passes without frames (the wall clock, as the frame
  // timestamps of a live capture are), so held findings still go out after after_seconds.
  void tick(core::Timestamp now);
  // End of capture: closes every slice and releases every held event.
  void finish();

  void emit(events::Event event) override;
  void flush() override;  // finish(), then the downstream's flush

  SliceCounters counters() const;

 private:
  struct Slice;
  struct Held {
    events::Event event;
    std::shared_ptr<Slice> slice;
  };

  SliceRecorder(SliceOptions options, events::EventSink& downstream);
  void close_slice(Slice& slice, bool cut_short);
  void release_ready();
  void limit_held();
  void close_expired(core::Timestamp now);

  SliceOptions options_;
  events::EventSink& downstream_;
  mutable std::mutex mutex_;
  decode::Decoder decoder_;
  decode::DecodedPacket packet_;
  FrameRing ring_;
  int link_type_ = 1;
  core::Timestamp now_;
  std::int64_t next_deadline_ns_ = 0;
  std::deque<Held> held_;
  std::vector<std::shared_ptr<Slice>> open_;   // collecting, oldest first
  SliceCounters counters_;
  bool write_error_logged_ = false;
};

}  // namespace normwatch::evidence
