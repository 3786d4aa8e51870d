// DecodeJsonl: the `normwatch decode` output — one JSON line per application PDU, in capture
// order, as specified in shared/design/decode-jsonl.md (schema "v":1; sorted keys; packet time).
#pragma once

#include <cstdio>

#include "normwatch/pipeline/pipeline.hpp"

namespace normwatch::pipeline {

class DecodeJsonl : public PduObserver {
 public:
  explicit DecodeJsonl(std::FILE* out) : out_(out) {}
  void on_pdu(const protocols::PduRecord& record, const FlowEndpoints& endpoints) override;
  void on_anomaly(const protocols::AnomalyRecord&, const FlowEndpoints&) override {}
  std::uint64_t lines() const { return lines_; }

 private:
  std::FILE* out_;
  std::uint64_t lines_ = 0;
};

// The capture timestamp as decode lines carry it: seconds, rounded down to the microsecond.
double micro_seconds(core::Timestamp ts);

}  // namespace normwatch::pipeline
