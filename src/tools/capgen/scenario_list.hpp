// The run functions of every scenario, defined in scenario_*.cpp and listed in scenario.cpp.
#pragma once

#include "capgen/scenario.hpp"

namespace normwatch::tools::capgen::scenarios {

void demo(ScenarioContext& ctx);
void tcp_segmented(ScenarioContext& ctx);
void tcp_reordered(ScenarioContext& ctx);
void tcp_retransmit_overlap(ScenarioContext& ctx);
void tcp_gap(ScenarioContext& ctx);
void tcp_midstream(ScenarioContext& ctx);
void vlan_qinq(ScenarioContext& ctx);
void ipv6(ScenarioContext& ctx);
void udp_dnp3(ScenarioContext& ctx);
void ipv4_fragments(ScenarioContext& ctx);
void bench(ScenarioContext& ctx);
void bench_syn_sweep(ScenarioContext& ctx);
void attack_syn_sweep(ScenarioContext& ctx);   // scenario_attack.cpp
void attack_ooo_stream(ScenarioContext& ctx);  // scenario_attack.cpp
void rules_modbus(ScenarioContext& ctx);   // scenario_rules_modbus.cpp
void rules_dnp3(ScenarioContext& ctx);     // scenario_rules_dnp3.cpp
void rules_iec104(ScenarioContext& ctx);   // scenario_rules_iec104.cpp
void bench_mixed(ScenarioContext& ctx);    // scenario_bench_mixed.cpp
void bench_plant(ScenarioContext& ctx);    // scenario_bench_plant.cpp
void iec104_catalogue(ScenarioContext& ctx);  // scenario_iec104_catalogue.cpp

}  // namespace normwatch::tools::capgen::scenarios
