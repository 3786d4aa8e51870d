// The scenario table (name, what the capture shows, run function) and running a scenario into a
// pcap file.
#include "capgen/scenario.hpp"

#include <array>

#include "capgen/scenario_list.hpp"

namespace normwatch::tools::capgen {
namespace {

constexpr std::array kScenarios{
    Scenario{"demo",
             "A small plant (~210 frames, 10 one-second polling cycles): HMI 10.10.2.10 polls Modbus PLCs "
             "10.10.1.20/.21 (FC3/FC1 reads, FC6 and FC16 writes, one exception response); DNP3 master "
             "10.10.2.11 and outstation 10.10.1.30:20000 (integrity poll answered by a 3-link-frame response "
             "with g1v2/g30v1, event polls, unsolicited responses confirmed by the master); IEC 104 station "
             "10.10.2.12 and RTU 10.10.1.40:2404 (STARTDT, general interrogation, M_ME_NC_1 and M_SP_NA_1, "
             "S-frames, TESTFR, C_SC_NA_1 select/execute); background DNS, HTTP, SSH banners and NTP.",
             scenarios::demo},
    Scenario{"tcp-segmented",
             "Modbus/TCP: one request ADU sent as 1-byte segments; three ADUs in one segment; two ADUs split "
             "across segments inside the MBAP header.",
             scenarios::tcp_segmented},
    Scenario{"tcp-reordered",
             "Modbus/TCP: ADUs whose segments arrive out of order (permutations 2,0,3,1 and reversed).",
             scenarios::tcp_reordered},
    Scenario{"tcp-retransmit-overlap",
             "Modbus/TCP: an exact retransmission, a segment overlapping earlier data with the same bytes, "
             "and one overlapping with conflicting bytes (the first-sent bytes are the ones the server answers).",
             scenarios::tcp_retransmit_overlap},
    Scenario{"tcp-gap",
             "Modbus/TCP: the segment carrying the second of four requests is missing from the capture while "
             "the server's ACK covers it and the server answers it.",
             scenarios::tcp_gap},
    Scenario{"tcp-midstream",
             "Streams picked up mid-connection (no handshake): Modbus starting with a server response, and "
             "DNP3 starting with an outstation response (direction from the DIR bit).",
             scenarios::tcp_midstream},
    Scenario{"vlan-qinq",
             "Modbus/TCP behind an 802.1Q tag (VID 100), and IEC 104 behind QinQ (802.1ad outer VID 200, "
             "802.1Q inner VID 10).",
             scenarios::vlan_qinq},
    Scenario{"ipv6", "Modbus/TCP and IEC 104 over IPv6 (fd00:10:10::/48).", scenarios::ipv6},
    Scenario{"udp-dnp3",
             "DNP3 over UDP port 20000: class poll, a two-link-frame response, an unsolicited response and "
             "its confirm.",
             scenarios::udp_dnp3},
    Scenario{"ipv4-fragments",
             "DNP3 over UDP in IPv4 fragments: one datagram fragmented in order, one with fragments written in "
             "reverse order.",
             scenarios::ipv4_fragments},
    Scenario{"bench",
             "Replay benchmark: --frames (default 1,000,000) small TCP segments over --flows (default 4096) "
             "Modbus/TCP flows, handshakes first, then FC3 request/response pairs (12-59 byte payloads), one "
             "frame per flow per round, round-robin.",
             scenarios::bench},
    Scenario{"bench-syn-sweep", "Memory test: --flows (default 100,000) distinct flows, one SYN each.",
             scenarios::bench_syn_sweep},
    Scenario{"attack-syn-sweep",
             "Memory under attack: --flows (default 1,000,000) distinct flows, one SYN each, 500 us apart, with "
             "an HMI polling PLC 1 over Modbus/TCP (FC3) every 1000 SYNs.",
             scenarios::attack_syn_sweep},
    Scenario{"attack-ooo-stream",
             "Memory under attack: --frames (default 200,000) segments of one TCP stream whose every 1000-byte "
             "block lacks its first 100 bytes (out-of-order data that never completes, never acknowledged), "
             "with an HMI polling PLC 1 over Modbus/TCP in between.",
             scenarios::attack_ooo_stream},
    Scenario{"rules-modbus",
             "Rule triggers and their benign twins for Modbus/TCP and UMAS (captures/rules/README.md).",
             scenarios::rules_modbus},
    Scenario{"rules-dnp3", "Rule triggers and their benign twins for DNP3 (captures/rules/README.md).",
             scenarios::rules_dnp3},
    Scenario{"rules-iec104", "Rule triggers and their benign twins for IEC 104 (captures/rules/README.md).",
             scenarios::rules_iec104},
    Scenario{"bench-mixed",
             "Rule engine benchmark: --frames (default 1,000,000) over --flows (default 3072) concurrent flows, a "
             "third each Modbus/TCP polls, DNP3 class polls and IEC 104 measured values, one frame per flow per "
             "round, with a write or command every 32nd exchange (tests/bench/rules/).",
             scenarios::bench_mixed},
    Scenario{"bench-plant",
             "Peer benchmark plant mix (issue 9): --frames (default 1,000,000) over --flows (default 3072) ICS flows, "
             "a third each Modbus/TCP (FC3 polls, FC6/FC16 writes), DNP3 (integrity polls answered by 3-link-frame "
             "responses, event polls, confirmed unsolicited responses) and IEC 104 (spontaneous M_ME_NC_1/M_SP_NA_1, "
             "S-frames, C_SC_NA_1 select/execute), plus one HTTP, TLS, SSH, DNS or NTP flow per four ICS flows (20% "
             "of the frames), one frame per flow per round.",
             scenarios::bench_plant},
    Scenario{"iec104-catalogue",
             "IEC 104 session (STARTDT, TESTFR both ways, S-frames, STOPDT) carrying every standard type id "
             "used in 104 (SQ=0 and SQ=1), every cause 1-13, 20-41, 44-47, P/N and test bits, file transfer, "
             "and the IEC 101-only CP24 types (captures/README.md).",
             scenarios::iec104_catalogue},
};

}  // namespace

std::span<const Scenario> all_scenarios() { return kScenarios; }

const Scenario* find_scenario(std::string_view name) {
  for (const Scenario& s : kScenarios) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

ScenarioResult run_scenario(const Scenario& scenario, const ScenarioOptions& options, FrameSink& sink) {
  ScenarioContext ctx(sink, options);
  scenario.run(ctx);
  return ScenarioResult{ctx.out().frames(), ctx.pdus()};
}

core::Result<ScenarioResult, std::string> write_scenario(std::string_view name, const ScenarioOptions& options,
                                                         const std::string& path) {
  const Scenario* scenario = find_scenario(name);
  if (scenario == nullptr) return core::unexpected("unknown scenario '" + std::string(name) + "' (see --list)");
  auto writer = PcapWriter::open(path);
  if (!writer) return core::unexpected(writer.error());
  const ScenarioResult result = run_scenario(*scenario, options, **writer);
  auto closed = (*writer)->close();
  if (!closed) return core::unexpected(closed.error());
  return result;
}

}  // namespace normwatch::tools::capgen
