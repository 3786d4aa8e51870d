// Fuzz target: the SliceRecorder (issue 10 §2) fed arbitrary frames, with a finding on a fixed
// conversation after every frame whose first byte is odd. Besides not crashing (the decoder sees
// hostile bytes, the ring and slices stay bounded): every finding comes out by finish(), in order.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "normwatch/evidence/slice_recorder.hpp"

namespace {
class CountingSink final : public normwatch::events::EventSink {
 public:
  void emit(normwatch::events::Event event) override {
    if (event.seq != next_) std::abort();  // order kept (seq used as a counter here)
    ++next_;
  }
  std::uint64_t next_ = 0;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace normwatch;
  CountingSink sink;
  evidence::SliceOptions o;  // no directory: nothing written
  o.memory_bytes = 64 << 10;
  o.snap_bytes = 256;
  o.frames_before = 3;
  o.frames_after = 2;
  o.max_open_slices = 4;
  o.max_held_events = 16;
  auto recorder = evidence::SliceRecorder::open(o, sink).value();
  std::uint64_t emitted = 0;
  std::uint64_t frame_no = 0;
  // Frames: a length byte, then that many bytes.
  std::size_t pos = 0;
  while (pos < size) {
    const std::size_t len = std::min<std::size_t>(data[pos], size - pos - 1);
    capture::RawFrame frame;
    frame.frame_no = ++frame_no;
    frame.ts = core::Timestamp{static_cast<std::int64_t>(frame_no) * 300'000'000};
    frame.link_type = 1;
    frame.bytes = core::Bytes(reinterpret_cast<const std::byte*>(data + pos + 1), len);
    frame.wire_len = static_cast<std::uint32_t>(len);
    recorder->on_frame(frame);
    if (len > 0 && (data[pos + 1] & 1) != 0) {
      events::Event e;
      e.seq = emitted++;
      e.kind = (data[pos + 1] & 2) != 0 ? events::EventKind::norm_violation : events::EventKind::health;
      e.source = events::Endpoint{core::IpAddress::v4(0x0A000001), 40000};
      e.destination = events::Endpoint{core::IpAddress::v4(0x0A000002), 502};
      e.transport = "tcp";
      e.evidence_frames = {frame_no};
      recorder->emit(std::move(e));
    }
    pos += 1 + len;
  }
  recorder->finish();
  if (sink.next_ != emitted) std::abort();
  return 0;
}
