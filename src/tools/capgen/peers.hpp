// Protocol peers the scenarios drive: each wraps the encoder of one ICS protocol with the state a
// conversation needs (Modbus transaction ids, DNP3 transport and application sequence numbers,
// IEC 104 send/receive counters) and counts the PDUs it builds in the ScenarioContext.
// Side::client is always the polling end: HMI, DNP3 master, IEC 104 controlling station.
#pragma once

#include <cstdint>
#include <vector>

#include "capgen/conversation.hpp"
#include "capgen/dnp3_encoder.hpp"
#include "capgen/iec104_encoder.hpp"
#include "capgen/scenario.hpp"

namespace normwatch::tools::capgen {

Host make_host(std::uint32_t number, const core::IpAddress& address);
Endpoints endpoints(const Host& client, std::uint16_t client_port, const Host& server, std::uint16_t server_port,
                    std::vector<VlanTag> tags = {});
// A TcpSession with seeded initial sequence numbers.
TcpSession open_session(ScenarioContext& ctx, Endpoints ends);

class ModbusPeer {
 public:
  ModbusPeer(ScenarioContext& ctx, std::uint8_t unit, std::uint16_t first_transaction = 1)
      : ctx_(ctx), unit_(unit), next_transaction_(first_transaction) {}

  // The next request ADU (new transaction id) and the response ADU to the latest request.
  Bytes request(ByteView pdu);
  Bytes response(ByteView pdu);
  // Request from the client, then, `delay_us` later, the server's response: one segment each.
  void transact(TcpSession& tcp, ByteView request_pdu, ByteView response_pdu, std::int64_t delay_us = 1800);

 private:
  ScenarioContext& ctx_;
  std::uint8_t unit_;
  std::uint16_t next_transaction_;
  std::uint16_t transaction_ = 0;  // of the latest request
};

class Dnp3Peer {
 public:
  Dnp3Peer(ScenarioContext& ctx, std::uint16_t master, std::uint16_t outstation)
      : ctx_(ctx), master_(master), outstation_(outstation) {}

  // The link frames that carry `fragment` from `from` (client = master), one per transport segment.
  std::vector<Bytes> frames(Side from, ByteView fragment);
  // Application sequence numbers (4 bits): master requests, and the outstation's unsolicited ones.
  std::uint8_t next_request_seq() { return request_seq_++ & 0x0F; }
  std::uint8_t next_unsolicited_seq() { return unsolicited_seq_++ & 0x0F; }

 private:
  ScenarioContext& ctx_;
  std::uint16_t master_;
  std::uint16_t outstation_;
  std::uint8_t transport_seq_[2] = {0, 0};
  std::uint8_t request_seq_ = 0;
  std::uint8_t unsolicited_seq_ = 0;
};

// The link frames back to back (one datagram or one segment).
Bytes join_frames(const std::vector<Bytes>& frames);
// Sends each of `frames` as its own TCP segment from `from`.
void send_each(TcpSession& tcp, Side from, const std::vector<Bytes>& frames);
// All of `frames` in one TCP segment.
void send_joined(TcpSession& tcp, Side from, const std::vector<Bytes>& frames);

class Iec104Peer {
 public:
  Iec104Peer(ScenarioContext& ctx, TcpSession& tcp) : ctx_(ctx), tcp_(tcp) {}

  void i_frame(Side from, const iec104::Asdu& asdu);
  void s_frame(Side from);  // acknowledges every I-frame `from` has received
  void u_frame(Side from, std::uint8_t control);
  // Builds the next I-frame without sending it (for scenarios that segment APDUs themselves).
  Bytes build_i_frame(Side from, const iec104::Asdu& asdu);

 private:
  iec104::Counters& counters(Side s) { return counters_[static_cast<std::size_t>(s)]; }
  ScenarioContext& ctx_;
  TcpSession& tcp_;
  iec104::Counters counters_[2];
};

}  // namespace normwatch::tools::capgen
