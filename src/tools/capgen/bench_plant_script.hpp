// Scripts of the `bench-plant` scenario: each protocol's conversation precomputed once as a list
// of steps (one TCP segment or UDP datagram each), a prologue then a loop that repeats forever,
// so that writing a million frames is copying bytes, not encoding. Fields that differ per flow
// (Modbus transaction ids, IEC 104 send/receive numbers, NTP timestamps) are filled when sent.
#pragma once

#include <cstdint>
#include <vector>

#include "capgen/bytes.hpp"
#include "capgen/conversation.hpp"
#include "capgen/rng.hpp"

namespace normwatch::tools::capgen::plant_script {

enum class StepKind : std::uint8_t {
  raw,             // bytes as they are (DNS, HTTP, SSH, TLS)
  modbus,          // an ADU whose transaction id (bytes 0-1) is the flow's current one
  dnp3_link,       // a DNP3 link frame carrying a transport segment that does not end a fragment
  dnp3_link_last,  // the link frame that completes an application fragment
  iec104_i,        // an I-frame around `bytes` (the ASDU), numbered from the flow's counters
  iec104_s,        // an S-frame acknowledging what the sender has received
  iec104_u,        // a U-frame, bytes[0] the control octet
  ntp_client,      // NTP mode 3 at the capture time
  ntp_server,      // NTP mode 4 answering the flow's last client packet
};

struct Step {
  Side side = Side::client;
  StepKind kind = StepKind::raw;
  bool opens = false;  // first step of an exchange: the flow may stop (quietly) before it
  Bytes bytes;
};

struct Script {
  std::vector<Step> prologue;
  std::vector<Step> loop;
  bool tcp = true;
  bool ics = true;

  const Step& at(std::uint64_t n) const {
    return n < prologue.size() ? prologue[n] : loop[(n - prologue.size()) % loop.size()];
  }
};

// ICS: Modbus/TCP FC3 polls with FC6 and FC16 writes; DNP3 integrity polls with multi-frame
// responses, event polls and confirmed unsolicited responses (link addresses 1 -> 10); IEC 104
// spontaneous M_ME_NC_1 / M_SP_NA_1 with S-frames and C_SC_NA_1 select/execute.
Script modbus();
Script dnp3(Rng& rng);
Script iec104(Rng& rng);

// Background, for nDPI: HTTP/1.1 keep-alive polling, TLS 1.3 and SSH sessions (handshake
// messages, then opaque records), DNS lookups over UDP, NTP client/server exchanges.
Script http();
Script tls(Rng& rng);
Script ssh(Rng& rng);
Script dns(Rng& rng);
Script ntp();

}  // namespace normwatch::tools::capgen::plant_script
