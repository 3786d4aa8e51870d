// normwatch: the sensor's command line. Subcommands replay (a capture file), live (an interface),
// decode (one JSON line per ICS PDU), rules check (validate a rule pack and policy) and keygen (a
// CURVE key pair for delivery). Exit status: 0 success, 1 bad input or a capture that broke off
// (after printing what was read), 2 bad usage, 3 replay ended with events the collector has not
// acknowledged (they stay in the spool).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "capture_run.hpp"
#include "config_file.hpp"
#include "keygen_command.hpp"
#include "verify_command.hpp"
#include "publish_options.hpp"
#include "rules_command.hpp"
#include "rules_options.hpp"
#include "sensor_command.hpp"
#include "normwatch/capture/pcap_file.hpp"
#include "normwatch/capture/pcap_live.hpp"
#include "normwatch/pipeline/decode_jsonl.hpp"
#include "normwatch/version.hpp"

namespace {

using normwatch::app::RunOptions;
using normwatch::app::RunReport;
using normwatch::app::SensorSettings;

struct PipelineFlags {
  bool no_ndpi = false;
  bool no_parse = false;
  std::size_t max_flows = 262'144;
  std::size_t stream_cap_kib = 256;
  std::size_t global_cap_mib = 64;
  bool ignore_tcp_seq = false;
  unsigned workers = 1;  // issue 9: pipeline threads, each owning a shard of the flows

  void add_to(CLI::App& cmd) {
    cmd.add_option("--workers", workers,
                   "Pipeline threads, each owning a shard of the flows (1: no threads); the output is "
                   "the same for any number")
        ->capture_default_str()
        ->check(CLI::Range(1U, normwatch::pipeline::kMaxWorkers));
    cmd.add_flag("--no-ndpi", no_ndpi, "Do not classify flows with nDPI");
    cmd.add_flag("--no-parse", no_parse, "Do not run the ICS protocol parsers");
    cmd.add_option("--max-flows", max_flows, "Flow table size; the longest-idle flow is evicted beyond it")
        ->capture_default_str();
    cmd.add_option("--stream-cap-kib", stream_cap_kib, "Out-of-order bytes held per TCP direction (KiB)")
        ->capture_default_str();
    cmd.add_option("--reassembly-cap-mib", global_cap_mib, "Out-of-order bytes held across all streams (MiB)")
        ->capture_default_str();
    cmd.add_flag("--ignore-tcp-seq", ignore_tcp_seq,
                 "Parse each TCP segment in capture order, ignoring sequence numbers (broken synthetic "
                 "captures; like tshark -o tcp.analyze_sequence_numbers:FALSE)");
  }
  normwatch::pipeline::PipelineOptions options() const {
    normwatch::pipeline::PipelineOptions o;
    o.classify.use_ndpi = !no_ndpi;
    o.parse_ics = !no_parse;
    o.flows.max_flows = max_flows;
    o.reassembly.max_buffered_per_direction = stream_cap_kib << 10;
    o.reassembly.max_buffered_global = global_cap_mib << 20;
    o.trust_tcp_sequence = !ignore_tcp_seq;
    return o;
  }
};

int cmd_decode(const std::string& path, const std::string& output, const PipelineFlags& flags) {
  auto source = normwatch::capture::open_pcap_file(path);
  if (!source) {
    std::fprintf(stderr, "normwatch: %s\n", source.error().c_str());
    return 1;
  }
  std::FILE* out = stdout;
  if (!output.empty() && output != "-") {
    out = std::fopen(output.c_str(), "w");
    if (out == nullptr) {
      std::fprintf(stderr, "normwatch: cannot write %s\n", output.c_str());
      return 1;
    }
  }
  normwatch::pipeline::DecodeJsonl lines(out);
  normwatch::app::install_stop_signals(source->get());
  RunReport report;
  if (flags.workers <= 1) {
    normwatch::pipeline::Pipeline pipeline(flags.options(), &lines);
    report = normwatch::app::run_capture(**source, pipeline, RunOptions{false, 0}, false);
  } else {
    // The lines come out in capture order whatever N (sharded_pipeline.hpp); the reader waits
    // for room in a full worker queue, so that no frame is lost.
    normwatch::pipeline::ShardedPipeline pipeline(flags.options(), &lines, {.workers = flags.workers});
    report = normwatch::app::run_capture(**source, pipeline, RunOptions{false, 0}, false);
  }
  if (out != stdout) std::fclose(out);
  std::fflush(stdout);
  if (!report.error.empty()) {
    std::fprintf(stderr, "normwatch: %s\n", report.error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"normwatch: passive sensor for industrial control networks (Modbus/TCP, DNP3, IEC 60870-5-104)"};
  app.set_version_flag("--version", fmt::format("normwatch {} (git {})", normwatch::kVersion, normwatch::kGitRevision));
  app.require_subcommand(1);

  PipelineFlags flags;
  normwatch::app::RulesFlags rules_flags;
  normwatch::app::PublishFlags publish_flags;
  normwatch::app::SliceFlags slice_flags;
  bool json = false;
  bool no_progress = false;

  std::string replay_path;
  auto* replay = app.add_subcommand("replay", "Run the pipeline over a pcap/pcapng capture and print a summary");
  replay->add_option("CAPTURE", replay_path, "Capture file (pcap or pcapng)")->required();
  replay->add_flag("--json", json, "Print the summary as one JSON object");
  replay->add_flag("--no-progress", no_progress, "No progress bar (it is only drawn on a terminal anyway)");
  bool queue_drop = false;
  replay->add_flag("--queue-drop", queue_drop,
                   "With --workers: drop (and count) a frame whose worker queue is full, as live capture "
                   "does, instead of waiting");
  flags.add_to(*replay);
  normwatch::app::add_rules_options(*replay, rules_flags);
  normwatch::app::add_publish_options(*replay, publish_flags);
  normwatch::app::add_slice_options(*replay, slice_flags);

  normwatch::capture::LiveOptions live;
  double duration = 0;
  int buffer_mib = 64;
  bool no_promisc = false;
  auto* live_cmd = app.add_subcommand("live", "Capture from an interface until SIGINT/SIGTERM, then print a summary");
  live_cmd->add_option("-i,--interface", live.interface, "Interface to capture on")->required();
  live_cmd->add_option("-f,--filter", live.bpf_filter, "BPF capture filter");
  live_cmd->add_option("--snaplen", live.snaplen, "Bytes captured per frame")->capture_default_str();
  live_cmd->add_option("--buffer-mib", buffer_mib, "Kernel capture buffer (MiB)")->capture_default_str();
  live_cmd->add_flag("--no-promisc", no_promisc, "Do not put the interface in promiscuous mode");
  live_cmd->add_option("--duration", duration, "Stop after this many seconds");
  live_cmd->add_flag("--json", json, "Print the summary as one JSON object");
  std::string run_user;  // issue 8: privileges.hpp
  live_cmd->add_option("--user", run_user,
                       "Started as root: run as this user once the capture is open (default: 'normwatch' if it exists; 'root' keeps root)");
  flags.add_to(*live_cmd);
  normwatch::app::add_rules_options(*live_cmd, rules_flags);
  normwatch::app::add_publish_options(*live_cmd, publish_flags);
  normwatch::app::add_slice_options(*live_cmd, slice_flags);

  std::string decode_path;
  std::string decode_out;
  auto* decode = app.add_subcommand("decode", "Print one JSON line per ICS PDU (shared/design/decode-jsonl.md)");
  decode->add_option("CAPTURE", decode_path, "Capture file (pcap or pcapng)")->required();
  decode->add_option("-o,--output", decode_out, "Write the lines to this file (default: stdout)");
  flags.add_to(*decode);

  auto* rules_cmd = app.add_subcommand("rules", "Rule pack and policy tools");
  rules_cmd->require_subcommand(1);
  std::string check_dir;
  std::string check_policy;
  auto* check = rules_cmd->add_subcommand(
      "check", "Validate a rule directory (default: the installed pack) and a policy; exit 1 on any problem");
  check->add_option("DIR", check_dir, "Directory of rule files (*.yaml)");
  check->add_option("--policy", check_policy, "Site policy file to validate with the rules");

  std::string keygen_name;
  auto* keygen = app.add_subcommand("keygen", "Write a CURVE key pair for event delivery: NAME.key (secret) and NAME.pub");
  keygen->add_option("NAME", keygen_name, "Path and base name of the key files")->required();
  normwatch::app::VerifyFlags verify_flags;  // issue 10: evidence bundles
  auto* verify = normwatch::app::add_verify_command(app, verify_flags);

  // One YAML file for the whole command line (issue 8 §3, config_file.hpp): `normwatch --config
  // FILE` runs the command it describes, `normwatch check-config FILE` validates it.
  app.add_subcommand("check-config", "Validate a configuration file (check-config FILE; run one with --config FILE)");
  normwatch::app::ConfigArgv config(argc, argv, app, "");
  if (config.exit_code()) return *config.exit_code();
  argc = config.argc();
  argv = config.argv();

  if (const auto status = normwatch::app::parse_command_line(app, argc, argv)) return *status;

  SensorSettings sensor{flags.options(), rules_flags, publish_flags, json, !no_progress, duration, run_user};
  sensor.workers = flags.workers;
  sensor.queue_drop = queue_drop;
  sensor.slices = slice_flags;
  if (*replay) return normwatch::app::run_replay(replay_path, sensor);
  if (*live_cmd) {
    live.buffer_size_bytes = buffer_mib << 20;
    live.promiscuous = !no_promisc;
    return normwatch::app::run_live(live, sensor);
  }
  if (*decode) return cmd_decode(decode_path, decode_out, flags);
  if (*check) return normwatch::app::cmd_rules_check(check_dir, check_policy);
  if (*keygen) return normwatch::app::run_keygen(keygen_name);
  if (*verify) return normwatch::app::run_verify(verify_flags);
  return 2;
}
