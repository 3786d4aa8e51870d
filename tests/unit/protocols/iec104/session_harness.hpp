// A session under test with a recording sink: feed hex APDUs from either side, with timestamps,
// gaps and arbitrary chunking.
#pragma once

#include <memory>
#include <string_view>

#include "iec104_test_support.hpp"
#include "normwatch/protocols/iec104/session.hpp"

namespace normwatch::protocols::iec104::test {

class Harness {
 public:
  explicit Harness(const Config& config = {}, std::size_t max_frame = 4096) : session_(sink, config, max_frame) {}

  // Feeds `hex` as one chunk from `side`; ts_ms is the capture time (ms since an arbitrary epoch).
  void feed(Side side, std::string_view text, bool gap = false, std::int64_t ts_ms = -1) {
    const auto bytes = hex(text);
    SegmentContext ctx;
    ctx.frame_no = ++frame_;
    ctx.ts = core::Timestamp{(ts_ms >= 0 ? ts_ms : static_cast<std::int64_t>(frame_)) * 1'000'000};
    session_.on_stream(side, core::Bytes(bytes), gap, ctx);
  }
  void client(std::string_view text, bool gap = false, std::int64_t ts_ms = -1) { feed(Side::client, text, gap, ts_ms); }
  void server(std::string_view text, bool gap = false, std::int64_t ts_ms = -1) { feed(Side::server, text, gap, ts_ms); }
  void end() {
    SegmentContext ctx;
    ctx.frame_no = ++frame_;
    session_.on_end(ctx);
  }
  // A connection opened the standard way (client STARTDT act, server con).
  void start() {
    client(kStartdtAct);
    server(kStartdtCon);
  }

  Iec104Session& session() { return session_; }
  std::uint64_t frame() const { return frame_; }

  RecordingSink sink;

 private:
  Iec104Session session_;
  std::uint64_t frame_ = 0;
};

}  // namespace normwatch::protocols::iec104::test
