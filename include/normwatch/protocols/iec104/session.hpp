// One IEC 60870-5-104 connection: APCI framing per direction, the pure parser, and the link state
// of 104 §5: STARTDT/STOPDT/TESTFR act and con, N(S)/N(R) tracking per direction with 15-bit wrap,
// the k/w window, which side is the controlling station, and command activations paired with their
// confirmations. Reports every APDU and every named anomaly to a PduSink; memory is fixed per
// session (two frame buffers of at most 255 bytes and a bounded pairing table).
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "normwatch/protocols/common/session.hpp"
#include "normwatch/protocols/iec104/anomaly.hpp"
#include "normwatch/protocols/iec104/config.hpp"

namespace normwatch::protocols::iec104 {

enum class DataTransfer : std::uint8_t { unknown, stopped, start_pending, started, stop_pending };

struct SessionCounters {
  std::uint64_t apdus = 0;
  std::uint64_t i_frames = 0, s_frames = 0, u_frames = 0;
  std::uint64_t malformed = 0;
  std::uint64_t objects = 0;                 // information objects in well-formed ASDUs
  std::uint64_t requests = 0;                // control-direction ASDUs with COT act, deact or req
  std::uint64_t responses = 0;               // confirmations (actcon, deactcon) matched to a request
  std::uint64_t terminations = 0;            // actterm
  std::uint64_t negative_confirmations = 0;  // P/N = 1
  std::uint64_t unmatched_confirmations = 0; // confirmations with no request seen (e.g. mid-stream)
  std::uint64_t unanswered = 0;              // activations never confirmed (t1 or end of flow)
  std::uint64_t unsolicited = 0;             // monitor ASDUs with COT periodic or spontaneous
  std::uint64_t interrogated = 0;            // monitor ASDUs answering an interrogation (COT 20..41)
  std::uint64_t resyncs = 0;                 // framing resynchronisation episodes
  std::uint64_t bytes_skipped = 0;           // bytes discarded while resynchronising
  std::uint64_t gaps = 0;                    // TCP gaps handled
  std::uint64_t partial_discarded = 0;       // partial APDUs dropped at a gap or the end
  std::uint64_t role_corrections = 0;        // the flow's client guess was the controlled station
  std::uint64_t anomalies = 0;
  std::array<std::uint64_t, kAnomalyCount> by_anomaly{};
};

class Iec104Session final : public protocols::Session {
 public:
  // `config` must be valid() (make_session checks it and refuses invalid settings).
  Iec104Session(PduSink& sink, const Config& config, std::size_t max_frame_bytes);
  ~Iec104Session() override;
  Iec104Session(const Iec104Session&) = delete;
  Iec104Session& operator=(const Iec104Session&) = delete;

  void on_stream(Side from, core::Bytes bytes, bool gap_before, const SegmentContext& ctx) override;
  void on_datagram(Side from, core::Bytes bytes, const SegmentContext& ctx) override;
  void on_end(const SegmentContext& ctx) override;

  const SessionCounters& counters() const;
  // Which flow side is the controlling station (starts as the flow's client guess).
  Side controlling_side() const;
  DataTransfer data_transfer() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace normwatch::protocols::iec104
