// The pipeline end to end over the project's own captures: PDUs reach the observer with the
// sender's endpoints, gaps and resyncs surface as anomalies, the summary adds up, and
// trust_tcp_sequence=false parses segments in capture order.
#include "normwatch/pipeline/pipeline.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "normwatch/capture/pcap_file.hpp"

namespace normwatch::pipeline {
namespace {

struct Seen {
  protocols::ProtocolId protocol;
  std::uint64_t frame;
  std::string src;
  std::string dst;
};

class RecordingObserver : public PduObserver {
 public:
  void on_pdu(const protocols::PduRecord& r, const FlowEndpoints& e) override {
    pdus.push_back({r.protocol, r.frame_no, core::format_endpoint(e.src_ip, e.src_port),
                    core::format_endpoint(e.dst_ip, e.dst_port)});
  }
  void on_anomaly(const protocols::AnomalyRecord& r, const FlowEndpoints&) override {
    anomalies.emplace_back(r.name);
  }
  std::vector<Seen> pdus;
  std::vector<std::string> anomalies;
};

PipelineStats run(const std::string& relative, RecordingObserver& observer, PipelineOptions options = {}) {
  auto source = capture::open_pcap_file(std::string(NORMWATCH_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(source.has_value()) << (source ? "" : source.error());
  Pipeline pipeline(options, &observer);
  capture::RawFrame frame;
  while ((*source)->next(frame) == capture::ReadStatus::frame) pipeline.process(frame);
  pipeline.finish();
  return pipeline.stats();
}

TEST(Pipeline, DemoPlantDecodesEveryIcsProtocolWithSenderEndpoints) {
  RecordingObserver observer;
  const PipelineStats stats = run("captures/demo/plant-demo.pcap", observer);
  EXPECT_EQ(stats.frames, 212u);
  EXPECT_EQ(stats.pdus_by_protocol.at("modbus"), 86u);
  EXPECT_EQ(stats.pdus_by_protocol.at("dnp3"), 24u);
  EXPECT_EQ(stats.pdus_by_protocol.at("iec104"), 24u);
  EXPECT_EQ(stats.reassembly.gaps, 0u);
  EXPECT_EQ(stats.flows_by_app.at("modbus"), 2u);
  ASSERT_FALSE(observer.pdus.empty());
  // The first PDU is the HMI's Modbus request to the PLC; the second is the PLC's answer.
  EXPECT_EQ(observer.pdus[0].src, "10.10.2.10:49200");
  EXPECT_EQ(observer.pdus[0].dst, "10.10.1.20:502");
  EXPECT_EQ(observer.pdus[1].src, "10.10.1.20:502");
  for (std::size_t i = 1; i < observer.pdus.size(); ++i) {
    EXPECT_LE(observer.pdus[i - 1].frame, observer.pdus[i].frame) << "PDUs come in capture order";
  }
}

TEST(Pipeline, GapIsReportedAndParsingResumesAfterIt) {
  RecordingObserver observer;
  const PipelineStats stats = run("captures/cases/tcp-gap.pcap", observer);
  EXPECT_EQ(stats.reassembly.gaps, 1u);
  EXPECT_GT(stats.reassembly.gap_bytes, 0u);
  EXPECT_NE(std::find(observer.anomalies.begin(), observer.anomalies.end(), "modbus.gap_resync"),
            observer.anomalies.end());
  EXPECT_EQ(observer.pdus.size(), 7u);
}

TEST(Pipeline, SegmentsInCaptureOrderWhenSequenceNumbersAreNotTrusted) {
  RecordingObserver in_order;
  const PipelineStats trusted = run("captures/cases/tcp-segmented.pcap", in_order);
  RecordingObserver raw;
  PipelineOptions options;
  options.trust_tcp_sequence = false;
  const PipelineStats untrusted = run("captures/cases/tcp-segmented.pcap", raw, options);
  // The capture is in order: both ways give the same PDUs; only the reassembler counts bytes.
  EXPECT_EQ(in_order.pdus.size(), raw.pdus.size());
  EXPECT_GT(trusted.reassembly.bytes_delivered, 0u);
  EXPECT_EQ(untrusted.reassembly.bytes_delivered, 0u);
}

TEST(Pipeline, WithoutParsersFlowsAreStillClassified) {
  RecordingObserver observer;
  PipelineOptions options;
  options.parse_ics = false;
  const PipelineStats stats = run("captures/demo/plant-demo.pcap", observer, options);
  EXPECT_TRUE(observer.pdus.empty());
  EXPECT_EQ(stats.flows_by_app.count("SSH"), 1u);
  EXPECT_EQ(stats.flows_by_app.count("HTTP"), 1u);
}

}  // namespace
}  // namespace normwatch::pipeline
