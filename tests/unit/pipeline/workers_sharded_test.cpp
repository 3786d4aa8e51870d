// ShardedPipeline (sharded_pipeline.hpp) against one Pipeline over the project's captures: the
// observer sees the same records (exactly the same sequence up to the end-of-capture flush, whose
// flows end shard by shard), the summed statistics match, and a full ring in drop mode counts.
#include "normwatch/pipeline/sharded_pipeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "normwatch/capture/pcap_file.hpp"

namespace normwatch::pipeline {
namespace {

class LineObserver : public PduObserver {
 public:
  void on_pdu(const protocols::PduRecord& r, const FlowEndpoints& e) override {
    lines.push_back("pdu " + std::to_string(r.frame_no) + " " + std::string(protocols::name(r.protocol)) + " " +
                    core::format_endpoint(e.src_ip, e.src_port) + ">" + core::format_endpoint(e.dst_ip, e.dst_port));
  }
  void on_anomaly(const protocols::AnomalyRecord& r, const FlowEndpoints& e) override {
    lines.push_back("anomaly " + std::to_string(r.frame_no) + " " + std::string(r.name) + " " +
                    core::format_endpoint(e.src_ip, e.src_port));
  }
  void on_flow_classified(const FlowClassified& info, const FlowEndpoints& e) override {
    lines.push_back("flow " + std::string(info.app_name) + " " + core::format_endpoint(e.src_ip, e.src_port) + ">" +
                    core::format_endpoint(e.dst_ip, e.dst_port));
  }
  std::vector<std::string> lines;
  std::size_t before_finish = 0;
};

std::string path_of(const std::string& relative) { return std::string(NORMWATCH_SOURCE_DIR) + "/" + relative; }

PipelineStats run_single(const std::string& file, LineObserver& observer) {
  auto source = capture::open_pcap_file(file);
  EXPECT_TRUE(source.has_value());
  Pipeline pipeline({}, &observer);
  capture::RawFrame frame;
  while ((*source)->next(frame) == capture::ReadStatus::frame) pipeline.process(frame);
  observer.before_finish = observer.lines.size();
  pipeline.finish();
  return pipeline.stats();
}

PipelineStats run_sharded(const std::string& file, LineObserver& observer, unsigned workers) {
  auto source = capture::open_pcap_file(file);
  EXPECT_TRUE(source.has_value());
  ShardedPipeline pipeline({}, &observer, {.workers = workers});
  capture::RawFrame frame;
  while ((*source)->next(frame) == capture::ReadStatus::frame) EXPECT_TRUE(pipeline.dispatch(frame));
  pipeline.finish();
  EXPECT_EQ(pipeline.queue_drops_total(), 0u);
  return pipeline.stats();
}

void expect_same(const std::string& relative, unsigned workers) {
  SCOPED_TRACE(relative + " workers=" + std::to_string(workers));
  LineObserver one;
  LineObserver many;
  const PipelineStats a = run_single(path_of(relative), one);
  const PipelineStats b = run_sharded(path_of(relative), many, workers);
  ASSERT_EQ(one.lines.size(), many.lines.size());
  // Everything before the end-of-capture flush comes in the single pipeline's order.
  for (std::size_t i = 0; i < one.before_finish; ++i) ASSERT_EQ(one.lines[i], many.lines[i]) << i;
  auto sorted_one = one.lines;
  auto sorted_many = many.lines;
  std::sort(sorted_one.begin(), sorted_one.end());
  std::sort(sorted_many.begin(), sorted_many.end());
  EXPECT_EQ(sorted_one, sorted_many);
  EXPECT_EQ(a.frames, b.frames);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.first_ts.ns, b.first_ts.ns);
  EXPECT_EQ(a.last_ts.ns, b.last_ts.ns);
  EXPECT_EQ(a.decode.tcp, b.decode.tcp);
  EXPECT_EQ(a.decode.not_ip, b.decode.not_ip);
  EXPECT_EQ(a.decode.anomalies, b.decode.anomalies);
  EXPECT_EQ(a.flows.created, b.flows.created);
  EXPECT_EQ(a.tcp_streams, b.tcp_streams);
  EXPECT_EQ(a.reassembly.bytes_delivered, b.reassembly.bytes_delivered);
  EXPECT_EQ(a.reassembly.gaps, b.reassembly.gaps);
  EXPECT_EQ(a.flows_by_app, b.flows_by_app);
  EXPECT_EQ(a.pdus_by_protocol, b.pdus_by_protocol);
  EXPECT_EQ(a.anomalies_by_name, b.anomalies_by_name);
}

TEST(WorkersSharded, SameRecordsAsOnePipelineOnEveryProjectCapture) {
  for (const char* capture : {"captures/demo/plant-demo.pcap", "captures/cases/tcp-gap.pcap",
                              "captures/cases/tcp-reordered.pcap", "captures/cases/tcp-retransmit-overlap.pcap",
                              "captures/cases/tcp-midstream.pcap", "captures/cases/vlan-qinq.pcap",
                              "captures/cases/udp-dnp3.pcap", "captures/cases/ipv4-fragments.pcap",
                              "captures/cases/ipv6.pcap", "captures/rules/modbus-triggers.pcap",
                              "captures/rules/dnp3-triggers.pcap", "captures/rules/iec104-triggers.pcap",
                              "captures/iec104/iec104-catalogue.pcap", "captures/modbus/libmodbus-script.pcap"}) {
    for (unsigned workers : {2U, 3U}) expect_same(capture, workers);
  }
}

TEST(WorkersSharded, FlowIdsAreUniqueAcrossShards) {
  class Ids : public PduObserver {
   public:
    void on_pdu(const protocols::PduRecord&, const FlowEndpoints& e) override { seen(e); }
    void on_anomaly(const protocols::AnomalyRecord&, const FlowEndpoints& e) override { seen(e); }
    void seen(const FlowEndpoints& e) {
      const std::string key = core::format_endpoint(e.src_ip, e.src_port) + core::format_endpoint(e.dst_ip, e.dst_port);
      const std::string rev = core::format_endpoint(e.dst_ip, e.dst_port) + core::format_endpoint(e.src_ip, e.src_port);
      for (const auto& [id, k] : ids) {
        if (id == e.flow_id) {
          EXPECT_TRUE(k == key || k == rev) << id;
        }
      }
      ids.emplace_back(e.flow_id, key);
    }
    std::vector<std::pair<std::uint64_t, std::string>> ids;
  } observer;
  auto source = capture::open_pcap_file(path_of("captures/demo/plant-demo.pcap"));
  ASSERT_TRUE(source.has_value());
  ShardedPipeline pipeline({}, &observer, {.workers = 3});
  capture::RawFrame frame;
  while ((*source)->next(frame) == capture::ReadStatus::frame) pipeline.dispatch(frame);
  pipeline.finish();
  EXPECT_FALSE(observer.ids.empty());
}

TEST(WorkersSharded, DropModeCountsEveryFrameItDidNotDeliver) {
  // Small rings and no waiting: whatever is dropped is counted, and the rest is processed.
  auto source = capture::open_pcap_file(path_of("captures/iec104/iec104-catalogue.pcap"));
  ASSERT_TRUE(source.has_value());
  ShardedPipeline pipeline({}, nullptr, {.workers = 2, .ring_bytes_per_worker = 1, .drop_when_full = true});
  capture::RawFrame frame;
  std::uint64_t offered = 0;
  std::uint64_t refused = 0;
  while ((*source)->next(frame) == capture::ReadStatus::frame) {
    ++offered;
    if (!pipeline.dispatch(frame)) ++refused;
  }
  pipeline.finish();
  EXPECT_EQ(pipeline.queue_drops_total(), refused);
  EXPECT_EQ(pipeline.stats().frames + refused, offered);
}

}  // namespace
}  // namespace normwatch::pipeline
