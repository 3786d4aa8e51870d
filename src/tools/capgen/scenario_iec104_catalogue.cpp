// Scenario iec104-catalogue: one IEC 60870-5-104 session between controlling station
// 10.10.2.12 and RTU 10.10.1.40:2404 that carries every standard type id of IEC 60870-5-101/104
// used in 104 (101 §7.3, 104 §8), in SQ=0 and, where allowed, SQ=1 form, with the causes of
// transmission each type takes (101 §7.2.3): every cause 1-13, 20-41 and 44-47 appears, with
// and without the P/N and test bits. The 101-only types with CP24Time2a (2-19) and the 101-only
// commands C_TS_NA_1 and C_CD_NA_1 follow in a marked block. The capture is the oracle for the
// parser and for the comparison with tshark (tests/conformance/iec104_vs_tshark.py).
#include <algorithm>
#include <vector>

#include "capgen/iec104_catalogue.hpp"
#include "capgen/iec104_link.hpp"
#include "capgen/plant.hpp"
#include "capgen/scenario_list.hpp"

namespace normwatch::tools::capgen::scenarios {
namespace {

using namespace iec104cat;  // NOLINT(google-build-using-namespace): the catalogue's own vocabulary
using Header = AsduBuilder::Header;

constexpr std::uint16_t kCa = plant::kIec104CommonAddress;  // logical unit 1 of the RTU
constexpr std::uint16_t kCa2 = 2;                           // logical unit 2 of the RTU
constexpr std::uint16_t kGlobal = 0xFFFF;                   // broadcast common address
constexpr std::uint8_t kStationOa = 3;                      // originator address of the station
constexpr std::int64_t kReply = 3'000;                      // RTU response latency (us)
constexpr std::int64_t kGap = 150'000;                      // between exchanges (us)

// The first information object address of type `type` (SQ=0 forms; SQ=1 forms start at +500).
std::uint32_t base_ioa(unsigned type) { return type * 1000u; }

class Catalogue {
 public:
  explicit Catalogue(ScenarioContext& ctx)
      : ctx_(ctx),
        tcp_(open_session(ctx, endpoints(plant::iec104_station(), 50600, plant::rtu(), iec104::kPort))),
        link_(ctx, tcp_) {}

  void run() {
    start();
    station_interrogation();
    group_interrogations();
    counter_interrogations();
    cyclic_and_background();
    spontaneous();
    reads();
    commands();
    unknown_replies();
    system_commands();
    parameters();
    file_transfer();
    cp24_types();
    finish();
  }

 private:
  std::int64_t now() const { return ctx_.out().now_us(); }

  // A monitor ASDU of `count` sample objects; event times a few milliseconds apart, before now.
  Bytes monitor(unsigned type, unsigned cot, unsigned count, bool sq, std::uint32_t first_ioa,
                std::uint16_t ca = kCa, std::uint8_t oa = 0, bool test = false) const {
    const TypeRow& row = *find_type(static_cast<std::uint8_t>(type));
    AsduBuilder a(Header{row.id, static_cast<std::uint8_t>(cot), ca, oa, false, test, sq});
    for (unsigned i = 0; i < count; ++i) {
      const Sample s{i, now() - 40'000 + 7'000 * static_cast<std::int64_t>(i)};
      a.object(sq ? first_ioa : first_ioa + 3 * i, row.sample(s));
    }
    return a.bytes();
  }
  Bytes monitor_for(unsigned type, unsigned cot, unsigned count, bool sq, std::uint16_t ca = kCa,
                    std::uint8_t oa = 0) const {
    return monitor(type, cot, count, sq, base_ioa(type) + (sq ? 500 : 0), ca, oa);
  }

  static Bytes single(const Header& h, std::uint32_t ioa, const Bytes& element) {
    return AsduBuilder(h).object(ioa, element).bytes();
  }
  // A control-direction ASDU repeated with another cause and P/N bit, the test bit kept: the RTU's
  // confirmations and terminations, the station's deactivations.
  static Bytes mirror(Bytes asdu, unsigned cot, bool negative = false) {
    asdu[2] = static_cast<std::uint8_t>((asdu[2] & 0x80u) | (negative ? 0x40u : 0u) | cot);
    return asdu;
  }

  void station_sends(const Bytes& asdu) {
    link_.i(Side::client, asdu);
    link_.pause(kReply);
  }
  void rtu_sends(const std::vector<Bytes>& asdus) {
    link_.i(Side::server, asdus);
    link_.pause(kReply);
  }
  void gap() { link_.pause(kGap); }

  // Activation, confirmation (optionally negative), optional termination.
  void exchange(const Bytes& act, bool terminate, bool negative = false) {
    station_sends(act);
    std::vector<Bytes> replies{mirror(act, kActivationCon, negative)};
    if (terminate && !negative) replies.push_back(mirror(act, kActivationTerm));
    rtu_sends(replies);
    gap();
  }

  void start() {
    tcp_.handshake();
    link_.u(Side::client, iec104::kStartDtAct);
    link_.pause(kReply);
    link_.u(Side::server, iec104::kStartDtCon);
    link_.pause(kReply);
    // End of initialisation after a local power-on (COI 0).
    rtu_sends({single(Header{70, kInitialised, kCa}, 0, coi(0))});
    link_.u(Side::client, iec104::kTestFrAct);
    link_.pause(kReply);
    link_.u(Side::server, iec104::kTestFrCon);
    gap();
  }

  // General interrogation to the global address: both logical units confirm, report every
  // status and measured type (SQ=0 and SQ=1) and their parameters, and terminate.
  void station_interrogation() {
    const Bytes act = single(Header{100, kActivation, kGlobal, kStationOa}, 0, qoi(kInterrogatedStation));
    station_sends(act);
    std::vector<Bytes> all;
    for (const std::uint16_t ca : {kCa, kCa2}) {
      all.push_back(single(Header{100, kActivationCon, ca, kStationOa}, 0, qoi(kInterrogatedStation)));
    }
    for (const unsigned type : {1u, 3u, 5u, 7u, 9u, 11u, 13u, 20u, 21u}) {
      all.push_back(monitor_for(type, kInterrogatedStation, 3, false, kCa, kStationOa));
      all.push_back(monitor_for(type, kInterrogatedStation, 4, true, kCa, kStationOa));
    }
    // Parameters of measured values are reported in the interrogation too (101 §7.3.5).
    all.push_back(single(Header{110, kInterrogatedStation, kCa, kStationOa}, base_ioa(110), parameter(110, 0.02, 1)));
    all.push_back(single(Header{111, kInterrogatedStation, kCa, kStationOa}, base_ioa(111), parameter(111, -500, 3)));
    all.push_back(single(Header{112, kInterrogatedStation, kCa, kStationOa}, base_ioa(112), parameter(112, 1500.0, 4)));
    for (std::size_t at = 0; at < all.size(); at += Iec104Link::kW) {
      const std::size_t end = std::min(all.size(), at + Iec104Link::kW);
      const auto first = all.begin() + static_cast<std::ptrdiff_t>(at);
      rtu_sends(std::vector<Bytes>(first, all.begin() + static_cast<std::ptrdiff_t>(end)));
    }
    // One report crosses a TCP segment boundary (cut 10 octets into the APDU).
    link_.i_split(Side::server, monitor(13, kInterrogatedStation, 5, true, 13'700, kCa, kStationOa), 10);
    link_.pause(kReply);
    rtu_sends({monitor(1, kInterrogatedStation, 6, true, 90'001, kCa2, kStationOa),
               monitor(13, kInterrogatedStation, 2, false, 0xFEDC00, kCa2, kStationOa)});
    std::vector<Bytes> terms;
    for (const std::uint16_t ca : {kCa, kCa2}) {
      terms.push_back(single(Header{100, kActivationTerm, ca, kStationOa}, 0, qoi(kInterrogatedStation)));
    }
    rtu_sends(terms);
    // The RTU's own idle test while the station is quiet, then the station acknowledges.
    link_.u(Side::server, iec104::kTestFrAct);
    link_.pause(kReply);
    link_.u(Side::client, iec104::kTestFrCon);
    link_.settle();
    gap();
  }

  // Groups 1..16 (QOI 21..36, causes inro1..inro16): groups 9..16 live in logical unit 2.
  void group_interrogations() {
    constexpr unsigned kTypes[] = {1, 3, 5, 7, 9, 11, 13, 20, 21};
    for (unsigned g = 1; g <= 16; ++g) {
      const std::uint16_t ca = g <= 8 ? kCa : kCa2;
      const unsigned cause = kInterrogatedStation + g;
      const Bytes act = single(Header{100, kActivation, ca, kStationOa}, 0, qoi(cause));
      station_sends(act);
      const unsigned type = kTypes[(g - 1) % 9];
      rtu_sends({mirror(act, kActivationCon), monitor_for(type, cause, 2, g % 2 == 0, ca, kStationOa),
                 mirror(act, kActivationTerm)});
      gap();
    }
    // A general interrogation the station calls off after the confirmation.
    const Bytes act = single(Header{100, kActivation, kCa, kStationOa}, 0, qoi(kInterrogatedStation));
    station_sends(act);
    rtu_sends({mirror(act, kActivationCon)});
    station_sends(mirror(act, kDeactivation));
    rtu_sends({mirror(act, kDeactivationCon)});
    link_.settle();
    gap();
  }

  // Counter interrogation (C_CI_NA_1): freeze, then read all (cause 37) and groups 1..4 (38..41).
  void counter_interrogations() {
    exchange(single(Header{101, kActivation, kCa, kStationOa}, 0, qcc(5, 1)), true);  // freeze without reset
    const Bytes read_all = single(Header{101, kActivation, kCa, kStationOa}, 0, qcc(5, 0));
    station_sends(read_all);
    rtu_sends({mirror(read_all, kActivationCon), monitor_for(15, kCounterGeneral, 3, false, kCa, kStationOa),
               monitor_for(15, kCounterGeneral, 4, true, kCa, kStationOa),
               monitor_for(37, kCounterGeneral, 2, false, kCa, kStationOa), mirror(read_all, kActivationTerm)});
    gap();
    for (unsigned g = 1; g <= 4; ++g) {
      const Bytes act = single(Header{101, kActivation, kCa, kStationOa}, 0, qcc(g, 0));
      station_sends(act);
      const unsigned cause = kCounterGeneral + g;
      const Bytes data = g == 3 ? monitor(37, cause, 2, false, base_ioa(37) + 30 * g, kCa, kStationOa)
                                : monitor(15, cause, 2, g % 2 == 1, base_ioa(15) + 30 * g, kCa, kStationOa);
      rtu_sends({mirror(act, kActivationCon), data, mirror(act, kActivationTerm)});
      gap();
    }
    exchange(single(Header{101, kActivation, kCa, kStationOa}, 0, qcc(5, 2)), true);  // freeze with reset
    exchange(single(Header{101, kActivation, kCa, kStationOa}, 0, qcc(1, 3)), true);  // counter reset, group 1
    link_.settle();
  }

  // Periodic (cause 1) measured values and a background scan (cause 2).
  void cyclic_and_background() {
    rtu_sends({monitor_for(9, kPeriodic, 6, true), monitor_for(11, kPeriodic, 3, false),
               monitor_for(13, kPeriodic, 4, true), monitor_for(21, kPeriodic, 8, true),
               monitor_for(21, kPeriodic, 3, false)});
    gap();
    rtu_sends({monitor_for(1, kBackground, 8, true), monitor_for(3, kBackground, 3, false),
               monitor_for(5, kBackground, 3, true), monitor_for(7, kBackground, 2, false),
               monitor_for(20, kBackground, 2, false), monitor_for(13, kBackground, 2, false)});
    link_.settle();
    gap();
  }

  // Spontaneous (cause 3) reports: untimed types, every CP56Time2a type, a time tag flagged
  // invalid and summer time, and a measurand sent in test mode.
  void spontaneous() {
    rtu_sends({monitor_for(1, kSpontaneous, 2, false), monitor_for(3, kSpontaneous, 1, false),
               monitor_for(5, kSpontaneous, 1, false), monitor_for(7, kSpontaneous, 1, false),
               monitor_for(9, kSpontaneous, 2, false), monitor_for(11, kSpontaneous, 1, false),
               monitor_for(13, kSpontaneous, 2, false), monitor_for(15, kSpontaneous, 1, false)});
    gap();
    rtu_sends({monitor_for(20, kSpontaneous, 1, false), monitor_for(21, kSpontaneous, 2, false),
               monitor_for(30, kSpontaneous, 3, false), monitor_for(31, kSpontaneous, 3, false),
               monitor_for(32, kSpontaneous, 3, false), monitor_for(33, kSpontaneous, 2, false),
               monitor_for(34, kSpontaneous, 3, false), monitor_for(35, kSpontaneous, 3, false)});
    gap();
    Bytes siq_bad_clock{0x01};
    const Bytes t = cp56(now() - 5'000, true, true);
    siq_bad_clock.insert(siq_bad_clock.end(), t.begin(), t.end());
    rtu_sends({monitor_for(36, kSpontaneous, 3, false), monitor_for(37, kSpontaneous, 2, false),
               monitor_for(38, kSpontaneous, 2, false), monitor_for(39, kSpontaneous, 1, false),
               monitor_for(40, kSpontaneous, 1, false), single(Header{30, kSpontaneous, kCa}, 30'900, siq_bad_clock),
               monitor(36, kSpontaneous, 1, false, 36'900, kCa, 0, true)});
    link_.settle();
    gap();
  }

  // Read commands (C_RD_NA_1, cause 5) answered with the requested object (cause 5).
  void reads() {
    for (const unsigned type : {13u, 30u, 31u}) {
      const std::uint32_t ioa = base_ioa(type);
      station_sends(single(Header{102, kRequest, kCa, kStationOa}, ioa, {}));
      rtu_sends({monitor(type, kRequest, 1, false, ioa, kCa, kStationOa)});
      gap();
    }
  }

  Bytes command(unsigned type, const Command& c, std::uint32_t ioa, unsigned cot = kActivation, bool test = false,
                std::uint16_t ca = kCa) const {
    const TypeRow& row = *find_type(static_cast<std::uint8_t>(type));
    Command timed = c;
    timed.time_us = now();
    return single(Header{row.id, static_cast<std::uint8_t>(cot), ca, kStationOa, false, test}, ioa, row.command(timed));
  }
  // Select-before-operate: select act/con, execute act/con/term.
  void select_execute(unsigned type, Command c, std::uint32_t ioa) {
    c.select = true;
    exchange(command(type, c, ioa), false);
    c.select = false;
    exchange(command(type, c, ioa), true);
  }

  // Every command type (45-51, 58-64) with select/execute, qualifiers QU/QL, returned
  // information (causes 11, 12), a deactivated selection (8, 9), a negative confirmation and a
  // command in test mode.
  void commands() {
    select_execute(45, Command{1, 0}, base_ioa(45));
    rtu_sends({monitor(30, kReturnRemote, 1, false, base_ioa(45), kCa),
               monitor(1, kReturnRemote, 1, false, base_ioa(45) + 1, kCa)});
    select_execute(46, Command{2, 1}, base_ioa(46));  // on, short pulse
    rtu_sends({monitor(31, kReturnRemote, 1, false, base_ioa(46), kCa)});
    exchange(command(47, Command{2, 2}, base_ioa(47)), true);  // higher, long pulse
    rtu_sends({monitor(32, kReturnRemote, 1, false, base_ioa(47), kCa)});
    select_execute(48, Command{0, 0, false, 0.5}, base_ioa(48));
    exchange(command(49, Command{0, 0, false, 1234}, base_ioa(49)), true);
    select_execute(50, Command{0, 0, false, 75.5}, base_ioa(50));
    exchange(command(50, Command{0, 0, false, 1.0e6}, base_ioa(50)), false, true);  // refused: out of range
    exchange(command(51, Command{0, 0, false, 0, 0x0000FF00}, base_ioa(51)), true);
    select_execute(58, Command{0, 3}, base_ioa(58));  // off, persistent
    exchange(command(59, Command{1, 0}, base_ioa(59)), true);
    exchange(command(60, Command{1, 1}, base_ioa(60)), true);
    exchange(command(61, Command{0, 0, false, -0.25}, base_ioa(61)), true);
    exchange(command(62, Command{0, 0, false, -320}, base_ioa(62)), true);
    select_execute(63, Command{0, 0, false, 12.75}, base_ioa(63));
    exchange(command(64, Command{0, 0, false, 0, 0x80000001}, base_ioa(64)), true);
    // A local operator switches breaker 3001 and point 1003 (cause 12, return information local).
    rtu_sends({monitor(3, kReturnLocal, 1, false, 3001, kCa), monitor(1, kReturnLocal, 1, false, 1003, kCa)});
    // The station selects, then deactivates the selection.
    const Bytes select = command(45, Command{1, 0, true}, base_ioa(45) + 1);
    exchange(select, false);
    station_sends(mirror(select, kDeactivation));
    rtu_sends({mirror(select, kDeactivationCon)});
    gap();
    // Test mode (T = 1), confirmed in test mode; and a test command refused (T and P/N).
    exchange(command(46, Command{1, 0}, base_ioa(46) + 1, kActivation, true), true);
    exchange(command(45, Command{0, 0}, base_ioa(45) + 2, kActivation, true), false, true);
    link_.settle();
  }

  // Negative replies with causes 44-47: a type, a cause, a common address, an object unknown.
  void unknown_replies() {
    const Bytes unknown_type = command(62, Command{0, 0, false, 7}, base_ioa(62) + 7, kActivation, false, kCa2);
    station_sends(unknown_type);
    rtu_sends({mirror(unknown_type, kUnknownType, true)});
    gap();
    const Bytes unknown_cause = command(47, Command{1, 0}, base_ioa(47), kDeactivation);
    station_sends(unknown_cause);
    rtu_sends({mirror(unknown_cause, kUnknownCause, true)});
    gap();
    const Bytes unknown_ca = single(Header{100, kActivation, 7, kStationOa}, 0, qoi(kInterrogatedStation));
    station_sends(unknown_ca);
    rtu_sends({mirror(unknown_ca, kUnknownCommonAddress, true)});
    gap();
    const Bytes unknown_ioa = command(45, Command{1, 0}, 9999);
    station_sends(unknown_ioa);
    rtu_sends({mirror(unknown_ioa, kUnknownObjectAddress, true)});
    gap();
    const Bytes read_unknown = single(Header{102, kRequest, kCa, kStationOa}, 9998, {});
    station_sends(read_unknown);
    rtu_sends({mirror(read_unknown, kUnknownObjectAddress, true)});
    link_.settle();
    gap();
  }

  // Clock synchronisation (unit and broadcast), test command, reset process, delay acquisition.
  void system_commands() {
    exchange(single(Header{103, kActivation, kCa, kStationOa}, 0, cp56(now())), false);
    const Bytes broadcast = single(Header{103, kActivation, kGlobal, kStationOa}, 0, cp56(now()));
    station_sends(broadcast);
    Bytes con1 = mirror(broadcast, kActivationCon);
    Bytes con2 = con1;
    con1[4] = kCa & 0xFF;
    con1[5] = kCa >> 8;
    con2[4] = kCa2 & 0xFF;
    con2[5] = kCa2 >> 8;
    rtu_sends({con1, con2});
    gap();
    rtu_sends({single(Header{103, kSpontaneous, kCa}, 0, cp56(now()))});  // the RTU reports its clock
    exchange(single(Header{107, kActivation, kCa, kStationOa}, 0, tsc(0x1234, now())), false);
    exchange(single(Header{105, kActivation, kCa, kStationOa}, 0, qrp(2)), false);  // reset event buffer
    exchange(single(Header{105, kActivation, kCa, kStationOa}, 0, qrp(1)), false);  // general reset
    rtu_sends({single(Header{70, kInitialised, kCa}, 0, coi(2))});                   // after remote reset
    rtu_sends({single(Header{70, kInitialised, kCa2}, 0, coi(1, true))});            // manual reset, new parameters
    link_.settle();
    gap();
  }

  // Parameter loading (110-112 with QPM) and activation (113 with QPA), including deactivation.
  void parameters() {
    exchange(single(Header{110, kActivation, kCa, kStationOa}, base_ioa(110), parameter(110, 0.01, 1)), false);
    exchange(single(Header{111, kActivation, kCa, kStationOa}, base_ioa(111), parameter(111, -500, 3)), false);
    exchange(single(Header{112, kActivation, kCa, kStationOa}, base_ioa(112), parameter(112, 1500.0, 4, true)), false);
    exchange(single(Header{112, kActivation, kCa, kStationOa}, base_ioa(112) + 1, parameter(112, 0.5, 2, false, true)),
             false);
    exchange(single(Header{113, kActivation, kCa, kStationOa}, base_ioa(112), qpa(1)), false);
    const Bytes act = single(Header{113, kActivation, kCa, kStationOa}, base_ioa(112), qpa(3));
    exchange(act, false);
    station_sends(mirror(act, kDeactivation));
    rtu_sends({mirror(act, kDeactivationCon)});
    link_.settle();
    gap();
  }

  // File transfer (101 §7.4.11, 104 §8): directory, select, call file and section, two
  // segments, last segment and last section with checksums and their acknowledgements; then a
  // log query the RTU cannot serve.
  void file_transfer() {
    constexpr std::uint32_t kDirectory = 70'000;
    constexpr unsigned kNof = 2;
    constexpr std::uint32_t kFileIoa = kDirectory + kNof;
    station_sends(single(Header{122, kRequest, kCa, kStationOa}, kDirectory, call_select(0, 0, 0)));
    {
      AsduBuilder dir(Header{126, kRequest, kCa, kStationOa, false, false, true});
      dir.object(kDirectory + 1, directory_entry(1, 1200, 0x00, now() - 86'400'000'000));
      dir.object(kDirectory + 2, directory_entry(kNof, 60, 0x00, now() - 3'600'000'000));
      dir.object(kDirectory + 3, directory_entry(3, 4096, 0x20, now() - 60'000'000));  // LFD: last in directory
      rtu_sends({dir.bytes()});
    }
    gap();
    Bytes content;
    for (unsigned i = 0; i < 60; ++i) content.push_back(static_cast<std::uint8_t>(0x30 + (i * 7) % 75));
    const unsigned chs = checksum(content);
    station_sends(single(Header{122, kFile, kCa, kStationOa}, kFileIoa, call_select(kNof, 0, 1)));  // select file
    rtu_sends({single(Header{120, kFile, kCa, kStationOa}, kFileIoa, file_ready(kNof, 60))});
    station_sends(single(Header{122, kFile, kCa, kStationOa}, kFileIoa, call_select(kNof, 0, 2)));  // call file
    rtu_sends({single(Header{121, kFile, kCa, kStationOa}, kFileIoa, section_ready(kNof, 1, 60))});
    station_sends(single(Header{122, kFile, kCa, kStationOa}, kFileIoa, call_select(kNof, 1, 6)));  // call section
    const ByteView data(content);
    rtu_sends({single(Header{125, kFile, kCa, kStationOa}, kFileIoa, segment(kNof, 1, data.subspan(0, 30))),
               single(Header{125, kFile, kCa, kStationOa}, kFileIoa, segment(kNof, 1, data.subspan(30, 30))),
               single(Header{123, kFile, kCa, kStationOa}, kFileIoa, last_section(kNof, 1, 3, chs))});  // last segment
    station_sends(single(Header{124, kFile, kCa, kStationOa}, kFileIoa, ack_file(kNof, 1, 3)));  // section ok
    rtu_sends({single(Header{123, kFile, kCa, kStationOa}, kFileIoa, last_section(kNof, 1, 1, chs))});  // last section
    station_sends(single(Header{124, kFile, kCa, kStationOa}, kFileIoa, ack_file(kNof, 0, 1)));  // file ok
    gap();
    rtu_sends({single(Header{126, kSpontaneous, kCa}, kDirectory + 4, directory_entry(4, 512, 0xA0, now()))});
    station_sends(single(Header{127, kFile, kCa, kStationOa}, kDirectory + 5,
                         query_log(5, now() - 3'600'000'000, now())));
    rtu_sends({single(Header{120, kFile, kCa, kStationOa}, kDirectory + 5, file_ready(5, 0, true))});
    link_.settle();
    gap();
  }

  // IEC 101-only types: CP24Time2a reports (2-19) and the commands C_TS_NA_1 and C_CD_NA_1.
  void cp24_types() {
    rtu_sends({monitor_for(2, kSpontaneous, 2, false), monitor_for(4, kSpontaneous, 2, false),
               monitor_for(6, kSpontaneous, 2, false), monitor_for(8, kSpontaneous, 1, false),
               monitor_for(10, kSpontaneous, 2, false), monitor_for(12, kSpontaneous, 2, false),
               monitor_for(14, kSpontaneous, 2, false), monitor_for(16, kSpontaneous, 2, false)});
    rtu_sends({monitor_for(17, kSpontaneous, 2, false), monitor_for(18, kSpontaneous, 1, false),
               monitor_for(19, kSpontaneous, 1, false)});
    link_.settle();
    gap();
    exchange(single(Header{104, kActivation, kCa, kStationOa}, 0, fbp()), false);
    exchange(single(Header{106, kActivation, kCa, kStationOa}, 0, cp16(250)), false);
    station_sends(single(Header{106, kSpontaneous, kCa, kStationOa}, 0, cp16(180)));
    link_.settle();
    gap();
  }

  void finish() {
    link_.u(Side::client, iec104::kStopDtAct);
    link_.pause(kReply);
    link_.u(Side::server, iec104::kStopDtCon);
    gap();
    tcp_.close(Side::client);
  }

  ScenarioContext& ctx_;
  TcpSession tcp_;
  Iec104Link link_;
};

}  // namespace

void iec104_catalogue(ScenarioContext& ctx) { Catalogue(ctx).run(); }

}  // namespace normwatch::tools::capgen::scenarios
